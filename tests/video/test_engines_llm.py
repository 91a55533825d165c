"""The LLM engine against a fake OpenAI-compatible server on 127.0.0.1 (no network, no key)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pydantic
import pytest
from aiohttp import web
from structlog.testing import capture_logs

from video_generator.agents.script_writer import ScriptWriter
from video_generator.engines import (
    EngineAuthError,
    EngineError,
    EngineUnavailableError,
    LLMEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.english import word_count
from video_generator.models import Brief, ScriptRequest

API_KEY = "sk-test-not-a-real-key-4242"


@dataclass
class FakeOpenAI:
    """Answers /v1/chat/completions from a script of replies; records every request."""

    replies: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    default: Any = None
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append({"path": request.path, "headers": dict(request.headers), "json": body})
        reply = self.replies.pop(0) if self.replies else self.default
        if callable(reply):
            reply = reply(body)
        if reply == "hang":
            await asyncio.wait_for(self.release.wait(), 10)
            return web.json_response(_completion("too late"))
        if isinstance(reply, tuple):
            status, headers = reply
            return web.json_response(
                {"error": {"message": f"status {status}"}}, status=status, headers=headers
            )
        return web.json_response(_completion(reply))


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield server
    finally:
        server.release.set()
        await runner.cleanup()


def make_engine(fake: FakeOpenAI, **options: Any) -> LLMEngine:
    settings = {"timeout_s": 2.0, "retries": 2, "backoff_s": 0.01, "max_backoff_s": 0.05}
    settings.update(options)
    return LLMEngine(base_url=fake.url, model="fake-model", api_key=API_KEY, **settings)


TASK = TextTask(
    kind=TextKind.NARRATION,
    template="First up: {point}. It takes minutes, not hours.",
    context={"point": "grind coarse", "topic": "cold brew"},
    max_words=12,
)


async def test_success_sends_an_openai_request(fake: FakeOpenAI) -> None:
    fake.replies = ["First, grind your beans coarse. It only takes minutes."]
    engine = make_engine(fake)
    try:
        text = await engine.write(TASK)
    finally:
        await engine.aclose()
    assert text == "First, grind your beans coarse. It only takes minutes."
    (request,) = fake.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    body = request["json"]
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0
    assert isinstance(body["seed"], int)
    assert body["max_tokens"] >= 12
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "Draft: First up: grind coarse. It takes minutes, not hours." in user["content"]
    assert "at most 12 words" in user["content"]
    assert "point: grind coarse" in user["content"]


async def test_same_task_same_request(fake: FakeOpenAI) -> None:
    fake.default = "Grind coarse."
    engine = make_engine(fake)
    try:
        await engine.write(TASK)
        await engine.write(TASK)
    finally:
        await engine.aclose()
    assert fake.requests[0]["json"] == fake.requests[1]["json"]


async def test_401_is_a_clear_error_without_the_key(fake: FakeOpenAI) -> None:
    fake.default = (401, {})
    engine = make_engine(fake)
    with capture_logs() as logs:
        with pytest.raises(EngineAuthError) as caught:
            await engine.write(TASK)
    await engine.aclose()
    message = str(caught.value)
    assert "401" in message and "OPENAI_API_KEY" in message
    assert API_KEY not in message
    assert API_KEY not in json.dumps(logs, default=str)
    assert len(fake.requests) == 1, "a refused key is not retried"
    assert caught.value.code == "engine_auth" and not caught.value.retryable


async def test_429_then_success_is_retried(fake: FakeOpenAI) -> None:
    fake.replies = [(429, {"Retry-After": "0"}), (503, {}), "Grind coarse, then wait."]
    engine = make_engine(fake)
    with capture_logs() as logs:
        text = await engine.write(TASK)
    await engine.aclose()
    assert text == "Grind coarse, then wait."
    assert len(fake.requests) == 3
    retries = [entry for entry in logs if entry["event"] == "llm_retry"]
    assert [entry["problem"] for entry in retries] == ["HTTP 429", "HTTP 503"]
    assert API_KEY not in json.dumps(logs, default=str)


async def test_persistent_server_errors_give_up_after_the_retries(fake: FakeOpenAI) -> None:
    fake.default = (500, {})
    engine = make_engine(fake, retries=2)
    with pytest.raises(EngineUnavailableError, match=r"failed 3 times .*HTTP 500"):
        await engine.write(TASK)
    await engine.aclose()
    assert len(fake.requests) == 3


async def test_timeout_on_every_call(fake: FakeOpenAI) -> None:
    fake.default = "hang"
    engine = make_engine(fake, timeout_s=0.2, retries=1)
    with pytest.raises(EngineUnavailableError, match=r"no answer within 0\.2 s") as caught:
        await engine.write(TASK)
    await engine.aclose()
    assert caught.value.retryable
    assert len(fake.requests) == 2


async def test_other_client_errors_are_not_retried(fake: FakeOpenAI) -> None:
    fake.default = (404, {})
    engine = make_engine(fake)
    with pytest.raises(EngineError, match=r"404.*VG_LLM_MODEL"):
        await engine.write(TASK)
    await engine.aclose()
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "reply",
    ["", "   ", "word " * 40],
    ids=["empty", "blank", "over-the-limit"],
)
async def test_unusable_replies_fall_back_to_the_template_text(
    fake: FakeOpenAI, reply: str
) -> None:
    fake.default = reply
    engine = make_engine(fake)
    try:
        text = await engine.write(TASK)
    finally:
        await engine.aclose()
    assert text == TASK.draft() == "First up: grind coarse. It takes minutes, not hours."


async def test_quotes_around_a_reply_are_removed(fake: FakeOpenAI) -> None:
    fake.default = '"Grind coarse."'
    engine = make_engine(fake)
    try:
        assert await engine.write(TASK) == "Grind coarse."
    finally:
        await engine.aclose()


async def test_a_shared_session_is_used_and_left_open(fake: FakeOpenAI) -> None:
    fake.default = "Grind coarse."
    made: list[aiohttp.ClientSession] = []

    async with aiohttp.ClientSession() as shared:

        def factory() -> aiohttp.ClientSession:
            made.append(shared)
            return shared

        engine = LLMEngine(base_url=fake.url, model="m", api_key=API_KEY, session_factory=factory)
        await engine.write_many([TASK, TASK, TASK])
        await engine.aclose()
        assert not shared.closed, "the engine must not close a pooled session it was lent"
        assert len(made) == 1
    assert len(fake.requests) == 3


async def test_script_writer_runs_on_the_llm_engine(fake: FakeOpenAI) -> None:
    """Every text goes through the engine; replies that break a limit fall back safely."""

    def rewrite(body: dict[str, Any]) -> str:
        draft = body["messages"][1]["content"].split("Draft: ", 1)[1]
        # A chatty model: one extra word everywhere (too long for the tight hook limit).
        return f"Okay, {draft}" if not draft.startswith("#") else draft

    fake.default = rewrite
    engine = make_engine(fake)
    brief = Brief(
        text="45s TikTok about cold brew",
        topic="cold brew coffee",
        audience="busy parents",
        tone="upbeat",
        style="educational",
        platforms=["tiktok"],
        duration_s=45,
        key_points=["grind coarse", "steep overnight"],
        call_to_action="link in bio",
    )

    async def progress(*_: Any, **__: Any) -> None:
        return None

    try:
        script = await ScriptWriter(engine=engine).write_script(
            ScriptRequest(brief=brief), progress
        )
    finally:
        await engine.aclose()
    assert len(fake.requests) >= len(script.segments)
    kinds = {r["json"]["messages"][1]["content"].split("\n")[0] for r in fake.requests}
    assert any("hook" in k for k in kinds) and any("narration" in k for k in kinds)
    assert script.segments[1].narration.startswith("Okay,")
    hook_words = word_count(script.hook.text)
    assert hook_words <= 7
    assert script.segments[-1].narration.endswith("Link in bio.")
    assert script.total_words == sum(s.word_count for s in script.segments)


async def test_the_runtime_engine_talks_over_the_process_pool(fake: FakeOpenAI) -> None:
    from a2a_mcp.client.pool import close_pool, get_pool
    from video_generator.runtime import build_specialists
    from video_generator.settings import Settings

    reply = "First, grind your beans coarse. It only takes minutes."
    fake.replies = [reply]
    settings = Settings(engine="llm", llm_base_url=fake.url, llm_model="fake-model")
    settings.llm_api_key = pydantic.SecretStr(API_KEY)
    engine = build_specialists(settings)[0].engine
    try:
        assert await engine.write(TASK) == reply
        assert get_pool().stats.created >= 1  # the request went through the shared pool
    finally:
        await engine.aclose()
        await close_pool()
    assert len(fake.requests) == 1
