"""The cache in front of the agents, embedded: keys, TTL policy, hits, node_cached, bypass."""

from __future__ import annotations

import pytest
from caching_helpers import (
    EXAMPLE,
    THREE_PLATFORMS,
    counters,
    delta,
    fresh_cache,
    run_embedded,
    without_plan,
)

from a2a_mcp.agent import no_progress
from a2a_mcp.cache import encode
from a2a_mcp.events import EventKind
from video_generator.app.agent_cache import (
    CacheSettingsError,
    VideoCache,
    schema_fingerprint,
    ttl_policy,
)
from video_generator.app.runtime import build_specialists, engine_info
from video_generator.core.models import Script, ScriptRequest, Storyboard
from video_generator.request import VideoRequest
from video_generator.settings import Settings

SPECIALIST_NODES = {"script", "scenes", "timing", "adapt[tiktok]", "adapt[instagram_reels]"}


def script_writer():
    return next(a for a in build_specialists() if a.name == "script_writer")


async def test_key_covers_agent_skill_engine_templates_and_input() -> None:
    agent = script_writer()
    skill = agent.get_skill("write_script")
    brief = (await run_embedded(fresh_cache(), no_cache=True)).package.brief
    request = ScriptRequest(brief=brief)
    info = engine_info()
    key = fresh_cache().key_for(agent, skill, request)
    schemas = schema_fingerprint(ScriptRequest, Script)
    assert key.startswith(
        f"vg:script_writer:write_script@{agent.version}+{schemas}:{info['engine']}:"
        f"{info['engine_version']}:{info['templates_version']}:"
    )
    assert key == fresh_cache().key_for(agent, skill, ScriptRequest.model_validate_json(
        request.model_dump_json()))  # fmt: skip
    other_input = ScriptRequest(brief=brief.model_copy(update={"duration_s": 30.0}))
    assert fresh_cache().key_for(agent, skill, other_input) != key
    for field, value in (("engine_version", "2"), ("templates_version", "2026.12.1+x")):
        changed = VideoCache(
            "memory://", ttl_for=ttl_policy(Settings()), engine_info={**info, field: value}
        )
        assert changed.key_for(agent, skill, request) != key


async def test_no_cache_switch_is_not_part_of_the_package_key() -> None:
    from video_generator.app.runtime import build_orchestrator

    cache = fresh_cache()
    orchestrator = build_orchestrator(cache=cache)
    skill = orchestrator.get_skill("make_video")
    plain = cache.key_for(orchestrator, skill, VideoRequest(brief=EXAMPLE))
    assert plain == cache.key_for(orchestrator, skill, VideoRequest(brief=EXAMPLE, no_cache=True))
    assert plain != cache.key_for(orchestrator, skill, VideoRequest(brief=EXAMPLE + " today"))
    levels = build_orchestrator(cache=cache, mode="levels")
    assert plain != cache.key_for(levels, skill, VideoRequest(brief=EXAMPLE))


def test_ttl_policy_reads_the_settings_and_shortens_tiktok_and_reels() -> None:
    ttl = ttl_policy(Settings())
    assert ttl("script", {}) == 3600
    assert ttl("storyboard", {}) == 3600
    assert ttl("timing", {}) == 1800
    assert ttl("package", {}) == 86400
    assert ttl("platform_cut", {"platform": "youtube_shorts"}) == 3600
    assert ttl("platform_cut", {"platform": "tiktok"}) == 1800
    assert ttl("platform_cut", {"platform": "instagram_reels"}) == 1800
    assert ttl("something_new", {}) == 3600
    custom = ttl_policy(Settings(ttl_script_s=60, ttl_short_form_s=99999, ttl_platform_cut_s=120))
    assert custom("script", {}) == 60
    # The short-form TTL only ever shortens.
    assert custom("platform_cut", {"platform": "tiktok"}) == 120


def test_a_bad_cache_url_is_a_clear_user_error() -> None:
    with pytest.raises(CacheSettingsError) as caught:
        fresh_cache("memory://?size=3")
    assert caught.value.code == "invalid_input"
    assert "size" in caught.value.message and "VG_CACHE_URL" in caught.value.message


