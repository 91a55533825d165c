"""The scene designer: exact shot ids, variety, transitions, prompts, determinism."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from video_generator.agents.scene_designer import (
    SCENE_MAX_S,
    SceneDesigner,
    choose_shot_type,
    split_shots,
)
from video_generator.agents.script_writer import ScriptWriter
from video_generator.core.models import (
    Brief,
    Hook,
    Script,
    ScriptRequest,
    Segment,
    SegmentType,
    ShotType,
    Storyboard,
    StoryboardRequest,
    Style,
    Tone,
    Transition,
)
from video_generator.templates import get_templates

ASPECT_WORDS = re.compile(r"\b(9:16|16:9|4:5|1:1|vertical|portrait|landscape|widescreen)\b", re.I)


def make_brief(**changes: Any) -> Brief:
    fields: dict[str, Any] = {
        "text": "cold brew video",
        "topic": "cold brew coffee",
        "audience": "busy parents",
        "tone": Tone.UPBEAT,
        "style": Style.EDUCATIONAL,
        "platforms": ["tiktok", "instagram_reels"],
        "duration_s": 30,
        "key_points": ["grind coarse", "steep overnight"],
    }
    fields.update(changes)
    return Brief(**fields)


def hand_script(shots: list[int], seconds: list[float] | None = None) -> Script:
    """A script built by hand (the scene designer never needs the script writer)."""
    types = [SegmentType.HOOK, *[SegmentType.POINT] * (len(shots) - 2), SegmentType.CTA]
    seconds = seconds or [3.0 * n for n in shots]
    segments = [
        Segment(
            id=f"seg-{i:02d}",
            type=kind,
            narration="Some words here.",
            on_screen_text="" if kind is SegmentType.POINT and i % 2 else f"Text {i}",
            word_count=3,
            estimated_s=secs,
            shot_count=count,
            key_point="grind coarse" if kind is SegmentType.POINT else None,
        )
        for i, (kind, count, secs) in enumerate(zip(types, shots, seconds, strict=True), start=1)
    ]
    return Script(
        title="Cold brew, explained",
        hook=Hook(text="Some words here.", pattern="question"),
        segments=segments,
        call_to_action="Link in bio.",
        words_per_minute=150,
        total_words=3 * len(segments),
        estimated_s=sum(seconds),
    )


async def noop(*_: Any, **__: Any) -> None:
    return None


async def design(brief: Brief, script: Script, designer: SceneDesigner | None = None) -> Storyboard:
    designer = designer or SceneDesigner()
    return await designer.design_storyboard(StoryboardRequest(brief=brief, script=script), noop)


def assert_storyboard_rules(script: Script, storyboard: Storyboard) -> None:
    shots = storyboard.shots()
    expected = [
        f"{segment.id}-sh{n}"
        for segment in script.segments
        for n in range(1, segment.shot_count + 1)
    ]
    assert [shot.id for shot in shots] == expected
    for segment in script.segments:
        scenes = [scene for scene in storyboard.scenes if scene.segment_id == segment.id]
        assert scenes, segment.id
        assert all(shot.segment_id == segment.id for scene in scenes for shot in scene.shots)
    # Variety: never three identical shot types in a row, across scene borders too.
    for a, b, c in zip(shots, shots[1:], shots[2:], strict=False):
        assert not (a.type == b.type == c.type), (a.id, b.id, c.id)
    compositions = {t.key for t in get_templates().select("composition")}
    for scene in storyboard.scenes:
        assert scene.title and scene.mood and scene.palette
        for shot in scene.shots[:-1]:
            assert shot.transition is Transition.CUT
        for shot in scene.shots:
            assert shot.composition in compositions
            assert shot.subject and shot.visual_description and shot.mood
            assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in shot.palette)
            prompts = shot.prompts
            assert prompts.prompt.strip() and prompts.motion_prompt.strip()
            assert prompts.negative_prompt.strip()
            assert not ASPECT_WORDS.search(prompts.prompt), prompts.prompt
            if shot.type is ShotType.TEXT_CARD:
                assert shot.on_screen_text
    for scene in storyboard.scenes:
        assert scene.palette == storyboard.scenes[0].palette  # one palette per video


# ---------------------------------------------------------------- the agent


def test_agent_declares_its_skill() -> None:
    designer = SceneDesigner()
    assert designer.name == "scene_designer" and designer.default_port == 10102
    skill = designer.get_skill("design_storyboard")
    assert skill.input_model is StoryboardRequest and skill.output_model is Storyboard
    assert skill.cache_kind == "storyboard"
    assert skill.tags and skill.examples


def test_does_not_import_other_agents() -> None:
    import video_generator.agents.scene_designer as module

    source = open(module.__file__, encoding="utf-8").read()
    for other in ("script_writer", "timing_coordinator", "platform_adapter", "orchestrator"):
        assert f"agents.{other}" not in source


async def test_progress_reports() -> None:
    reports: list[float] = []

    async def progress(fraction: float, message: str = "", data: Any = None) -> None:
        assert message
        reports.append(fraction)

    script = hand_script([1, 3, 2, 1])
    await SceneDesigner().design_storyboard(
        StoryboardRequest(brief=make_brief(), script=script), progress
    )
    assert reports == sorted(reports) and reports[-1] == 1.0 and len(reports) >= 3


# ---------------------------------------------------------------- rules on hand-made scripts


async def test_exact_shot_counts_and_ids_on_a_hand_made_script() -> None:
    script = hand_script([1, 4, 7, 2, 1])
    storyboard = await design(make_brief(), script)
    assert_storyboard_rules(script, storyboard)
    assert storyboard.title == script.title
    assert storyboard.style is Style.EDUCATIONAL


async def test_long_segments_get_more_than_one_scene() -> None:
    script = hand_script([1, 9, 1], seconds=[2.5, 40.0, 3.0])
    storyboard = await design(make_brief(), script)
    scenes = [s for s in storyboard.scenes if s.segment_id == "seg-02"]
    assert len(scenes) == len(split_shots(9, 40.0)) >= 2
    assert sum(len(s.shots) for s in scenes) == 9
    assert len({s.title for s in scenes}) == len(scenes)
    assert_storyboard_rules(script, storyboard)


def test_split_shots() -> None:
    assert split_shots(5, SCENE_MAX_S - 1) == [5]
    assert split_shots(7, SCENE_MAX_S * 2.5) == [3, 2, 2]
    assert split_shots(2, SCENE_MAX_S * 5) == [1, 1]  # never a scene without a shot


def test_choose_shot_type_keeps_variety() -> None:
    close = ShotType.CLOSE_UP
    assert choose_shot_type([close, ShotType.WIDE], [close]) is ShotType.WIDE
    assert choose_shot_type([close], [ShotType.WIDE]) is close
    assert choose_shot_type([close], [close, close]) is not close
    assert choose_shot_type([close], [ShotType.WIDE, close]) is close


async def test_transitions_follow_the_style() -> None:
    for style in Style:
        script = hand_script([1, 4, 4, 4, 3, 1])
        storyboard = await design(make_brief(style=style), script)
        allowed = {t.key for t in get_templates().select("transition", group=style.value)}
        endings = {t.key for t in get_templates().select("transition", group="ending")}
        borders = [scene.shots[-1].transition for scene in storyboard.scenes[:-1]]
        assert {t.value for t in borders} <= allowed, style
        assert storyboard.scenes[-1].shots[-1].transition.value in endings
    cuts = sum(shot.transition is Transition.CUT for shot in storyboard.shots())
    assert cuts / len(storyboard.shots()) > 0.5  # cut most of the time


async def test_mood_and_palette_come_from_the_tone() -> None:
    templates = get_templates()
    for tone in Tone:
        storyboard = await design(make_brief(tone=tone), hand_script([1, 2, 1]))
        moods = {t.text for t in templates.select("mood", group=tone.value)}
        palettes = [t.data["colors"] for t in templates.select("palette", tone=tone.value)]
        assert {scene.mood for scene in storyboard.scenes} <= moods
        assert storyboard.scenes[0].palette in palettes


async def test_key_points_reach_the_prompts() -> None:
    storyboard = await design(make_brief(), hand_script([1, 6, 1]))
    descriptions = " ".join(s.visual_description for s in storyboard.shots())
    assert "grind coarse" in descriptions


# ---------------------------------------------------------------- with the script writer


async def test_same_input_same_storyboard() -> None:
    brief = make_brief()
    script = await ScriptWriter().write_script(ScriptRequest(brief=brief), noop)
    assert await design(brief, script) == await design(brief, script)


@pytest.mark.parametrize(
    "platforms",
    [["tiktok"], ["youtube"], ["linkedin", "x"], ["youtube", "tiktok", "instagram_reels"]],
    ids="+".join,
)
async def test_rules_hold_on_written_scripts(platforms: list[str]) -> None:
    writer = ScriptWriter()
    designer = SceneDesigner()
    combos = itertools.product(Style, [Tone.UPBEAT, Tone.CALM, Tone.DRAMATIC], [15, 45, 120])
    for style, tone, duration in combos:
        brief = make_brief(
            style=style, tone=tone, duration_s=duration, platforms=platforms, key_points=[]
        )
        script = await writer.write_script(ScriptRequest(brief=brief), noop)
        storyboard = await design(brief, script, designer)
        assert_storyboard_rules(script, storyboard)


async def test_wh_topic_prompts_stay_grammatical() -> None:
    brief = make_brief(topic="how to negotiate a raise", key_points=[])
    script = await ScriptWriter().write_script(ScriptRequest(brief=brief), noop)
    storyboard = await design(brief, script)
    for shot in storyboard.shots():
        assert "of how to" not in shot.prompts.prompt.lower().replace("evoke how to", "")
