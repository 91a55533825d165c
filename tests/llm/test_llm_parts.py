"""The LLM engine's parts: quirks, schema, reply cleaning, language check, engine choice (auto
probe), per-run reuse of replies, node timeouts, the --remote warning."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
import structlog

from llm_standin import StandIn, running
from video_generator.agents.orchestrator import Orchestrator
from video_generator.app import runtime
from video_generator.app.runtime import engine_info
from video_generator.cli import main
from video_generator.cli.make import _warn_ignored_engine
from video_generator.engines import EngineConfigError, LLMEngine, TemplateEngine, make_engine
from video_generator.engines.llm import ChatClient, ollama_models, shape_for
from video_generator.engines.llm.language import wrong_language
from video_generator.engines.llm.script import ScriptReply
from video_generator.engines.llm.structured import strict_schema, strip_reply
from video_generator.engines.llm.timeouts import text_node_timeout_s
from video_generator.settings import Settings, get_settings

MESSAGES = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- quirks


@pytest.mark.parametrize(
    ("base_url", "model", "seed", "temperature", "tokens"),
    [
        ("https://api.openai.com/v1", "gpt-4o-mini", True, True, "max_tokens"),
        ("https://api.openai.com/v1", "o3-mini", True, False, "max_completion_tokens"),
        ("https://api.openai.com/v1", "gpt-5", True, False, "max_completion_tokens"),
        ("https://openrouter.ai/api/v1", "openai/gpt-5-mini", True, False, "max_completion_tokens"),
        (
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "gemini-2.0-flash",
            False,
            True,
            "max_tokens",
        ),
        ("http://localhost:11434/v1", "llama3.2", True, True, "max_tokens"),
    ],
)
def test_the_quirks_table_shapes_each_request(
    base_url: str, model: str, seed: bool, temperature: bool, tokens: str
) -> None:
    client = ChatClient(base_url=base_url, model=model)
    body = client.body(MESSAGES, schema=("x", {"type": "object"}), max_tokens=100, seed=7)
    assert ("seed" in body) is seed
    assert ("temperature" in body) is temperature
    assert body[tokens] == 100
    assert {"max_tokens", "max_completion_tokens"} - {tokens} & set(body) == set()
    assert body["response_format"]["json_schema"]["strict"] is True
    assert shape_for(base_url, model).tokens_field == tokens


def test_the_strict_schema_requires_every_property_and_forbids_others() -> None:
    schema = strict_schema(ScriptReply)
    assert (
        schema["required"]
        == list(schema["properties"])
        == [
            "title",
            "segments",
            "call_to_action",
            "hashtags",
        ]
    )
    segment = schema["properties"]["segments"]["items"]
    assert segment["additionalProperties"] is False and "$ref" not in json.dumps(schema)
    assert segment["required"] == ["id", "narration", "on_screen_text"]


def test_think_blocks_and_fences_are_stripped() -> None:
    assert strip_reply('<think>plan\nmore</think>\n```json\n{"a": 1}\n```') == '{"a": 1}'
    assert strip_reply("<THINK>still thinking when the tokens ran out") == ""
    assert strip_reply(' {"a": 1} ') == '{"a": 1}'


def test_the_language_check_is_confident_or_silent() -> None:
    english = "Cold brew is coffee that you steep in cold water for a long time and it is smooth"
    spanish = "El café frío se prepara con agua fría y se deja reposar durante la noche en casa"
    assert wrong_language(english, "es") == "English"
    assert wrong_language(spanish, "en") == "Spanish"
    assert wrong_language(spanish, "es-MX") is None and wrong_language(english, "en") is None
    assert wrong_language(english, "ja") == "another script"
    assert wrong_language("short text", "de") is None


# ---------------------------------------------------------------- choosing the engine


def test_auto_uses_a_local_ollama_with_its_first_model_and_no_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ollama_models.cache_clear()
    for name in ("VG_LLM_BASE_URL", "VG_LLM_MODEL", "VG_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with running(StandIn(models=["qwen2.5:3b", "llama3.2"])) as ollama:
        engine = make_engine(Settings(engine="auto", ollama_url=ollama.url))
        assert isinstance(engine, LLMEngine)
        assert engine.client.base_url == f"{ollama.url}/v1"
        assert engine.client.model == "qwen2.5:3b"
        chosen = make_engine(Settings(engine="auto", ollama_url=ollama.url, llm_model="llama3.2"))
        assert isinstance(chosen, LLMEngine) and chosen.client.model == "llama3.2"
    nowhere = f"http://127.0.0.1:{closed_port()}"
    assert isinstance(make_engine(Settings(engine="auto", ollama_url=nowhere)), TemplateEngine)
    with pytest.raises(EngineConfigError, match="no Ollama answers"):
        make_engine(Settings(engine="llm", ollama_url=nowhere))
    ollama_models.cache_clear()


def test_auto_with_a_key_is_openai_and_a_server_needs_a_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("VG_LLM_BASE_URL", "VG_LLM_MODEL", "VG_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    engine = make_engine(Settings(engine="auto"))
    assert isinstance(engine, LLMEngine)
    assert (engine.client.base_url, engine.client.model) == (
        "https://api.openai.com/v1",
        "gpt-4o-mini",
    )
    assert "sk-test-123" not in repr(vars(engine)) + json.dumps(engine.describe())
    with pytest.raises(EngineConfigError, match="VG_LLM_MODEL"):
        make_engine(Settings(engine="auto", llm_base_url="http://127.0.0.1:9/v1"))
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(EngineConfigError, match="needs an API key"):
        make_engine(Settings(engine="llm", llm_base_url="https://api.openai.com/v1"))
    assert isinstance(make_engine(Settings(engine="offline")), TemplateEngine)


def test_cache_keys_change_with_model_and_server() -> None:
    def version(**options: str) -> str:
        return engine_info(Settings(engine="llm", **options))["engine_version"]

    one = version(llm_base_url="http://127.0.0.1:9/v1", llm_model="a")
    assert one != version(llm_base_url="http://127.0.0.1:9/v1", llm_model="b")
    assert one != version(llm_base_url="http://127.0.0.1:10/v1", llm_model="a")
    assert one.startswith("p") and ":a@http://127.0.0.1:9/v1" in one


def test_an_auto_run_against_a_local_ollama_needs_no_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for name in ("VG_LLM_BASE_URL", "VG_LLM_MODEL", "VG_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with running(StandIn(api_key=None)) as ollama:
        monkeypatch.setenv("VG_ENGINE", "auto")
        monkeypatch.setenv("VG_OLLAMA_URL", ollama.url)
        get_settings.cache_clear()
        ollama_models.cache_clear()
        runtime._caches.clear()  # no entry of an earlier test on this port
        try:
            code = main(["make", "a 20 second Reel about tea for students", "-o", str(tmp_path)])
        finally:
            get_settings.cache_clear()
            ollama_models.cache_clear()
        assert code == 0
        assert "words: llm standin-model at" in capsys.readouterr().out
        assert len(ollama.texts()) == 2 and ollama.problems == []  # no Authorization sent


# ---------------------------------------------------------------- requests within one run


async def test_a_reply_is_reused_within_a_run_only() -> None:
    with running(StandIn()) as server:
        client = ChatClient(base_url=server.base_url, model="m", timeout_s=5)
        try:
            with structlog.contextvars.bound_contextvars(context_id="run-1"):
                first = await client.complete(MESSAGES, schema=None, max_tokens=50)
                again = await client.complete(MESSAGES, schema=None, max_tokens=50)
            assert first == again and client.requests == 1  # a retried node pays nothing
            with structlog.contextvars.bound_contextvars(context_id="run-2"):
                await client.complete(MESSAGES, schema=None, max_tokens=50)
            await client.complete(MESSAGES, schema=None, max_tokens=50)  # no run: no reuse
            assert client.requests == 3
        finally:
            await client.aclose()


def test_text_nodes_get_room_for_both_requests() -> None:
    from a2a_mcp.client import InProcessClient

    spec = Orchestrator(InProcessClient([]), settings=Settings(llm_timeout_s=200)).spec
    timeouts = {node.id: node.timeout_s for node in spec.nodes}
    assert timeouts["script"] == timeouts["scenes"] == text_node_timeout_s(200) == 415
    assert timeouts["timing"] == 60  # nodes that ask no model keep their own


def test_with_remote_a_local_engine_setting_is_said_to_be_ignored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("VG_ENGINE", "llm")
    monkeypatch.setenv("VG_LLM_MODEL", "x")
    _warn_ignored_engine()
    err = capsys.readouterr().err
    assert "VG_ENGINE, VG_LLM_MODEL set here is ignored with --remote" in err


def test_the_llm_setup_errors_are_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("VG_ENGINE", "llm")
    monkeypatch.setenv("VG_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("VG_LLM_MODEL", raising=False)
    get_settings.cache_clear()
    try:
        code = main(["make", "a 20 second Reel about tea", "-o", str(tmp_path / "p")])
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert code == 2 and "VG_LLM_MODEL is not set" in err and "Traceback" not in err


def test_an_unset_ollama_answering_with_no_models_is_offline(
    monkeypatch: pytest.MonkeyPatch, use_llm: Callable[..., None]
) -> None:
    for name in ("VG_LLM_BASE_URL", "VG_LLM_MODEL", "VG_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    ollama_models.cache_clear()
    with running(StandIn(models=[])) as ollama:
        assert isinstance(
            make_engine(Settings(engine="auto", ollama_url=ollama.url)), TemplateEngine
        )
    ollama_models.cache_clear()