async def test_second_run_is_a_package_hit_and_identical() -> None:
    cache = fresh_cache()
    before = counters("hits")
    cold = await run_embedded(cache)
    warm = await run_embedded(cache)
    assert not cold.package_hit and warm.package_hit
    assert warm.package.model_dump(mode="json") == cold.package.model_dump(mode="json")
    assert delta(counters("hits"), before) == {
        "orchestrator": 1, "script_writer": 0, "scene_designer": 0, "timing_coordinator": 0,
        "platform_adapter": 0,
    }  # fmt: skip
    # A hit says so, with what it saved.
    cached = [r for r in warm.reports if r.get("cached")]
    assert cached and cached[0]["seconds_saved"] > 0


async def test_every_specialist_node_shows_node_cached_and_the_package_is_the_same() -> None:
    cache = fresh_cache()
    cold = await run_embedded(cache)
    assert cold.nodes(EventKind.NODE_CACHED) == set()
    # Another scheduling mode is another package key, but the same specialist calls.
    warm = await run_embedded(cache, mode="levels")
    assert not warm.package_hit
    assert warm.nodes(EventKind.NODE_CACHED) == SPECIALIST_NODES
    assert without_plan(warm.package) == without_plan(cold.package)
    progress = [
        e for e in warm.events if e.kind is EventKind.NODE_PROGRESS and e.data.get("cached")
    ]
    assert {e.node for e in progress} == SPECIALIST_NODES
    assert all(e.data["seconds_saved"] >= 0 for e in progress)


async def test_no_cache_bypasses_every_agent_and_stores_nothing() -> None:
    cache = fresh_cache()
    bypassed, hits = counters("bypassed"), counters("hits")
    first = await run_embedded(cache, no_cache=True)
    second = await run_embedded(cache, no_cache=True)
    assert not second.package_hit and second.nodes(EventKind.NODE_CACHED) == set()
    assert delta(counters("bypassed"), bypassed) == {
        "orchestrator": 2, "script_writer": 2, "scene_designer": 2, "timing_coordinator": 2,
        "platform_adapter": 4,
    }  # fmt: skip
    assert set(delta(counters("hits"), hits).values()) == {0}
    assert (await cache.stats()).entries == 0
    assert without_plan(first.package) == without_plan(second.package)


async def test_concurrent_identical_briefs_compute_once_in_one_process() -> None:
    import asyncio

    cache = fresh_cache()
    misses = counters("misses")
    runs = await asyncio.gather(*(run_embedded(cache, THREE_PLATFORMS) for _ in range(10)))
    assert delta(counters("misses"), misses) == {
        "orchestrator": 1, "script_writer": 1, "scene_designer": 1, "timing_coordinator": 1,
        "platform_adapter": 3,
    }  # fmt: skip
    assert len({str(without_plan(r.package)) for r in runs}) == 1
    assert sum(r.package_hit for r in runs) == 9


async def test_stats_count_per_agent() -> None:
    cache = fresh_cache()
    await run_embedded(cache)
    await run_embedded(cache)
    stats = await cache.stats()
    assert stats.backend == "memory"
    assert stats.agents["orchestrator"].hits == 1
    assert stats.agents["orchestrator"].misses == 1
    assert stats.agents["platform_adapter"].misses == 2
    assert stats.total.bytes_stored > 0 and stats.agents["orchestrator"].seconds_saved > 0
    assert await cache.clear("orchestrator") == 1
    assert not (await run_embedded(cache)).package_hit


def test_a_changed_model_schema_changes_the_key() -> None:
    assert schema_fingerprint(ScriptRequest, Script) == schema_fingerprint(ScriptRequest, Script)
    assert schema_fingerprint(ScriptRequest, Script) != schema_fingerprint(
        ScriptRequest, Storyboard
    )


async def test_an_entry_that_no_longer_fits_the_model_is_recomputed() -> None:
    cache = fresh_cache()
    agent = script_writer()
    skill = agent.get_skill("write_script")
    request = ScriptRequest(brief=(await run_embedded(fresh_cache())).package.brief)
    key = cache.key_for(agent, skill, request)
    await cache.skills.cache.set(key, encode({"v": {"title": 3}, "s": 0.1, "t": 0}), 60)
    output = await cache(agent, skill, request, no_progress, {})
    assert output == await skill.handler(request, no_progress)
    stored = await cache.skills.cache.get(key)
    assert stored is not None and b'"title":3' not in stored
