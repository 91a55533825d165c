"""The script writer: determinism, word budget, hook window, key points, CTA, pacing."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from a2a_mcp.agent import Agent
from video_generator.agents.script_writer import (
    ScriptWriter,
    leading_number,
)
from video_generator.core.models import Brief, Script, ScriptRequest, SegmentType, Style, Tone
from video_generator.core.pacing import (
    PAUSE_SHARE,
    PLANNED_MIN_SHOT_S,
    allocate_shots,
    hook_word_limit,
    word_budget,
    words_per_minute,
)
from video_generator.core.platforms import get_platform, shots_per_minute_bounds
from video_generator.engines.english import word_count
from video_generator.templates import TemplateCache

PLATFORM_MIXES = [
    ["tiktok"],
    ["youtube"],
    ["tiktok", "instagram_reels", "youtube_shorts"],
    ["linkedin", "x"],
    ["youtube", "tiktok"],
    ["instagram_feed", "linkedin"],
]


def make_brief(**changes: Any) -> Brief:
    fields: dict[str, Any] = {
        "text": "a 45-second TikTok and Reel about cold brew for busy parents, upbeat",
        "topic": "cold brew coffee",
        "audience": "busy parents",
        "tone": Tone.UPBEAT,
        "style": Style.EDUCATIONAL,
        "platforms": ["tiktok", "instagram_reels"],
        "duration_s": 45,
        "key_points": ["grind the beans coarse", "steep for twelve hours", "store it cold"],
        "call_to_action": "link in bio",
    }
    fields.update(changes)
    return Brief(**fields)


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[float, str]] = []

    async def __call__(self, fraction: float, message: str = "", data: Any = None) -> None:
        self.reports.append((fraction, message))


async def write(brief: Brief, writer: ScriptWriter | None = None) -> Script:
    writer = writer or ScriptWriter()
    return await writer.write_script(ScriptRequest(brief=brief), Recorder())


# ---------------------------------------------------------------- the agent


def test_agent_declares_its_skill() -> None:
    writer = ScriptWriter()
    assert isinstance(writer, Agent)
    assert writer.name == "script_writer" and writer.default_port == 10101
    skill = writer.get_skill("write_script")
    assert skill.input_model is ScriptRequest and skill.output_model is Script
    assert skill.cache_kind == "script"
    assert "script" in skill.tags and skill.examples


def test_agents_do_not_import_each_other() -> None:
    import video_generator.agents.script_writer as module

    source = open(module.__file__, encoding="utf-8").read()
    for other in ("scene_designer", "timing_coordinator", "platform_adapter", "orchestrator"):
        assert f"agents.{other}" not in source


async def test_progress_is_reported_in_order() -> None:
    recorder = Recorder()
    await ScriptWriter().write_script(ScriptRequest(brief=make_brief()), recorder)
    fractions = [f for f, _ in recorder.reports]
    assert len(fractions) >= 4
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(message for _, message in recorder.reports)


async def test_runs_through_agent_run_with_a_json_payload() -> None:
    brief = make_brief()
    output = await ScriptWriter().run("write_script", {"brief": brief.model_dump(mode="json")})
    assert isinstance(output, Script)
    assert output == await write(brief)


# ---------------------------------------------------------------- determinism


async def test_same_brief_same_script() -> None:
    brief = make_brief()
    first = await write(brief)
    second = await write(brief, ScriptWriter(templates=TemplateCache.load()))
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


async def test_wording_of_the_brief_does_not_change_the_script() -> None:
    brief = make_brief()
    reworded = brief.model_copy(
        update={"text": "cold brew, 45 s, TikTok + Reels", "assumed": ["tone"]}
    )
    assert await write(brief) == await write(reworded)


async def test_different_briefs_get_different_scripts() -> None:
    scripts = {
        (await write(make_brief(topic=topic))).model_dump_json()
        for topic in ("cold brew coffee", "sourdough bread", "compound interest")
    }
    assert len(scripts) == 3


# ---------------------------------------------------------------- pacing rules


def test_speech_rate_table() -> None:
    assert words_per_minute(Tone.ENERGETIC, Style.VIRAL) in range(160, 181)
    assert words_per_minute(Tone.CALM, Style.EDUCATIONAL) in range(130, 141)
    assert words_per_minute(Tone.PROFESSIONAL, Style.EDUCATIONAL) in range(130, 141)
    assert words_per_minute(Tone.INSPIRATIONAL, Style.EDUCATIONAL) == 150
    assert words_per_minute(Tone.CALM, Style.TUTORIAL) == 130  # technical, never under 130
    assert word_budget(60, 150) == round(60 * 2.5 * (1 - PAUSE_SHARE))
    assert 0.10 <= PAUSE_SHARE <= 0.20


def test_hook_limit_follows_the_strictest_window() -> None:
    assert hook_word_limit(["youtube"], 150) > hook_word_limit(["youtube", "tiktok"], 150)
    assert hook_word_limit(["tiktok"], 150) == 6
    assert hook_word_limit(["youtube"], 150, budget=20) == 6


def test_allocate_shots_respects_bounds_and_minimum_length() -> None:
    durations = [2.5, 6.0, 10.0, 9.5, 8.0, 4.0]
    bounds = (12.0, 40.0)
    counts = allocate_shots(durations, bounds)
    total_s = sum(durations)
    assert all(c >= 1 for c in counts)
    assert all(d / c >= PLANNED_MIN_SHOT_S for d, c in zip(durations, counts, strict=True))
    assert bounds[0] <= sum(counts) / total_s * 60 <= bounds[1]
    assert abs(sum(counts) / total_s * 60 - sum(bounds) / 2) <= 60 / total_s


# ---------------------------------------------------------------- scripts


def _estimated_ok(script: Script, brief: Brief) -> bool:
    return abs(script.estimated_s - brief.duration_s) <= 0.10 * brief.duration_s


MATRIX = list(
    itertools.product(
        [
            Style.EDUCATIONAL,
            Style.VIRAL,
            Style.STORY,
            Style.TUTORIAL,
            Style.PROMOTIONAL,
            Style.LISTICLE,
        ],
        [Tone.UPBEAT, Tone.CALM, Tone.ENERGETIC, Tone.PROFESSIONAL, Tone.DRAMATIC],
        [15, 30, 45, 60, 90, 180],
    )
)


@pytest.mark.parametrize("platforms", PLATFORM_MIXES, ids="+".join)
async def test_budget_hook_and_pacing_hold_across_styles_tones_and_lengths(
    platforms: list[str],
) -> None:
    low, high = shots_per_minute_bounds(platforms)
    for index, (style, tone, duration) in enumerate(MATRIX):
        key_points = [[], ["grind coarse", "steep overnight", "serve over ice"]][index % 2]
        audience = ["busy parents", "a general audience"][index % 3 == 0]
        brief = make_brief(
            style=style,
            tone=tone,
            duration_s=duration,
            platforms=platforms,
            key_points=key_points,
            audience=audience,
            call_to_action=None if index % 2 else "link in bio",
        )
        script = await write(brief)
        label = f"{style.value}/{tone.value}/{duration}s/{platforms}"
        # Word budget: total length within 10% of the target.
        assert _estimated_ok(script, brief), (label, script.estimated_s)
        assert script.total_words == sum(s.word_count for s in script.segments)
        for segment in script.segments:
            assert segment.word_count == word_count(segment.narration)
            assert segment.estimated_s == pytest.approx(
                segment.word_count / script.words_per_minute * 60 / (1 - PAUSE_SHARE), abs=0.01
            )
        # Hook first, CTA last, and the hook inside every platform's window.
        assert script.segments[0].type is SegmentType.HOOK
        assert script.segments[0].narration == script.hook.text
        assert script.segments[-1].type is SegmentType.CTA
        window = min(get_platform(p).hook_window_s for p in platforms)
        assert script.segments[0].estimated_s <= window, label
        # Pacing: shots per minute inside every platform's bounds, no shot under PLANNED_MIN_SHOT_S.
        shots = sum(s.shot_count for s in script.segments)
        assert low <= shots / script.estimated_s * 60 <= high, label
        for segment in script.segments:
            assert segment.shot_count >= 1
            assert segment.estimated_s / segment.shot_count >= PLANNED_MIN_SHOT_S or (
                segment.shot_count == 1
            )
        assert not script.segments[0].optional and not script.segments[-1].optional
        assert script.hashtags and all(t.startswith("#") for t in script.hashtags)
        assert len(script.hashtags) <= max(get_platform(p).hashtags[1] for p in platforms)
        assert script.title and len(script.title) <= 70


async def test_key_points_are_covered_in_order() -> None:
    points = ["pick a coarse grind", "use filtered water", "steep overnight", "strain twice"]
    script = await write(make_brief(key_points=points, duration_s=60))
    covered = [s.key_point for s in script.segments if s.key_point]
    assert covered == points
    for segment in script.segments:
        if segment.key_point:
            assert segment.key_point in segment.narration
            assert not segment.optional
    positions = [i for i, s in enumerate(script.segments) if s.key_point]
    assert positions == sorted(positions)


async def test_more_key_points_than_the_default_each_get_a_segment() -> None:
    points = [f"tip number {n}" for n in range(1, 9)]
    script = await write(make_brief(key_points=points, duration_s=90, style=Style.LISTICLE))
    assert [s.key_point for s in script.segments if s.key_point] == points


async def test_the_briefs_call_to_action_ends_the_script() -> None:
    script = await write(make_brief(call_to_action="follow for part 2"))
    assert script.call_to_action == "Follow for part 2."
    assert script.segments[-1].narration.endswith("Follow for part 2.")
    assert script.segments[-1].on_screen_text


@pytest.mark.parametrize(
    ("platforms", "forbidden"),
    [
        (["youtube"], "link in bio"),
        (["youtube", "tiktok"], "link in bio"),
        (["tiktok"], "subscribe"),
    ],
)
async def test_a_template_cta_suits_every_platform(platforms: list[str], forbidden: str) -> None:
    for topic in ("cold brew coffee", "sourdough", "budgeting", "yoga", "chess openings"):
        script = await write(make_brief(platforms=platforms, call_to_action=None, topic=topic))
        assert script.call_to_action
        assert forbidden not in script.call_to_action.lower()
        assert script.segments[-1].narration.endswith(script.call_to_action)
        assert any(t.startswith("cta.") for t in script.template_ids)


async def test_long_script_for_a_short_platform_marks_enough_optional() -> None:
    brief = make_brief(platforms=["youtube", "x"], duration_s=200, key_points=[])
    script = await write(brief)
    optional_s = sum(s.estimated_s for s in script.segments if s.optional)
    assert script.estimated_s - optional_s <= get_platform("x").max_duration_s
    assert not script.segments[0].optional and not script.segments[-1].optional


async def test_story_angles_keep_their_order() -> None:
    script = await write(make_brief(style=Style.STORY, key_points=[], duration_s=90))
    angles = [t for t in script.template_ids if t.startswith("angle.")]
    numbers = [int(t.rsplit(".", 1)[1]) for t in angles]
    assert numbers == sorted(numbers) and numbers[0] == 1


async def test_general_audience_is_never_named() -> None:
    for style in Style:
        script = await write(make_brief(audience="a general audience", style=style))
        text = " ".join([script.title, *(s.narration for s in script.segments)])
        assert "general audience" not in text.lower()


async def test_wh_topics_read_naturally() -> None:
    script = await write(make_brief(topic="how to negotiate a raise", key_points=[]))
    text = " ".join(s.narration for s in script.segments)
    assert "the how to" not in text.lower()
    assert "how to negotiate a raise mistake" not in text.lower()


async def test_unsupported_language_is_written_in_english() -> None:
    script = await write(make_brief(language="de"))
    assert script.language == "en"


async def test_template_use_is_counted() -> None:
    templates = TemplateCache.load()
    writer = ScriptWriter(templates=templates)
    script = await write(make_brief(), writer)
    usage = await templates.usage()
    assert script.hook.template_id in usage
    assert set(script.template_ids) == set(usage)
    assert all(stats.uses == 1 for stats in usage.values())
    await write(make_brief(), writer)
    assert (await templates.usage())[script.hook.template_id].uses == 2


async def test_a_topic_that_promises_a_number_gets_that_many_points() -> None:
    brief = make_brief(
        topic="5 signs your houseplant is overwatered",
        style=Style.LISTICLE,
        key_points=[],
        duration_s=45,
    )
    script = await write(brief)
    body = [s for s in script.segments if s.type is SegmentType.POINT]
    assert len(body) == 5
    assert not re.search(r"\b\d+\s+5 signs", script.title)
    assert leading_number("top ten habits") == 10
    assert leading_number("cold brew") is None


async def test_intro_and_recap_stay_short_in_long_videos() -> None:
    script = await write(make_brief(platforms=["youtube"], duration_s=300, key_points=[]))
    for segment in script.segments:
        if segment.type in (SegmentType.INTRO, SegmentType.RECAP):
            assert segment.word_count <= 50, segment
    assert abs(script.estimated_s - 300) <= 30
