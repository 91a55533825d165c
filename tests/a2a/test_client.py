"""A2AClient over real agent servers: results, progress, errors, cancel, replicas, breakers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from a2a_test_agents import EchoAgent, FailAgent, QuotaError, SleepAgent
from pydantic import BaseModel

from a2a_helpers import FakeReplica, metric
from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.client import CallOptions
from a2a_mcp.client.errors import error_from_payload
from a2a_mcp.errors import (
    AgentUnavailableError,
    CallTimeoutError,
    InvalidInputError,
    SkillFailedError,
    UnknownAgentError,
    UnknownSkillError,
)
from a2a_mcp.events import ProgressEvent
from a2a_mcp.resilience import BreakerState


async def test_call_returns_output_and_streams_progress(start, make_client) -> None:
    server = await start(EchoAgent())
    client = make_client({"echo": [server.url]})
    reports: list[tuple[float, str, dict[str, Any]]] = []

    async def on_progress(fraction: float, message: str = "", data: Any = None) -> None:
        reports.append((fraction, message, data))

    out = await client.call("echo", "echo", {"text": "yo", "times": 3}, on_progress)
    assert out == {"text": "yo yo yo", "count": 3, "ratio": 0.5}
    assert isinstance(out["count"], int)  # whole numbers come back as ints
    assert reports[0] == (0.5, "half way", {"step": 1})
    fraction, message, data = reports[1]
    assert (fraction, message) == (0.9, "event")
    assert ProgressEvent.model_validate(data["event"]).node == "n1"
    added = await client.call("echo", "add", {"values": [2, 3], "extra": {"x": 1.5, "n": None}})
    assert added == {"total": 5, "values": [2, 3], "extra": {"x": 1.5, "n": None}}


async def test_no_cache_reaches_the_skill_wrapper(start, make_client) -> None:
    seen: list[dict[str, Any]] = []

    async def wrapper(
        agent: Agent, skill: Skill, input: BaseModel, progress: Progress, meta: dict[str, Any]
    ) -> BaseModel:
        seen.append({"skill": skill.id, "input": input.model_dump(), **meta})
        return await agent.run(skill.id, input, progress)

    server = await start(EchoAgent(), skill_wrapper=wrapper)
    client = make_client({"echo": [server.url]})
    await client.call("echo", "add", {"values": [1]}, options=CallOptions(no_cache=True))
    await client.call("echo", "add", {"values": [1]})
    assert [s["no_cache"] for s in seen] == [True, False]
    assert seen[0]["input"] == {"values": [1], "extra": {}}


@pytest.mark.parametrize(
    ("skill", "payload", "error", "code"),
    [
        ("fail", {"mode": "agent_error"}, QuotaError, "quota_exceeded"),
        ("fail", {"mode": "invalid"}, InvalidInputError, "invalid_input"),
        ("fail", {"mode": "crash"}, SkillFailedError, "skill_failed"),
        ("fail", {"mode": 7}, InvalidInputError, "invalid_input"),
        ("missing", {}, UnknownSkillError, "unknown_skill"),
    ],
)
async def test_remote_failures_come_back_as_agent_errors(
    start, make_client, skill: str, payload: dict[str, Any], error: type, code: str
) -> None:
    server = await start(FailAgent())
    client = make_client({"failer": [server.url]})
    with pytest.raises(error) as caught:
        await client.call("failer", skill, payload)
    assert caught.value.code == code
    if payload.get("mode") == 7:
        assert caught.value.details["errors"][0]["field"] == "mode"
    if code == "quota_exceeded":
        assert caught.value.details == {"limit": 3}
    # A failed skill is a healthy replica: its breaker stays closed.
    assert client.replicas("failer").replicas[0].breaker.state is BreakerState.CLOSED


def test_error_codes_map_back_to_classes() -> None:
    known = error_from_payload({"code": "quota_exceeded", "message": "m", "details": {"a": 1}})
    assert type(known) is QuotaError and known.details == {"a": 1}
    assert type(error_from_payload({"code": "invalid_input", "message": "m"})) is InvalidInputError
    unknown = error_from_payload({"code": "new_in_v2", "message": "something new"})
    assert type(unknown) is SkillFailedError
    assert (unknown.code, str(unknown)) == ("new_in_v2", "something new")
    assert SkillFailedError.code == "skill_failed"  # the class keeps its own code


async def test_cancelling_the_call_cancels_the_remote_task(start, make_client) -> None:
    sleeper = SleepAgent()
    server = await start(sleeper)
    client = make_client({"sleeper": [server.url]})
    call = asyncio.create_task(client.call("sleeper", "sleep", {"seconds": 30}))
    await asyncio.wait_for(sleeper.started.wait(), 5)
    await asyncio.sleep(0.05)  # let the task's first event reach the client
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    await asyncio.wait_for(sleeper.cancelled.wait(), 5)
    assert sleeper.finished == 0
    assert server.state.executor.running == 0


async def test_timeout_is_an_error_and_stops_the_work(start, make_client) -> None:
    sleeper = SleepAgent()
    server = await start(sleeper)
    client = make_client({"sleeper": [server.url]})
    with pytest.raises(CallTimeoutError) as caught:
        await client.call("sleeper", "sleep", {"seconds": 30}, options=CallOptions(timeout_s=0.5))
    assert "sleeper.sleep" in str(caught.value)
    await asyncio.wait_for(sleeper.cancelled.wait(), 5)


async def test_unknown_agent_and_wrong_agent_at_url(start, make_client) -> None:
    server = await start(FailAgent())
    client = make_client({"echo": [server.url]})
    with pytest.raises(UnknownAgentError, match=r"agents/scene_designer\.json"):
        await client.call("scene_designer", "x", {})
    with pytest.raises(AgentUnavailableError, match="is agent 'failer', not 'echo'"):
        await client.call("echo", "echo", {"text": "x"})


async def test_killed_replica_calls_move_to_another(start, make_client) -> None:
    first, second = await start(EchoAgent()), await start(EchoAgent())
    client = make_client({"echo": [first.url, second.url]}, breaker_failures=2)
    for i in range(4):  # both replicas take calls
        assert (await client.call("echo", "echo", {"text": f"{i}"}))["text"] == f"{i}"
    assert {r.url for r in client.replicas("echo").replicas} == {first.url, second.url}
    served_before = second.agent.calls
    await first.kill()
    for i in range(6):
        assert (await client.call("echo", "echo", {"text": f"after {i}"}))["count"] == 1
    assert second.agent.calls == served_before + 6
    dead = next(r for r in client.replicas("echo").replicas if r.url == first.url)
    assert dead.breaker.state is BreakerState.OPEN
    assert metric("a2a_client_breaker_state", agent="echo", replica=first.url) == 2
    opened = metric(
        "a2a_client_breaker_transitions_total", agent="echo", replica=first.url, state="open"
    )
    assert opened == 1


async def test_all_replicas_down_fails_fast_naming_the_agent(start, make_client) -> None:
    first, second = await start(EchoAgent()), await start(EchoAgent())
    client = make_client({"echo": [first.url, second.url]}, breaker_failures=1)
    await client.call("echo", "echo", {"text": "warm"})
    await first.kill()
    await second.kill()
    with pytest.raises(AgentUnavailableError, match="agent 'echo' is unavailable"):
        await client.call("echo", "echo", {"text": "x"})
    states = [r.breaker.state for r in client.replicas("echo").replicas]
    assert states == [BreakerState.OPEN, BreakerState.OPEN]
    attempts = metric("a2a_client_requests_total", agent="echo")
    with pytest.raises(AgentUnavailableError) as caught:
        await client.call("echo", "echo", {"text": "y"})
    assert metric("a2a_client_requests_total", agent="echo") == attempts  # no attempt made
    assert first.url in str(caught.value) and "breaker open" in str(caught.value)


async def test_breaker_probe_closes_it_when_the_replica_is_back(start, make_client) -> None:
    echo = EchoAgent()
    server = await start(echo)
    url = server.url
    client = make_client({"echo": [url]}, breaker_failures=1, breaker_cooldown_s=0.2)
    await server.kill()
    with pytest.raises(AgentUnavailableError):
        await client.call("echo", "echo", {"text": "x"})
    port = int(url.rsplit(":", 1)[1])
    await start(echo, port=port)  # the same address comes back
    await asyncio.sleep(0.25)
    replica = client.replicas("echo").replicas[0]
    assert replica.breaker.state is BreakerState.HALF_OPEN
    assert (await client.call("echo", "echo", {"text": "back"}))["text"] == "back"
    assert replica.breaker.state is BreakerState.CLOSED


async def test_503_is_retried_on_another_replica(start, make_client) -> None:
    busy = await FakeReplica(EchoAgent(), "503").start()
    try:
        good = await start(EchoAgent())
        client = make_client({"echo": [busy.url, good.url]})
        client.replicas("echo").replicas[1].healthy = False  # so the busy one is tried first
        retries = metric("a2a_client_retries_total", agent="echo")
        assert (await client.call("echo", "echo", {"text": "ok"}))["text"] == "ok"
        assert busy.posts == 1
        assert metric("a2a_client_retries_total", agent="echo") == retries + 1
    finally:
        await busy.stop()


@pytest.mark.parametrize(
    ("skill", "payload", "options", "retried"),
    [
        ("echo", {"text": "x"}, CallOptions(), False),  # may have started: never again
        ("add", {"values": [1]}, CallOptions(), True),  # cacheable: safe to repeat
        ("add", {"values": [1]}, CallOptions(no_cache=True), False),  # not when uncached
    ],
)
async def test_connection_lost_is_retried_only_when_idempotent(
    start, make_client, skill: str, payload: dict[str, Any], options: CallOptions, retried: bool
) -> None:
    broken = await FakeReplica(EchoAgent(), "reset").start()
    try:
        good = await start(EchoAgent())
        client = make_client({"echo": [broken.url, good.url]})
        client.replicas("echo").replicas[1].healthy = False
        if retried:
            assert (await client.call("echo", skill, payload, options=options))["total"] == 1
        else:
            with pytest.raises(AgentUnavailableError, match="broke"):
                await client.call("echo", skill, payload, options=options)
        assert broken.posts == 1
        assert good.agent.calls == (1 if retried else 0)
    finally:
        await broken.stop()


async def test_health_checks_steer_calls_away(start, make_client) -> None:
    first, second = await start(EchoAgent()), await start(EchoAgent())
    client = make_client({"echo": [first.url, second.url]})
    replicas = client.replicas("echo")
    first.state.draining = True  # not ready: /health/ready answers 503
    await client.health.check_once()
    assert [r.healthy for r in replicas.replicas] == [False, True]
    for _ in range(4):
        await client.call("echo", "echo", {"text": "x"})
    assert (first.agent.calls, second.agent.calls) == (0, 4)
    assert metric("a2a_client_replica_healthy", agent="echo", replica=first.url) == 0


async def test_pool_reuses_connections(start, make_client, pool) -> None:
    server = await start(EchoAgent())
    client = make_client({"echo": [server.url]})
    await client.call("echo", "add", {"values": [1]})
    created = pool.stats.created
    for _ in range(30):
        await client.call("echo", "add", {"values": [1]})
    assert pool.stats.created == created  # every later call found an open connection
    assert pool.stats.reused >= 30
    await pool.aclose()
    await asyncio.sleep(0)
    assert pool.stats.closed >= 1
    assert pool.stats.reuse_ratio > 0.9
