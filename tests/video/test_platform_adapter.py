"""Platform adapter: fitting a platform's maximum, hook window, safe zone, metadata, the agent."""

from __future__ import annotations

import pytest

from a2a_mcp.errors import AgentError, InvalidInputError
from factories import (
    make_brief,
    make_cut,
    make_long_script,
    make_script,
    make_segment,
    make_storyboard,
    make_timing,
)
from video_generator.agents.platform_adapter import (
    CutImpossibleError,
    PlatformAdapter,
    build_cut,
    caption_box,
)
from video_generator.core.captions import MAX_LINE_CHARS, words_of
from video_generator.core.models import CutRequest, PlatformCut, SegmentEditAction, SegmentType
from video_generator.core.platforms import PLATFORMS
from video_generator.core.quality import check_package, describe_failures


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _gates_pass(cut: PlatformCut, brief, script, timing) -> None:  # type: ignore[no-untyped-def]
    report = check_package(brief, script, make_storyboard(script), timing, [cut])
    failures = [g for g in report.failures() if g.scope == cut.platform]
    assert not failures, describe_failures(report)


def test_a_plan_that_fits_is_kept_as_is() -> None:
    brief, script = make_brief(), make_script()
    timing = make_timing(brief, script)
    cut = make_cut("tiktok", brief, script, timing)
    assert cut.segments == timing.segments and cut.shots == timing.shots
    assert cut.captions == timing.captions
    assert cut.duration_s == timing.total_s
    assert cut.trimmed_segments == []
    assert {e.action for e in cut.edits} == {SegmentEditAction.KEPT}
    _gates_pass(cut, brief, script, timing)


def test_a_200_second_plan_fits_into_x_by_dropping_optional_segments_latest_first() -> None:
    brief = make_brief(platforms=["youtube", "x"], duration_s=200)
    script = make_long_script()
    timing = make_timing(brief, script)
    assert timing.total_s > 200
    cut = make_cut("x", brief, script, timing)

    assert cut.duration_s <= PLATFORMS["x"].max_duration_s == 140
    dropped = [e.segment_id for e in cut.edits if e.action == SegmentEditAction.DROPPED]
    optional = [s.id for s in script.segments if s.optional]
    assert dropped and dropped == optional[len(optional) - len(dropped) :]  # latest first
    kept_types = {s.type for s in script.segments if s.id in cut.kept_segments}
    assert {SegmentType.HOOK, SegmentType.CTA} <= kept_types
    assert set(cut.trimmed_segments) >= set(dropped)
    assert cut.kept_segments == [s.segment_id for s in cut.segments]

    # Re-timed from 0, continuous, shots of dropped segments gone.
    cursor = 0
    for seg in cut.segments:
        assert _ms(seg.start_s) == cursor
        cursor = _ms(seg.end_s)
    assert cursor == _ms(cut.duration_s)
    assert {s.segment_id for s in cut.shots} == set(cut.kept_segments)

    # Captions of dropped segments removed, the rest renumbered from 1 and re-timed.
    assert [c.index for c in cut.captions] == list(range(1, len(cut.captions) + 1))
    assert {c.segment_id for c in cut.captions} == set(cut.kept_segments)
    kept_words = [
        w for s in script.segments if s.id in cut.kept_segments for w in words_of(s.narration)
    ]
    assert [w for c in cut.captions for w in " ".join(c.lines).split()] == kept_words
    _gates_pass(cut, brief, script, timing)


def test_tightening_pauses_comes_before_dropping(monkeypatch: pytest.MonkeyPatch) -> None:
    # A feed that takes 60 s (Instagram's did until 2021): the script is a second too long.
    short_feed = PLATFORMS["instagram_feed"].model_copy(update={"max_duration_s": 60})
    monkeypatch.setitem(PLATFORMS, "instagram_feed", short_feed)
    brief = make_brief(platforms=["youtube"], duration_s=60)
    script = make_long_script(3)  # about 61 s
    timing = make_timing(brief, script)
    assert timing.total_s > 60
    cut = make_cut("instagram_feed", brief, script, timing)
    assert cut.duration_s <= 60
    actions = {e.action for e in cut.edits}
    assert SegmentEditAction.TIGHTENED in actions and SegmentEditAction.DROPPED not in actions
    for edit in cut.edits:
        if edit.action == SegmentEditAction.TIGHTENED:
            assert edit.new_s < edit.original_s
    _gates_pass(cut, brief, script, timing)


def test_an_impossible_cut_is_a_clear_error() -> None:
    brief = make_brief(platforms=["youtube"], duration_s=200)
    script = make_long_script()
    required = [s.model_copy(update={"optional": False}) for s in script.segments]
    script = make_script(required, title=script.title)
    timing = make_timing(brief, script)
    with pytest.raises(CutImpossibleError) as caught:
        build_cut("x", brief, script, make_storyboard(script), timing)
    error = caught.value
    assert isinstance(error, AgentError) and error.code == "cut_impossible"
    message = str(error)
    assert "X (Twitter)" in message and "140 s" in message
    assert f"{error.details['needed_s']:.1f} s" in message
    assert error.details["needed_s"] > 140 and "shorter video" in message


