"""`vidgen make` with the LLM engine against the loopback stand-in, one scenario per test."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llm_standin import API_KEY, LOOK, MARK, StandIn
from video_generator.cli import main

BRIEF = "a 30 second TikTok about cold brew for busy parents, end with 'link in bio'"


def make(tmp_path: Path, brief: str = BRIEF, name: str = "pkg", *extra: str) -> tuple[int, Path]:
    out = tmp_path / name
    return main(["make", brief, "-o", str(out), "--quiet", *extra]), out


def read_package(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "package.json").read_text(encoding="utf-8"))


def narration(package: dict) -> str:
    return " ".join(s["narration"] for s in package["script"]["segments"])


def assert_llm_script(package: dict, standin: StandIn) -> None:
    origin = package["script"]["origin"]
    assert origin == {
        "engine": "llm",
        "model": "standin-model",
        "server": standin.base_url,
        "fallback_reason": None,
    }
    assert MARK in narration(package)
    assert package["script"]["call_to_action"] == "link in bio"
    assert "link in bio" in package["script"]["segments"][-1]["narration"]


def test_good_replies_write_the_package_in_two_requests(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url)
    code, out = make(tmp_path)
    printed = capsys.readouterr()
    assert code == 0, printed
    package = read_package(out)
    assert_llm_script(package, standin)
    shots = [shot for scene in package["storyboard"]["scenes"] for shot in scene["shots"]]
    assert package["storyboard"]["origin"]["engine"] == "llm"
    assert all(MARK in shot["subject"] for shot in shots)
    assert all(shot["prompts"]["prompt"].endswith(LOOK) for shot in shots)  # one look
    assert all(shot["visual_description"].startswith("Maya") for shot in shots)
    assert len(standin.texts()) == 2  # one script, one storyboard
    assert standin.problems == []
    assert f"words: llm standin-model at {standin.base_url}" in printed.out
    assert "warning" not in printed.err
    html = (out / "storyboard.html").read_text(encoding="utf-8")
    assert "Words: llm standin-model at" in html
    # What the model was asked: the brief, the budgets, the exact CTA, the language.
    script_request = standin.texts()[0]["json"]
    asked = script_request["messages"][1]["content"]
    assert "cold brew" in asked and '"link in bio"' in asked and "English (en)" in asked
    assert "seg-01 (hook)" in asked and "words" in asked
    schema = script_request["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["title", "segments", "call_to_action", "hashtags"]
    assert script_request["temperature"] == 0 and "max_tokens" in script_request


@pytest.mark.parametrize(
    ("first", "problem"),
    [
        ("over_budget", "over its budget"),
        ("invalid_json", "not valid JSON"),
        ("length", 'finish_reason "length"'),
    ],
)
def test_a_bad_first_reply_gets_one_repair_round(
    standin: StandIn,
    use_llm: Callable[..., None],
    tmp_path: Path,
    first: str,
    problem: str,
) -> None:
    use_llm(standin.base_url)
    standin.plan = [first]
    code, out = make(tmp_path)
    assert code == 0
    assert_llm_script(read_package(out), standin)
    texts = standin.texts()
    assert len(texts) == 3  # script, its repair, storyboard
    repair = texts[1]["json"]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert problem in repair[-1]["content"]
    if first == "length":
        assert texts[1]["json"]["max_tokens"] > texts[0]["json"]["max_tokens"]
    assert standin.problems == []


def test_a_reply_in_the_wrong_language_is_sent_back(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path
) -> None:
    use_llm(standin.base_url)
    standin.plan = ["wrong_language"]
    code, out = make(tmp_path, "a 30 second TikTok about cold brew for busy parents, in Spanish")
    package = read_package(out)
    assert code in (0, 1)
    assert package["script"]["language"] == "es"
    assert package["script"]["origin"]["engine"] == "llm"
    assert "dato sobre el tema" in narration(package)
    texts = standin.texts()
    assert len(texts) == 3
    assert (
        "must be in Spanish (es) but reads as English"
        in texts[1]["json"]["messages"][-1]["content"]
    )


def test_think_blocks_and_code_fences_are_stripped(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path
) -> None:
    use_llm(standin.base_url)
    standin.plan = ["think"]
    code, out = make(tmp_path)
    assert code == 0
    package = read_package(out)
    assert_llm_script(package, standin)
    assert "think" not in narration(package).lower()
    assert len(standin.texts()) == 2  # no repair needed


def test_two_bad_replies_fall_back_to_the_offline_draft_with_a_warning(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url)
    standin.plan = ["invalid_json", "invalid_json"]
    code, out = make(tmp_path)
    printed = capsys.readouterr()
    assert code == 0, printed
    package = read_package(out)
    origin = package["script"]["origin"]
    assert origin["engine"] == "offline"
    assert "after one repair round" in origin["fallback_reason"]
    assert MARK not in narration(package)
    assert package["storyboard"]["origin"]["engine"] == "llm"  # the storyboard still asked
    assert len(standin.texts()) == 3
    assert "warning: the model's script failed its checks" in printed.err
    assert "offline draft" in printed.err
    # The draft is not cached: the next run asks the model again.
    code, again = make(tmp_path, BRIEF, "again")
    assert code == 0
    assert read_package(again)["script"]["origin"]["engine"] == "llm"
    assert len(standin.texts()) == 5  # asked again: the script, and the new script's storyboard


def test_a_refused_key_is_one_error_naming_the_variable(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url)
    standin.default = "401"
    code, out = make(tmp_path)
    err = capsys.readouterr().err
    assert code == 2
    assert "VG_LLM_API_KEY" in err and "HTTP 401" in err and "Traceback" not in err
    assert API_KEY not in err
    assert len(standin.texts()) == 1  # not retried, by the client nor the workflow
    assert not out.exists()


def test_connection_refused_is_one_clear_error_naming_the_url(
    use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/v1"
    use_llm(url)
    code, _ = make(tmp_path)
    err = capsys.readouterr().err
    assert code == 3
    assert f"cannot reach the LLM server at {url} (connection refused): is the server running?" in (
        err
    )
    assert err.count("error:") == 1 and "retry" not in err.lower() and "Traceback" not in err


def test_429_retry_after_is_honoured(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path
) -> None:
    use_llm(standin.base_url)
    standin.plan = ["429:1"]
    code, out = make(tmp_path)
    assert code == 0
    assert_llm_script(read_package(out), standin)
    texts = standin.texts()
    assert len(texts) == 3  # the 429, the script again, the storyboard
    waited = texts[1]["at"] - texts[0]["at"]
    assert waited >= 0.9, f"retried after {waited:.2f} s, Retry-After said 1 s"


def test_a_retry_after_beyond_the_deadline_falls_back_at_once(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url, VG_LLM_TIMEOUT_S="5")
    standin.plan = ["429:600"]
    code, out = make(tmp_path)
    err = capsys.readouterr().err
    assert code == 0
    assert read_package(out)["script"]["origin"]["engine"] == "offline"
    assert "Retry-After" in err and "VG_LLM_TIMEOUT_S=5" in err
    assert len(standin.texts()) == 2  # the 429 (not retried), then the storyboard


def test_a_slow_server_times_out_into_the_offline_draft(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url, VG_LLM_TIMEOUT_S="0.4")
    standin.default = "slow"
    code, out = make(tmp_path)
    err = capsys.readouterr().err
    assert code == 0
    package = read_package(out)
    assert package["script"]["origin"]["engine"] == "offline"
    assert package["storyboard"]["origin"]["engine"] == "offline"
    assert "within 0.4 s" in err and "VG_LLM_TIMEOUT_S" in err
    assert len(standin.texts()) == 2  # one per agent: the deadline allows no second attempt


def test_a_200_that_is_not_json_is_a_clear_engine_error(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url)
    standin.default = "html"
    code, _ = make(tmp_path)
    err = capsys.readouterr().err
    assert code == 3
    assert "answered HTTP 200 with something that is not a chat completion" in err
    assert "text/html" in err and "JSONDecodeError" not in err and "Traceback" not in err


def test_a_server_without_json_schema_gets_json_object(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path
) -> None:
    use_llm(standin.base_url)
    standin.default = "no_schema_support"
    code, out = make(tmp_path)
    assert code == 0
    assert_llm_script(read_package(out), standin)
    formats = [r["json"]["response_format"]["type"] for r in standin.texts()]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_a_new_model_never_gets_the_old_models_text_from_the_cache(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path
) -> None:
    use_llm(standin.base_url)
    assert make(tmp_path, BRIEF, "first")[0] == 0
    assert make(tmp_path, BRIEF, "cached")[0] == 0
    assert len(standin.texts()) == 2  # the same model: from the cache
    use_llm(standin.base_url, VG_LLM_MODEL="another-model")
    code, out = make(tmp_path, BRIEF, "other")
    assert code == 0
    assert read_package(out)["script"]["origin"]["model"] == "another-model"
    assert len(standin.texts()) == 4
    assert standin.texts()[-1]["json"]["model"] == "another-model"


def test_a_5xx_is_retried_and_a_server_that_keeps_failing_leaves_the_draft(
    standin: StandIn, use_llm: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    use_llm(standin.base_url, VG_LLM_ATTEMPTS="2")
    standin.plan = ["500"]
    code, out = make(tmp_path)
    assert code == 0
    assert_llm_script(read_package(out), standin)
    assert len(standin.texts()) == 3  # the 500, the script again, the storyboard
    standin.default = "500"
    code, out = make(tmp_path, "a 20 second Reel about green tea for students", "down")
    err = capsys.readouterr().err
    assert code == 0
    package = read_package(out)
    assert package["script"]["origin"]["engine"] == "offline"
    assert "HTTP 500" in package["script"]["origin"]["fallback_reason"]
    assert "2 attempt(s)" in err
    assert len(standin.texts()) == 3 + 4  # two attempts for each agent, then the drafts
