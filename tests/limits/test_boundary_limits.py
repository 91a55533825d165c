"""Every boundary model is bounded; absurd lengths and counts are refused at once, never run."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from typing import Any

import pytest

from a2a_mcp.errors import InvalidInputError
from factories import make_brief, make_script
from video_generator.agents.orchestrator import InvalidBriefError
from video_generator.app.runtime import all_agents, build_orchestrator, build_specialists
from video_generator.brief import BriefError, parse_brief
from video_generator.core.limits import MAX_SHOTS, MAX_VIDEO_S
from video_generator.core.models import Brief, Script, VideoPackage
from video_generator.core.platforms import PLATFORMS
from video_generator.request import VideoRequest

ABSURD_BRIEFS = [
    "a 999999999 seconds video about tea",
    "a 1e309 second TikTok about tea",
    "a 123456789012345678901234567890 minute reel about tea",
    "a 99999 hour video about tea",
    "a 1,000,000 second video about tea",
]


def _unbounded(schema: dict[str, Any]) -> list[str]:
    """Paths in a JSON schema whose strings, arrays or numbers have no upper bound."""
    defs = schema.get("$defs", {})
    found: list[str] = []

    def walk(node: dict[str, Any], path: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], path, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        kind = node.get("type")
        if "enum" in node or "const" in node:
            return
        if kind == "string" and "maxLength" not in node:
            found.append(path)
        if kind == "array":
            if "maxItems" not in node:
                found.append(path)
            walk(node.get("items", {}), path + "[]", seen)
        if kind in ("number", "integer") and not {"maximum", "exclusiveMaximum"} & set(node):
            found.append(path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{name}", seen)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            walk(extra, path + "{}", seen)

    walk(schema, "", frozenset())
    return found


@pytest.mark.parametrize("agent", all_agents(), ids=lambda a: a.name)
def test_every_skill_input_has_an_upper_bound_on_every_field(agent) -> None:
    for skill in agent.skills.values():
        assert _unbounded(skill.input_model.model_json_schema()) == [], skill.id


def test_every_output_string_and_list_is_bounded() -> None:
    # Outputs hold measurements too (milliseconds, dollars): those need only be finite.
    loose = [
        path
        for path in _unbounded(VideoPackage.model_json_schema())
        if path.rsplit(".", 1)[-1]
        not in {
            *("makespan_ms", "duration_ms", "ended_ms", "started_ms", "value", "seconds"),
            *("loudness_lufs", "true_peak_dbtp"),
        }
        and not path.endswith(("_usd", "duration_s"))
    ]
    assert loose == []


def test_the_registry_fits_the_models_limit_and_cites_public_pages() -> None:
    for platform in PLATFORMS.values():
        assert 0 < platform.max_duration_s <= MAX_VIDEO_S
        assert platform.sources["max_duration_s"].startswith("https://"), platform.id
        assert not any("shared/" in text for text in platform.sources.values())
    assert PLATFORMS["instagram_feed"].max_duration_s == 3600


@pytest.mark.parametrize("text", ABSURD_BRIEFS)
def test_absurd_lengths_are_read_and_refused(text: str) -> None:
    with pytest.raises(BriefError) as caught:
        parse_brief(text)
    assert caught.value.code == "duration_too_long"
    message = str(caught.value)
    assert "longer than every requested platform allows" in message and "For example" in message


def test_thousands_separators_are_read_as_such() -> None:
    with pytest.raises(BriefError, match=r"16 min 40 s \(1000 s\)"):
        parse_brief("a 1,000 second video about tea")  # was read as 1 s: "too short"
    assert parse_brief("a 1,5 Minuten TikTok über Tee").duration_s == 90  # a decimal comma


@pytest.mark.parametrize("text", ABSURD_BRIEFS[:2])
async def test_the_orchestrator_refuses_them_at_once(text: str) -> None:
    orchestrator = build_orchestrator()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidBriefError) as caught:
            await orchestrator.run("make_video", VideoRequest(brief=text))
    finally:
        await orchestrator.client.aclose()
    assert time.perf_counter() - started < 5  # nothing computed; generous for a busy machine
    assert caught.value.code == "invalid_brief"


@pytest.mark.parametrize("duration", [float("inf"), float("nan"), 1e12, MAX_VIDEO_S + 1, 0])
def test_a_brief_with_an_absurd_duration_does_not_validate(duration: float) -> None:
    with pytest.raises(ValueError, match="duration_s"):
        Brief.model_validate(make_brief().model_dump() | {"duration_s": duration})


def test_a_brief_names_each_platform_once() -> None:
    with pytest.raises(ValueError, match="each platform may appear once"):
        make_brief(platforms=["tiktok", "tiktok"])


async def test_an_unknown_platform_is_invalid_input_for_every_specialist() -> None:
    brief = make_brief().model_dump(mode="json") | {"platforms": ["myspace"]}
    script = make_script().model_dump(mode="json")
    for agent in build_specialists():
        skill = next(iter(agent.skills))
        payload: dict[str, Any] = {"brief": brief, "script": script}
        if skill == "write_script":
            payload = {"brief": brief}
        with pytest.raises(InvalidInputError, match="unknown platform 'myspace'"):
            await agent.run(skill, payload)


def _script_payload(**segment: Any) -> dict[str, Any]:
    data = make_script().model_dump(mode="json")
    data["segments"][0].update(segment)
    return data


async def test_a_huge_shot_count_is_refused_before_the_scene_designer_runs() -> None:
    designer = next(a for a in build_specialists() if a.name == "scene_designer")
    payload = {
        "brief": make_brief().model_dump(mode="json"),
        "script": _script_payload(shot_count=10**9),
    }
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidInputError) as caught:
            await asyncio.wait_for(designer.run("design_storyboard", payload), 5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 20 * 2**20  # refused, not computed (it used to reach 3.8 GiB)
    assert "script.segments.0.shot_count" in str(caught.value)


def test_the_shots_of_all_segments_together_are_bounded() -> None:
    data = make_script().model_dump(mode="json")
    segment = data["segments"][0]
    data["segments"] = [segment | {"id": f"seg-{n}", "shot_count": 100} for n in range(31)]
    with pytest.raises(ValueError, match=f"at most {MAX_SHOTS}"):
        Script.model_validate(data)


def test_a_narration_too_long_to_time_is_refused() -> None:
    with pytest.raises(ValueError, match="to speak"):
        Script.model_validate(_script_payload(word_count=20_000) | {"words_per_minute": 1})


def test_free_form_engine_info_is_shallow() -> None:
    deep: Any = "x"
    for _ in range(10):
        deep = {"a": deep}
    from factories import make_package

    data = make_package().model_dump(mode="json") | {"engine": deep}
    with pytest.raises(ValueError, match="nested at most"):
        VideoPackage.model_validate(data)
