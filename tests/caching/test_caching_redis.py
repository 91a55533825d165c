"""The agents' cache on a real redis-server: TTLs, expiry, corrupt entries, Redis dying."""

from __future__ import annotations

import asyncio
import re

import redis.asyncio as aioredis
from caching_helpers import (
    EXAMPLE,
    THREE_PLATFORMS,
    Recorder,
    fresh_cache,
    run_embedded,
    without_plan,
)

from a2a_mcp.cache import decode
from a2a_mcp.events import EventKind
from redis_server import RedisServer
from video_generator.app.runtime import build_orchestrator
from video_generator.request import VideoRequest

ENTRIES = "vgc:d:vg:"


async def entries(url: str, agent: str) -> dict[str, bytes]:
    async with aioredis.from_url(url) as raw:
        keys = [k async for k in raw.scan_iter(match=f"{ENTRIES}{agent}:*")]
        return {k.decode(): await raw.get(k) for k in keys}


async def test_each_kind_is_stored_with_its_ttl_and_short_form_cuts_expire_sooner(
    redis_url: str,
) -> None:
    cache = fresh_cache(redis_url)
    try:
        await run_embedded(cache, THREE_PLATFORMS)
        async with aioredis.from_url(redis_url) as raw:

            async def ttl_of(key: str) -> float:
                return await raw.pttl(key) / 1000

            expected = {
                "orchestrator": 86400,
                "script_writer": 3600,
                "scene_designer": 3600,
                "timing_coordinator": 1800,
            }
            for agent, ttl in expected.items():
                (key,) = await entries(redis_url, agent)
                assert ttl - 5 < await ttl_of(key) <= ttl, agent
            cuts = await entries(redis_url, "platform_adapter")
            by_platform = {decode(value)["v"]["platform"]: key for key, value in cuts.items()}
            assert set(by_platform) == {"tiktok", "instagram_reels", "youtube_shorts"}
            assert 1795 < await ttl_of(by_platform["tiktok"]) <= 1800
            assert 1795 < await ttl_of(by_platform["instagram_reels"]) <= 1800
            assert 3595 < await ttl_of(by_platform["youtube_shorts"]) <= 3600
    finally:
        await cache.aclose()


async def test_an_expired_entry_is_computed_again(redis_url: str) -> None:
    # Scripts live 0.3 s; packages are not stored, so each run goes down to the agents.
    cache = fresh_cache(redis_url, ttl_script_s=0.3, ttl_package_s=0)
    try:
        cold = await run_embedded(cache)
        assert await entries(redis_url, "orchestrator") == {}
        soon = await run_embedded(cache)
        assert "script" in soon.nodes(EventKind.NODE_CACHED)
        await asyncio.sleep(0.5)
        assert await entries(redis_url, "script_writer") == {}
        later = await run_embedded(cache)
        assert "script" not in later.nodes(EventKind.NODE_CACHED)
        assert {"scenes", "timing"} <= later.nodes(EventKind.NODE_CACHED)
        assert without_plan(later.package) == without_plan(cold.package)
    finally:
        await cache.aclose()


async def test_a_corrupt_entry_is_recomputed_and_replaced(redis_url: str) -> None:
    cache = fresh_cache(redis_url)
    try:
        cold = await run_embedded(cache)
        (script_key,) = await entries(redis_url, "script_writer")
        async with aioredis.from_url(redis_url) as raw:
            await raw.set(script_key, b"\x01\x00{not json")
        await cache.clear("orchestrator")  # so the run reaches the script writer
        warm = await run_embedded(cache)
        assert "script" not in warm.nodes(EventKind.NODE_CACHED)
        assert "scenes" in warm.nodes(EventKind.NODE_CACHED)
        assert without_plan(warm.package) == without_plan(cold.package)
        replaced = (await entries(redis_url, "script_writer"))[script_key]
        assert decode(replaced)["v"] == cold.package.script.model_dump(mode="json")
        assert (await cache.stats()).agents["script_writer"].errors == 1
    finally:
        await cache.aclose()


async def test_redis_killed_mid_run_and_restarted(redis_server: RedisServer) -> None:
    cache = fresh_cache(redis_server.url)
    orchestrator = build_orchestrator(cache=cache)
    try:
        cold = await run_embedded(cache, THREE_PLATFORMS)
        await cache.clear()

        killed = Recorder()

        async def kill_after_the_script(fraction: float, message: str = "", data=None) -> None:
            await killed(fraction, message, data)
            event = killed.events[-1] if killed.events else None
            if event and event.kind is EventKind.NODE_COMPLETED and event.node == "script":
                redis_server.kill()

        package = await orchestrator.run(
            "make_video", VideoRequest(brief=THREE_PLATFORMS), kill_after_the_script
        )
        assert not redis_server.ping()
        assert without_plan(package) == without_plan(cold.package)

        down = await run_embedded(cache, THREE_PLATFORMS)  # Redis gone: computed, not failed
        assert not down.package_hit and down.nodes(EventKind.NODE_CACHED) == set()
        assert without_plan(down.package) == without_plan(cold.package)

        redis_server.start()  # empty: no persistence
        await asyncio.sleep(0.1)  # past the cache's recover_after_s
        refilled = await run_embedded(cache, THREE_PLATFORMS)
        assert not refilled.package_hit
        hit = await run_embedded(cache, THREE_PLATFORMS)
        assert hit.package_hit
        assert without_plan(hit.package) == without_plan(cold.package)
        stats = await cache.stats()  # counts from while Redis was down were kept and sent now
        assert stats.agents["orchestrator"].hits >= 1
        assert stats.total.errors >= 1
    finally:
        await cache.aclose()


async def test_a_served_agent_cache_and_an_embedded_one_share_entries(redis_url: str) -> None:
    first, second = fresh_cache(redis_url), fresh_cache(redis_url)
    try:
        cold = await run_embedded(first)
        warm = await run_embedded(second)  # another VideoCache, as another process would have
        assert warm.package_hit
        assert warm.package.model_dump(mode="json") == cold.package.model_dump(mode="json")
    finally:
        await first.aclose()
        await second.aclose()


async def test_example_brief_keys_are_readable(redis_url: str) -> None:
    cache = fresh_cache(redis_url)
    try:
        await run_embedded(cache, EXAMPLE)
        (key,) = await entries(redis_url, "script_writer")
        parts = key.removeprefix("vgc:d:").split(":")
        assert parts[:2] == ["vg", "script_writer"]
        assert re.fullmatch(r"write_script@1\.0\.0\+[0-9a-f]{8}", parts[2])
        assert len(parts[-1]) == 64  # sha256 of the input
    finally:
        await cache.aclose()


async def test_the_operation_timeout_setting_reaches_the_redis_backend(vg_env) -> None:
    from video_generator.app.runtime import video_cache

    vg_env(VG_CACHE_URL="redis://127.0.0.1:1/0", VG_CACHE_TIMEOUT_S="1.5")
    cache = video_cache()
    try:
        assert cache.skills.cache.timeout_s == 1.5
        assert cache.skills.op_timeout_s == 1.5
    finally:
        await cache.aclose()
