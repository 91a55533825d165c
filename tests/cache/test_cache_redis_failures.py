"""Redis down, slow, killed mid-run and restarted: calls still succeed and caching comes back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis
from structlog.testing import capture_logs

from a2a_mcp.cache import SkillCache, open_cache
from a2a_mcp.observability import REGISTRY
from redis_server import RedisServer, free_port


def errors(op: str, agent: str) -> float:
    labels = {"agent": agent, "kind": "script", "op": op}
    return REGISTRY.get_sample_value("vg_cache_errors_total", labels) or 0.0


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return {"script": "fresh", "n": self.calls}


async def test_redis_down_from_the_start_still_answers() -> None:
    cache = open_cache(f"redis://127.0.0.1:{free_port()}/0")
    skills = SkillCache(cache, recover_after_s=60)
    compute = Counter()
    key = skills.make_key("down_agent", "s", "e", "1", "t", {"x": 1})
    before = errors("get", "down_agent")
    with capture_logs() as logs:
        first = await skills.get_or_compute(key, compute, agent="down_agent", kind="script")
        second = await skills.get_or_compute(key, compute, agent="down_agent", kind="script")
    assert (first.hit, second.hit, compute.calls) == (False, False, 2)
    # The first failure marks Redis down; the second call does not wait on it again.
    assert errors("get", "down_agent") == before + 1
    warnings = [e for e in logs if e["event"] == "cache_unavailable_skipped"]
    assert len(warnings) == 1 and warnings[0]["log_level"] == "warning"
    await skills.aclose()
    await cache.aclose()


async def test_redis_killed_mid_run_and_restarted(redis_server: RedisServer) -> None:
    cache = open_cache(redis_server.url)
    skills = SkillCache(cache, recover_after_s=0.05, stats_flush_s=60)
    compute = Counter()
    key = skills.make_key("restart_agent", "s", "e", "1", "t", {"x": 1})

    async def call() -> bool:
        outcome = await skills.get_or_compute(key, compute, agent="restart_agent", kind="script")
        return outcome.hit

    assert [await call(), await call()] == [False, True]
    redis_server.kill()
    with capture_logs() as logs:
        assert await call() is False  # computed without the cache, and did not fail
        assert await call() is False
    assert compute.calls == 3  # the second call while down skipped Redis and computed too
    assert any(e["event"] == "cache_unavailable_skipped" for e in logs)

    redis_server.start()
    await asyncio.sleep(0.1)  # past recover_after_s: the next call probes Redis again
    with capture_logs() as logs:
        assert await call() is False  # data went with the old server: a miss, stored again
        assert await call() is True  # caching resumed without a restart of ours
    assert any(e["event"] == "cache_recovered" for e in logs)
    await skills.aclose()  # counters kept while Redis was down reach it now
    stats = await cache.stats()
    assert stats.agents["restart_agent"].errors >= 1
    await cache.aclose()


@pytest.mark.parametrize(
    "op_timeout_s",
    [0.1, 0.25],  # 0.1: SkillCache's own timer fires; 0.25: the Redis backend's (same bound)
)
async def test_slow_redis_times_out_and_the_call_still_succeeds(
    redis_server: RedisServer, op_timeout_s: float
) -> None:
    cache = open_cache(redis_server.url)
    skills = SkillCache(cache, op_timeout_s=op_timeout_s, recover_after_s=0.0)
    compute = Counter()
    key = skills.make_key("slow_agent", "s", "e", "1", "t", {"x": 1})
    await skills.get_or_compute(key, compute, agent="slow_agent", kind="script")
    admin = Redis.from_url(redis_server.url, socket_timeout=5)
    before = errors("get", "slow_agent")
    try:
        await admin.execute_command("CLIENT", "PAUSE", 1000, "ALL")
        outcome = await asyncio.wait_for(
            skills.get_or_compute(key, compute, agent="slow_agent", kind="script"), 5
        )
        assert not outcome.hit and compute.calls == 2  # it did not wait the pause out
        assert errors("get", "slow_agent") == before + 1
    finally:
        await admin.execute_command("CLIENT", "UNPAUSE")
        await admin.aclose()
    outcome = await skills.get_or_compute(key, compute, agent="slow_agent", kind="script")
    assert outcome.hit
    await cache.aclose()
