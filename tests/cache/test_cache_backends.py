"""The Cache contract, checked on the memory and Redis backends alike, plus backend specifics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from a2a_mcp.cache import (
    AgentStats,
    Cache,
    CacheConfigError,
    MemoryCache,
    NullCache,
    RedisCache,
    open_cache,
)
from redis_server import free_port


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    opened = open_cache(url)
    try:
        yield opened
    finally:
        await opened.aclose()


async def test_get_set_overwrite_delete(cache: Cache) -> None:
    assert await cache.get("a") is None
    await cache.set("a", b"\x00one\xff", ttl_s=60)
    assert await cache.get("a") == b"\x00one\xff"
    await cache.set("a", b"two", ttl_s=60)
    assert await cache.get("a") == b"two"
    assert await cache.delete("a") is True
    assert await cache.delete("a") is False
    assert await cache.get("a") is None


async def test_entries_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set("short", b"x", ttl_s=0.05)
    await cache.set("forever", b"y", ttl_s=None)
    await cache.set("long", b"z", ttl_s=60)
    for _ in range(100):  # bounded: 100 x 20 ms
        if await cache.get("short") is None:
            break
        await asyncio.sleep(0.02)
    assert await cache.get("short") is None
    assert await cache.get("forever") == b"y"
    assert await cache.get("long") == b"z"


async def test_non_positive_ttl_stores_nothing_and_drops_the_old_value(cache: Cache) -> None:
    await cache.set("k", b"old", ttl_s=60)
    await cache.set("k", b"new", ttl_s=0)
    assert await cache.get("k") is None


async def test_invalidate_prefix_removes_only_matching_keys(cache: Cache) -> None:
    for key in ("vg:a:1", "vg:a:2", "vg:ab:3", "vg:b:1", "vg:a*:lit"):
        await cache.set(key, b"v", ttl_s=60)
    assert await cache.invalidate_prefix("vg:a:") == 2
    assert await cache.get("vg:ab:3") == b"v"
    assert await cache.get("vg:b:1") == b"v"
    # glob characters in a prefix are literal, not patterns
    assert await cache.invalidate_prefix("vg:a*") == 1
    assert await cache.get("vg:ab:3") == b"v"
    assert await cache.invalidate_prefix("nothing:") == 0


async def test_invalidate_tag_removes_every_tagged_entry(cache: Cache) -> None:
    await cache.set("k1", b"1", ttl_s=60, tags=["brief:42", "platform:tiktok"])
    await cache.set("k2", b"2", ttl_s=None, tags=["brief:42"])
    await cache.set("k3", b"3", ttl_s=60, tags=["platform:tiktok"])
    await cache.set("k4", b"4", ttl_s=60)
    assert await cache.invalidate_tag("brief:42") == 2
    assert [await cache.get(k) for k in ("k1", "k2", "k3", "k4")] == [None, None, b"3", b"4"]
    assert await cache.invalidate_tag("brief:42") == 0
    assert await cache.invalidate_tag("platform:tiktok") == 1


async def test_recorded_counters_add_up_and_reset(cache: Cache) -> None:
    await cache.record({"script_writer": AgentStats(hits=2, misses=1, seconds_saved=1.5)})
    await cache.record(
        {
            "script_writer": AgentStats(hits=1, bytes_stored=100),
            "scene_designer": AgentStats(misses=3),
        }
    )
    stats = await cache.stats()
    writer = stats.agents["script_writer"]
    assert (writer.hits, writer.misses, writer.bytes_stored) == (3, 1, 100)
    assert writer.seconds_saved == pytest.approx(1.5)
    assert writer.hit_ratio == pytest.approx(0.75)
    assert stats.total.misses == 4
    await cache.reset_stats("script_writer")
    assert set((await cache.stats()).agents) == {"scene_designer"}
    await cache.reset_stats()
    assert (await cache.stats()).agents == {}


async def test_stats_count_entries(cache: Cache) -> None:
    for i in range(3):
        await cache.set(f"e{i}", b"12345", ttl_s=60)
    stats = await cache.stats()
    assert stats.backend == cache.backend
    assert stats.entries == 3


# -- memory specifics ---------------------------------------------------------------------------


async def test_memory_evicts_least_recently_used_first() -> None:
    cache = MemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        await cache.set(key, b"v", ttl_s=None)
    await cache.get("a")  # a is now the most recent; b is the oldest
    await cache.set("d", b"v", ttl_s=None)
    kept = [await cache.get(k) is not None for k in ("a", "b", "c", "d")]
    assert kept == [True, False, True, True]


async def test_memory_bounds_bytes_too() -> None:
    cache = MemoryCache(max_entries=100, max_bytes=10)
    await cache.set("a", b"12345", ttl_s=None)
    await cache.set("b", b"12345", ttl_s=None)
    await cache.set("c", b"1", ttl_s=None)
    await cache.set("too_big", b"x" * 11, ttl_s=None)
    stats = await cache.stats()
    assert await cache.get("a") is None
    assert await cache.get("too_big") is None
    assert stats.stored_bytes is not None and stats.stored_bytes <= 10


async def test_memory_ttl_follows_its_clock() -> None:
    now = [1000.0]
    cache = MemoryCache(clock=lambda: now[0])
    await cache.set("k", b"v", ttl_s=30, tags=["t"])
    now[0] += 29.9
    assert await cache.get("k") == b"v"
    now[0] += 0.2
    assert await cache.get("k") is None
    assert (await cache.stats()).entries == 0
    assert await cache.invalidate_tag("t") == 0


# -- Redis specifics ----------------------------------------------------------------------------


async def test_redis_caches_in_one_process_share_one_pool(redis_url: str) -> None:
    first, second = open_cache(redis_url), open_cache(redis_url)
    assert isinstance(first, RedisCache) and isinstance(second, RedisCache)
    assert first.client.connection_pool is second.client.connection_pool
    await first.set("k", b"v", ttl_s=60)
    await first.aclose()
    assert await second.get("k") == b"v"  # closing one user leaves the pool to the other
    await second.aclose()


async def test_redis_namespaces_do_not_see_each_other(redis_url: str) -> None:
    one = open_cache(redis_url + "?namespace=one")
    two = open_cache(redis_url, namespace="two")
    try:
        await one.set("k", b"1", ttl_s=60)
        assert await two.get("k") is None
        assert await two.invalidate_prefix("") == 0
        assert await one.get("k") == b"1"
    finally:
        await one.aclose()
        await two.aclose()


async def test_redis_tagged_entry_keeps_its_ttl_and_tag_set_outlives_it(redis_url: str) -> None:
    cache = open_cache(redis_url)
    raw = Redis.from_url(redis_url)
    try:
        await cache.set("k", b"v", ttl_s=30, tags=["t"])
        await cache.set("k2", b"v", ttl_s=90, tags=["t"])
        assert 0 < await raw.pttl("vgc:d:k") <= 30_000
        assert 30_000 < await raw.pttl("vgc:t:t") <= 90_000
    finally:
        await raw.aclose()
        await cache.aclose()


async def test_redis_answers_with_hiredis_when_installed(redis_url: str) -> None:
    cache = open_cache(redis_url)
    assert isinstance(cache, RedisCache)
    assert cache.parser in ("hiredis", "python")
    await cache.aclose()


# -- open_cache ---------------------------------------------------------------------------------


async def test_open_cache_reads_memory_options() -> None:
    cache = open_cache("memory://?max_entries=5&max_bytes=1000")
    assert isinstance(cache, MemoryCache)
    assert (cache.max_entries, cache.max_bytes) == (5, 1000)
    assert open_cache("memory://", max_entries=7).max_entries == 7  # type: ignore[attr-defined]


async def test_none_cache_stores_nothing() -> None:
    cache = open_cache("none://")
    assert isinstance(cache, NullCache)
    await cache.set("k", b"v", ttl_s=60)
    assert await cache.get("k") is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("memcached://localhost", "not supported"),
        ("", "not supported"),
        ("memory://?max_entries=lots", "whole number"),
        ("memory://?size=3", "unknown option 'size'"),
        ("memory://?max_entries=0", "at least 1"),
        ("redis://localhost:6379/0?colour=blue", "unknown option"),
        ("redis://localhost:6379/notanumber", "not a valid Redis URL"),
    ],
)
async def test_bad_cache_urls_say_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(CacheConfigError, match=says):
        open_cache(url)


async def test_errors_never_show_a_password() -> None:
    with pytest.raises(CacheConfigError) as info:
        open_cache("redis://user:hunter2@localhost:6379/0?colour=blue")
    assert "hunter2" not in str(info.value)


async def test_redis_url_to_nowhere_opens_lazily_and_fails_as_unavailable() -> None:
    from a2a_mcp.cache import CacheUnavailableError

    cache = open_cache(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(CacheUnavailableError):
        await cache.get("k")
    await cache.aclose()


async def test_a_cache_left_open_in_another_loop_does_not_poison_this_one(redis_url: str) -> None:
    async def leak() -> RedisCache:
        leaked = open_cache(redis_url)
        await leaked.set("k", b"from the other loop", ttl_s=60)
        return leaked  # never closed, and its loop ends

    leaked = await asyncio.to_thread(asyncio.run, leak())
    mine = open_cache(redis_url)
    assert isinstance(mine, RedisCache)
    assert mine.client.connection_pool is not leaked.client.connection_pool
    assert await mine.get("k") == b"from the other loop"
    await mine.aclose()
