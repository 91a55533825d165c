"""Template usage and scores in Redis: shared by every process, never failing a skill."""

from __future__ import annotations

import pytest
from caching_helpers import fresh_cache, run_embedded

from a2a_mcp.cache import CacheConfigError
from redis_server import free_port
from video_generator.app.runtime import use_template_store
from video_generator.app.template_store import RedisUsageStore
from video_generator.settings import Settings
from video_generator.templates import InMemoryUsageStore, TemplateCache, get_templates


async def test_two_stores_on_one_redis_see_each_others_counts(redis_url: str) -> None:
    one, two = RedisUsageStore(redis_url), RedisUsageStore(redis_url)
    try:
        assert await one.incr_use("hook.question.1") == 1
        assert await two.incr_use("hook.question.1", 2) == 3
        await one.add_score("hook.question.1", 0.5)
        await two.add_score("hook.question.1", 1.0)
        await two.incr_use("cta.follow.1")
        snapshot = await one.snapshot()
        assert snapshot["hook.question.1"].uses == 3
        assert snapshot["hook.question.1"].effectiveness == pytest.approx(0.75)
        assert snapshot["cta.follow.1"].uses == 1
        assert snapshot["cta.follow.1"].effectiveness is None
        await one.clear()
        assert await two.snapshot() == {}
    finally:
        await one.aclose()
        await two.aclose()


async def test_redis_down_counts_in_memory_and_never_raises() -> None:
    store = RedisUsageStore(f"redis://127.0.0.1:{free_port()}/0", recover_after_s=60)
    try:
        assert await store.incr_use("hook.question.1") == 1
        assert await store.incr_use("hook.question.1") == 2
        await store.add_score("hook.question.1", 1.0)
        snapshot = await store.snapshot()
        assert snapshot["hook.question.1"].uses == 2
        assert snapshot["hook.question.1"].score_count == 1
    finally:
        await store.aclose()


def test_a_bad_url_is_refused() -> None:
    with pytest.raises(CacheConfigError):
        RedisUsageStore("redis://127.0.0.1:6379/zero")
    with pytest.raises(ValueError, match="redis://"):
        RedisUsageStore("memory://")


async def test_agents_record_template_use_in_redis_when_the_cache_is_redis(
    redis_url: str, vg_env
) -> None:
    templates = get_templates()
    before = templates.store
    vg_env(VG_CACHE_URL=redis_url)
    use_template_store(templates)
    try:
        store = templates.store
        assert isinstance(store, RedisUsageStore)
        cache = fresh_cache(redis_url)
        run = await run_embedded(cache)
        await cache.aclose()
        used = await store.snapshot()
        assert set(run.package.script.template_ids) <= set(used)
        assert all(used[t].uses >= 1 for t in run.package.script.template_ids)
        # Another process's library (a fresh one) reads the same counts.
        other = TemplateCache([], version="x", store=RedisUsageStore(redis_url))
        assert (await other.usage()) == used
        await other.store.aclose()  # type: ignore[attr-defined]
    finally:
        await store.aclose()
    use_template_store(templates, Settings(cache_url="memory://"))
    assert templates.store is before
    assert isinstance(templates.store, InMemoryUsageStore)
