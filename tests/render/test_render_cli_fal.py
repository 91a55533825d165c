"""`vidgen make --render --model`: dry run, budget, key and model checks, a stand-in run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from fal_standin import KEY, FalStandIn
from fal_support import make_tiny_clip
from video_generator.cli import main
from video_generator.render.probe import probe

BRIEF = "a 10 second TikTok about green tea for students"


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)


def test_dry_run_prints_the_estimate_without_a_key(
    tmp_path: Path, no_key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    args = ["make", BRIEF, "-o", str(out), "--render", "--model", "veo-3-fast", "--dry-run"]
    code = main([*args, "--quiet", "--budget", "1000"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Estimated cost" in printed and "veo-3-fast" in printed
    assert "budget $1000.00: the estimate is within it" in printed
    assert not out.exists(), "a dry run writes nothing"


def test_dry_run_over_the_budget_exits_2_as_the_real_run_would(
    tmp_path: Path, no_key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    args = ["make", BRIEF, "-o", str(out), "--render", "--model", "veo-3-fast", "--dry-run"]
    code = main([*args, "--quiet", "--budget", "0.01"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Estimated cost" in captured.out  # the estimate is still shown
    assert "budget $0.01: the estimate is OVER it" in captured.out
    assert "over the budget of $0.01" in captured.err and "Raise --budget" in captured.err
    assert not out.exists(), "a dry run writes nothing"


def test_missing_key_is_refused_before_any_work(
    tmp_path: Path, no_key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    code = main(["make", BRIEF, "-o", str(out), "--render", "--model", "veo-3-fast"])
    assert code == 2
    assert "FAL_KEY is not set" in capsys.readouterr().err
    assert not out.exists()


def test_over_budget_exits_2_and_renders_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAL_KEY", KEY)
    out = tmp_path / "pkg"
    args = ["make", BRIEF, "-o", str(out), "--render", "--model", "veo-3", "--budget", "0.05"]
    code = main([*args, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "budget" in err.lower()
    assert not (out / "tiktok" / "preview.mp4").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--model", "veo-3-fast"], "--render"),
        (["--render", "--budget", "3"], "--model"),
        (["--render", "--dry-run"], "--model"),
        (["--render", "--model", "no-such-model", "--dry-run"], "unknown fal model"),
    ],
)
def test_flag_mistakes_exit_2(
    tmp_path: Path, flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["make", BRIEF, "-o", str(tmp_path / "x"), *flags]) == 2
    assert message in capsys.readouterr().err


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_clip(tmp_path_factory.mktemp("media") / "clip.mp4")


async def test_model_run_writes_final_video_with_the_cuts_timing(
    tmp_path: Path, tiny_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin = await FalStandIn(tiny_clip).start()
    try:
        for name in ("VG_FAL_QUEUE_URL", "VG_FAL_REST_URL", "VG_FAL_CDN_URL"):
            monkeypatch.setenv(name, standin.url)
        monkeypatch.setenv("VG_FAL_POLL_INTERVAL_S", "0.02")
        monkeypatch.setenv("FAL_KEY", KEY)
        out = tmp_path / "pkg"
        args = ["make", BRIEF, "-o", str(out), "--render", "--model", "veo-3-fast"]
        # The CLI runs its own event loop; the stand-in serves on this one.
        code = await asyncio.to_thread(main, [*args, "--quiet", "--budget", "20"])
        submitted = standin.count("submit")
        # The same brief again, into another folder: every clip is reused, none paid again.
        again = ["make", BRIEF, "-o", str(tmp_path / "again"), "--render", "--model", "veo-3-fast"]
        code_again = await asyncio.to_thread(main, [*again, "--quiet"])
    finally:
        await standin.stop()
    assert code == 0 and code_again == 0
    assert submitted >= 1 and standin.count("submit") == submitted
    repeat = orjson.loads((tmp_path / "again" / "package.json").read_bytes())["render"]["clips"]
    assert (repeat["made"], repeat["actual_usd"]) == (0, 0)
    assert repeat["reused"] == submitted
    assert (tmp_path / "again" / "tiktok" / "final.mp4").is_file()
    cut = orjson.loads((out / "tiktok" / "cut.json").read_bytes())
    info = await probe(out / "tiktok" / "final.mp4")
    assert abs(info.duration_s - cut["duration_s"]) <= 0.1
    assert (info.width, info.height) == (1080, 1920) and info.has_audio
    assert (out / "tiktok" / "preview.mp4").is_file()
    report = orjson.loads((out / "clips" / "report.json").read_bytes())
    assert report["actual_usd"] > 0
    # The orchestrator's render node ran the clips: the actual cost is in package.json too.
    summary = orjson.loads((out / "package.json").read_bytes())["render"]
    clips = summary["clips"]
    assert clips["model_id"] == "veo-3-fast" and clips["actual_usd"] == report["actual_usd"]
    assert clips["made"] >= 1 and clips["estimated_usd"] >= clips["actual_usd"] - 1e-9
    assert summary["platforms"][0]["final"] == "tiktok/final.mp4"
