"""SkillCache: keys, hits and misses, single flight in one process, TTLs, corrupt entries, stats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from redis.asyncio import Redis

from a2a_mcp.cache import Cache, SkillCache, open_cache
from a2a_mcp.observability import REGISTRY


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    opened = open_cache(url)
    try:
        yield opened
    finally:
        await opened.aclose()


class Counter:
    """A compute function that counts its runs and returns its input, after a short wait."""

    def __init__(self, value: dict[str, Any] | None = None, delay_s: float = 0.02) -> None:
        self.calls = 0
        self.value = value or {"script": "Cold brew, ready when you are.", "n": 1}
        self.delay_s = delay_s

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        return self.value


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def key_of(skills: SkillCache, text: str = "hello") -> str:
    return skills.make_key("script_writer", "write", "template", "1.0", "t7", {"brief": text})


def test_keys_are_canonical_and_cover_every_part() -> None:
    skills = SkillCache(open_cache("memory://"))
    base = ("a", "s", "e", "1", "t", {"x": 1, "y": [1, 2]})
    key = skills.make_key(*base)
    assert key == skills.make_key("a", "s", "e", "1", "t", {"y": [1, 2], "x": 1})
    assert key.startswith("vg:a:s:")
    for i, changed in enumerate(("b", "z", "f", "2", "u", {"x": 2, "y": [1, 2]})):
        other = list(base)
        other[i] = changed
        assert skills.make_key(*other) != key, f"part {i} does not change the key"
    with pytest.raises(ValueError, match="no ':'"):
        skills.make_key("a:b", "s", "e", "1", "t", {})


async def test_miss_then_hit_reports_seconds_saved(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter(delay_s=0.02)
    key = key_of(skills)
    first = await skills.get_or_compute(key, compute, agent="script_writer", kind="script")
    second = await skills.get_or_compute(key, compute, agent="script_writer", kind="script")
    assert compute.calls == 1
    assert (first.hit, first.shared, first.seconds_saved) == (False, False, 0.0)
    assert (second.hit, second.shared) == (True, False)
    assert second.value == first.value == compute.value
    assert second.seconds_saved >= 0.02  # the stored compute time, not the time of the hit


async def test_concurrent_identical_calls_share_one_computation(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter(delay_s=0.05)
    key = key_of(skills)
    outcomes = await asyncio.gather(
        *(
            skills.get_or_compute(key, compute, agent="script_writer", kind="script")
            for _ in range(100)
        )
    )
    assert compute.calls == 1
    assert all(o.value == compute.value for o in outcomes)
    assert sum(not o.shared for o in outcomes) == 1
    assert all(o.seconds_saved > 0 for o in outcomes if o.shared)


async def test_different_keys_do_not_share(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter()
    await asyncio.gather(
        *(
            skills.get_or_compute(key_of(skills, str(i)), compute, agent="a", kind="script")
            for i in range(5)
        )
    )
    assert compute.calls == 5


async def test_bypass_neither_reads_nor_writes(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter()
    key = key_of(skills)
    for _ in range(2):
        outcome = await skills.get_or_compute(key, compute, agent="a", kind="k", bypass=True)
        assert not outcome.hit
    assert compute.calls == 2
    assert await cache.get(key) is None


async def test_a_failed_computation_reaches_every_waiter_and_is_not_stored(cache: Cache) -> None:
    skills = SkillCache(cache)
    calls = 0

    async def broken() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.02)
        raise RuntimeError("engine fell over")

    key = key_of(skills)
    results = await asyncio.gather(
        *(skills.get_or_compute(key, broken, agent="a", kind="k") for _ in range(10)),
        return_exceptions=True,
    )
    assert calls == 1
    assert all(isinstance(r, RuntimeError) for r in results)
    assert await cache.get(key) is None
    compute = Counter()
    outcome = await skills.get_or_compute(key, compute, agent="a", kind="k")
    assert compute.calls == 1 and not outcome.hit  # the lock (if any) was released


async def test_cancelled_leader_does_not_strand_the_others(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter(delay_s=0.1)
    key = key_of(skills)
    leader = asyncio.create_task(skills.get_or_compute(key, compute, agent="a", kind="k"))
    await asyncio.sleep(0.01)
    followers = [
        asyncio.create_task(skills.get_or_compute(key, compute, agent="a", kind="k"))
        for _ in range(3)
    ]
    await asyncio.sleep(0.01)
    leader.cancel()
    outcomes = await asyncio.wait_for(asyncio.gather(*followers), 10)
    assert leader.cancelled()
    assert all(o.value == compute.value for o in outcomes)
    assert compute.calls == 2  # the cancelled one, then one for the three followers


async def test_corrupt_entry_is_a_miss_and_is_replaced(cache: Cache) -> None:
    skills = SkillCache(cache)
    key = key_of(skills)
    await cache.set(key, b"\x01\x00{garbage", ttl_s=60)
    before = sample("vg_cache_errors_total", agent="a", kind="k", op="decode")
    compute = Counter()
    outcome = await skills.get_or_compute(key, compute, agent="a", kind="k")
    assert not outcome.hit and compute.calls == 1
    assert sample("vg_cache_errors_total", agent="a", kind="k", op="decode") == before + 1
    again = await skills.get_or_compute(key, compute, agent="a", kind="k")
    assert again.hit and compute.calls == 1


async def test_entry_from_another_codec_version_is_a_miss(cache: Cache) -> None:
    skills = SkillCache(cache)
    key = key_of(skills)
    await cache.set(key, b"\x09\x00{}", ttl_s=60)
    compute = Counter()
    assert not (await skills.get_or_compute(key, compute, agent="a", kind="k")).hit
    assert compute.calls == 1


async def test_ttl_comes_from_ttl_for_with_kind_and_meta(cache: Cache) -> None:
    seen: list[tuple[str, Mapping[str, Any]]] = []

    def ttl_for(kind: str, meta: Mapping[str, Any]) -> float | None:
        seen.append((kind, meta))
        return 0.05 if meta.get("platform") == "tiktok" else 0

    skills = SkillCache(cache, ttl_for=ttl_for)
    compute = Counter()
    youtube, tiktok = key_of(skills, "yt"), key_of(skills, "tt")
    await skills.get_or_compute(youtube, compute, agent="a", kind="cut", meta={"platform": "yt"})
    await skills.get_or_compute(tiktok, compute, agent="a", kind="cut", meta={"platform": "tiktok"})
    assert seen[1][0] == "cut"
    assert seen[1][1]["agent"] == "a" and seen[1][1]["value"] == compute.value
    assert await cache.get(youtube) is None  # ttl 0: not stored
    assert await cache.get(tiktok) is not None
    for _ in range(100):  # bounded wait for the 50 ms TTL
        if await cache.get(tiktok) is None:
            break
        await asyncio.sleep(0.02)
    outcome = await skills.get_or_compute(tiktok, compute, agent="a", kind="cut")
    assert not outcome.hit and compute.calls == 3


async def test_values_that_cannot_be_encoded_are_returned_but_not_stored(cache: Cache) -> None:
    skills = SkillCache(cache)
    key = key_of(skills)

    async def odd() -> dict[str, Any]:
        return {"when": {1, 2}}

    outcome = await skills.get_or_compute(key, odd, agent="a", kind="k")
    assert outcome.value == {"when": {1, 2}}
    assert await cache.get(key) is None


async def test_tags_and_agent_clear(cache: Cache) -> None:
    skills = SkillCache(cache)
    compute = Counter()
    k1 = skills.make_key("writer", "w", "e", "1", "t", {"i": 1})
    k2 = skills.make_key("designer", "d", "e", "1", "t", {"i": 1})
    await skills.get_or_compute(k1, compute, agent="writer", kind="k", tags=["brief:1"])
    await skills.get_or_compute(k2, compute, agent="designer", kind="k", tags=["brief:1"])
    assert await cache.invalidate_tag("brief:1") == 2
    await skills.get_or_compute(k1, compute, agent="writer", kind="k")
    await skills.get_or_compute(k2, compute, agent="designer", kind="k")
    assert await skills.clear("writer") == 1
    assert await cache.get(k1) is None and await cache.get(k2) is not None
    assert await skills.clear() == 1


async def test_stats_and_metrics_count_per_agent(cache: Cache) -> None:
    skills = SkillCache(cache, stats_flush_s=60)
    compute = Counter(delay_s=0.01)
    key = key_of(skills)
    hits_before = sample("vg_cache_hits_total", agent="stats_agent", kind="script")
    saved_before = sample("vg_cache_seconds_saved_total", agent="stats_agent", kind="script")
    await skills.get_or_compute(key, compute, agent="stats_agent", kind="script")
    await asyncio.gather(
        *(skills.get_or_compute(key, compute, agent="stats_agent", kind="script") for _ in range(3))
    )
    stats = await skills.stats()
    mine = stats.agents["stats_agent"]
    assert mine.misses == 1
    assert mine.hits + mine.shared == 3
    assert mine.hit_ratio == pytest.approx(0.75)
    assert mine.bytes_stored > 0 and mine.bytes_served > 0
    assert mine.seconds_saved >= 3 * 0.01
    assert sample("vg_cache_hits_total", agent="stats_agent", kind="script") > hits_before
    assert sample("vg_cache_seconds_saved_total", agent="stats_agent", kind="script") > saved_before


async def test_redis_stats_are_shared_between_processes(redis_url: str) -> None:
    # Two caches with their own SkillCache stand in for two agent processes on one Redis.
    one, two = open_cache(redis_url), open_cache(redis_url)
    try:
        a, b = SkillCache(one, stats_flush_s=0.01), SkillCache(two, stats_flush_s=0.01)
        compute = Counter()
        key = key_of(a)
        await a.get_or_compute(key, compute, agent="writer", kind="k")
        await b.get_or_compute(key, compute, agent="writer", kind="k")
        await a.aclose()
        await b.aclose()
        reader = open_cache(redis_url)
        stats = await reader.stats()
        await reader.aclose()
        assert (stats.agents["writer"].misses, stats.agents["writer"].hits) == (1, 1)
    finally:
        await one.aclose()
        await two.aclose()


async def test_lock_is_released_after_storing(redis_url: str) -> None:
    cache = open_cache(redis_url)
    raw = Redis.from_url(redis_url)
    try:
        skills = SkillCache(cache)
        key = key_of(skills)
        await skills.get_or_compute(key, Counter(), agent="a", kind="k")
        assert await raw.exists(f"vgc:l:{key}") == 0
        assert await raw.exists(f"vgc:d:{key}") == 1
    finally:
        await raw.aclose()
        await cache.aclose()


async def test_a_burst_wider_than_the_pool_waits_for_connections(redis_url: str) -> None:
    cache = open_cache(redis_url, max_connections=4)
    try:
        skills = SkillCache(cache)
        compute = Counter(delay_s=0.0)
        keys = [key_of(skills, f"burst {i}") for i in range(200)]
        outcomes = await asyncio.gather(
            *(skills.get_or_compute(k, compute, agent="burst", kind="k") for k in keys)
        )
        assert compute.calls == 200 and not any(o.hit for o in outcomes)
        again = await asyncio.gather(
            *(skills.get_or_compute(k, compute, agent="burst", kind="k") for k in keys)
        )
        assert all(o.hit for o in again)  # nothing was skipped for want of a connection
    finally:
        await cache.aclose()