def test_hook_is_brought_inside_a_shorter_window_than_the_plan_was_made_for() -> None:
    brief = make_brief(platforms=["youtube"])  # a 10 s hook window: the hook keeps its pause
    hook = make_segment("seg-01", SegmentType.HOOK, "Your mornings deserve much better cold brew.")
    script = make_script([hook, *make_script().segments[1:]])
    timing = make_timing(brief, script)
    assert timing.segments[0].end_s > 3
    cut = make_cut("tiktok", brief, script, timing)
    assert cut.hook_end_s == cut.segments[0].end_s <= 3
    _gates_pass(cut, brief, script, timing)


@pytest.mark.parametrize("platform_id", sorted(PLATFORMS))
def test_caption_box_lies_inside_the_safe_zone_and_holds_two_lines(platform_id: str) -> None:
    platform = PLATFORMS[platform_id]
    box, zone, res = caption_box(platform), platform.safe_zone, platform.resolution
    assert box.x >= zone.left and box.x + box.width <= res.width - zone.right
    assert box.y >= zone.top and box.y + box.height <= res.height - zone.bottom
    # The lower part of the safe area, touching its bottom edge.
    assert box.y + box.height == res.height - zone.bottom
    assert box.y > res.height / 2
    # Two lines of 42 characters fit: font from the width, two line heights in the box.
    font = box.width / (MAX_LINE_CHARS * 0.55)
    assert box.height >= 2 * 1.25 * min(font, res.height * 0.05)


@pytest.mark.parametrize("platform_id", sorted(PLATFORMS))
def test_metadata_and_export_stay_within_the_platform(platform_id: str) -> None:
    platform = PLATFORMS[platform_id]
    long_title = "The complete beginner's guide to " + "really excellent " * 20 + "cold brew"
    brief = make_brief(platforms=["youtube"], duration_s=200)
    script = make_long_script().model_copy(update={"title": long_title})
    timing = make_timing(brief, script)
    cut = make_cut(platform_id, brief, script, timing)
    assert len(cut.title) <= platform.title_max_chars
    assert len(cut.description) <= platform.description_max_chars
    low, high = platform.hashtags
    assert low <= len(cut.hashtags) <= high
    assert all(tag.startswith("#") and " " not in tag for tag in cut.hashtags)
    assert len({t.lower() for t in cut.hashtags}) == len(cut.hashtags)
    if platform.hashtags_in_description:
        assert all(tag in cut.description for tag in cut.hashtags)
    if len(long_title) > platform.title_max_chars:
        assert cut.title.endswith("…")
    assert (cut.resolution, cut.aspect, cut.fps) == (platform.resolution, platform.aspect, 30)
    export = cut.export
    assert (export.video_codec, export.audio_codec, export.container) == ("h264", "aac", "mp4")
    assert export.fps == platform.fps
    assert export.video_bitrate_kbps == platform.video_bitrate_kbps
    assert cut.caption_safe_zone == platform.safe_zone
    _gates_pass(cut, brief, script, timing)


def test_youtube_shorts_gets_its_shorts_tag() -> None:
    cut = make_cut("youtube_shorts")
    assert cut.hashtags[0] == "#Shorts"


def test_unknown_platform_is_a_clear_input_error() -> None:
    with pytest.raises(InvalidInputError, match="unknown platform 'vine'; choose one of"):
        make_cut("vine")


def test_a_timing_plan_of_another_script_is_a_clear_input_error() -> None:
    brief = make_brief()
    timing = make_timing(brief, make_long_script())
    with pytest.raises(InvalidInputError, match="does not time this script"):
        make_cut("tiktok", brief, make_script(), timing)


def test_same_input_same_cut() -> None:
    brief = make_brief(platforms=["x"], duration_s=200)
    script = make_long_script()
    timing = make_timing(brief, script)
    assert make_cut("x", brief, script, timing) == make_cut("x", brief, script, timing)


def test_a_cut_keeps_a_short_segment_with_long_captions_lawful() -> None:
    segments = [
        make_segment("seg-01", SegmentType.HOOK, "Stop scrolling.", shot_count=1),
        make_segment(
            "seg-02",
            SegmentType.POINT,
            "Notwithstanding extraordinarily uncharacteristic circumstances, "
            "incomprehensibilities multiply.",
            optional=True,
        ),
        make_segment("seg-03", SegmentType.CTA, "Link in bio.", shot_count=1),
    ]
    brief = make_brief(platforms=["youtube"], duration_s=10)
    script = make_script(segments, call_to_action="Link in bio.")
    timing = make_timing(brief, script)
    cut = make_cut("tiktok", brief, script, timing)
    for cue in cut.captions:
        duration = _ms(cue.end_s) - _ms(cue.start_s)
        assert len(" ".join(cue.lines)) / (duration / 1000) <= 20


async def test_agent_skill_reports_progress_and_returns_the_cut() -> None:
    agent = PlatformAdapter()
    skill = agent.get_skill("adapt_cut")
    assert (agent.name, agent.default_port, skill.cache_kind) == (
        "platform_adapter",
        10104,
        "platform_cut",
    )
    assert skill.tags and skill.examples
    assert skill.input_model is CutRequest and skill.output_model is PlatformCut
    reports: list[float] = []

    async def progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        reports.append(fraction)

    brief = make_brief(platforms=["x"], duration_s=200)
    script = make_long_script()
    timing = make_timing(brief, script)
    request = CutRequest(
        platform="x", brief=brief, script=script, storyboard=make_storyboard(script), timing=timing
    )
    cut = await agent.run("adapt_cut", request.model_dump(mode="json"), progress)
    assert cut == make_cut("x", brief, script, timing)
    assert reports == sorted(reports) and reports[-1] == 1.0
