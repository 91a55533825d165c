"""Quality gates: a good package passes all; each gate fails on an input crafted to break it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from factories import make_brief, make_long_script, make_package, make_script, make_segment
from video_generator.core.frame import Box, Resolution
from video_generator.core.models import CaptionCue, SegmentType, TimedSegment, VideoPackage
from video_generator.core.quality import check_package, check_package_model, describe_failures

PACKAGE_GATES = {
    "speech_rate",
    "duration_vs_target",
    "timeline_gaps_ms",
    "timeline_overlaps_ms",
    "caption_line_length",
    "caption_lines_per_cue",
    "caption_reading_speed",
    "caption_min_duration",
    "caption_max_duration",
    "caption_overlap",
    "captions_within_timeline",
    "captions_match_narration",
    "call_to_action_present",
    "segment_ids_match",
    "shot_ids_match",
    "narration_names_topic",
}
CUT_GATES = PACKAGE_GATES - {
    "speech_rate",
    "duration_vs_target",
    "segment_ids_match",
    "narration_names_topic",
} | {
    "duration_vs_platform_max",
    "hook_length",
    "captions_inside_safe_zone",
    "shots_per_minute",
    "resolution_and_aspect",
    "title_length",
    "description_length",
    "hashtag_count",
}


@pytest.fixture(scope="module")
def good() -> VideoPackage:
    return make_package()


def test_the_test_briefs_pass_every_gate(good: VideoPackage) -> None:
    assert good.quality.passed, describe_failures(good.quality)
    long_brief = make_brief(platforms=["youtube", "x", "tiktok", "linkedin"], duration_s=200)
    long_form = make_package(long_brief, make_long_script())
    assert long_form.quality.passed, describe_failures(long_form.quality)
    calm = make_package(
        make_brief(tone="calm", platforms=["instagram_feed", "youtube_shorts"]),
        make_script(words_per_minute=130),
    )
    assert calm.quality.passed, describe_failures(calm.quality)


def test_every_gate_is_reported_for_every_scope_with_value_limit_and_unit(
    good: VideoPackage,
) -> None:
    by_scope: dict[str, set[str]] = {}
    for gate in good.quality.gates:
        by_scope.setdefault(gate.scope, set()).add(gate.gate)
        assert gate.limit and gate.unit
    assert by_scope["package"] == PACKAGE_GATES
    for platform in good.brief.platforms:
        assert by_scope[platform] == CUT_GATES


def test_check_package_model_remeasures_a_saved_package(good: VideoPackage) -> None:
    reloaded = VideoPackage.model_validate_json(good.model_dump_json())
    assert check_package_model(reloaded) == good.quality


# ---------------------------------------------------------------- crafted failures

Parts = dict[str, Any]


def _cue(pkg: Parts, **update: Any) -> None:
    """Replace the first caption of the plan with a changed copy (no validation, on purpose)."""
    timing = pkg["timing"]
    first = timing.captions[0]
    bad = CaptionCue.model_construct(**{**first.model_dump(), **update})
    pkg["timing"] = timing.model_copy(update={"captions": [bad, *timing.captions[1:]]})


def _cut(pkg: Parts, **update: Any) -> None:
    pkg["cuts"] = [pkg["cuts"][0].model_copy(update=update), *pkg["cuts"][1:]]


def _timing(pkg: Parts, **update: Any) -> None:
    pkg["timing"] = pkg["timing"].model_copy(update=update)


def _shift_segment(pkg: Parts, seconds: float) -> None:
    segs = list(pkg["timing"].segments)
    s = segs[1]
    segs[1] = TimedSegment(segment_id=s.segment_id, start_s=s.start_s + seconds, end_s=s.end_s)
    _timing(pkg, segments=segs)


def _shift_shot(pkg: Parts, seconds: float) -> None:
    shots = list(pkg["timing"].shots)
    shots[1] = shots[1].model_copy(update={"start_s": shots[1].start_s + seconds})
    _timing(pkg, shots=shots)


def _filler(pkg: Parts) -> None:
    """Narration that never says what the video is about (the complaint of issue 10)."""
    filler = "First: the habit that makes it stick. Try it today and tell me how it goes."
    script = pkg["script"]
    pkg["script"] = script.model_copy(
        update={"segments": [s.model_copy(update={"narration": filler}) for s in script.segments]}
    )


def test_the_content_gate_reads_topic_and_key_points() -> None:
    from video_generator.core.quality import names

    assert names("dogs", "Here is my dog.")
    assert names("how vaccines train the immune system", "Your immune system learns.")
    assert not names("how vaccines train the immune system", "Try it today, it sticks.")
    assert not names("cold brew", "Let's talk about tea.")


def _no_cta(pkg: Parts) -> None:
    script = pkg["script"]
    recap = script.segments[-1].model_copy(update={"type": SegmentType.RECAP})
    segments = [*script.segments[:-1], recap]
    pkg["script"] = script.model_copy(update={"segments": segments})


def _cta_not_said(pkg: Parts) -> None:
    pkg["brief"] = pkg["brief"].model_copy(update={"call_to_action": "use code BREW20"})


def _cut_without_cta(pkg: Parts) -> None:
    cut = pkg["cuts"][0]
    _cut(pkg, kept_segments=cut.kept_segments[:-1])


def _rename_board_shot(pkg: Parts) -> None:
    board = pkg["storyboard"]
    scene = board.scenes[0]
    shots = [scene.shots[0].model_copy(update={"id": "seg-01-sh9"}), *scene.shots[1:]]
    scenes = [scene.model_copy(update={"shots": shots}), *board.scenes[1:]]
    pkg["storyboard"] = board.model_copy(update={"scenes": scenes})


def _swap_timing_segments(pkg: Parts) -> None:
    segs = list(pkg["timing"].segments)
    segs[0] = segs[0].model_copy(update={"segment_id": "seg-99"})
    _timing(pkg, segments=segs)


def _too_fast(pkg: Parts) -> None:
    words = 400  # 400 words in a 2.55 s hook slot
    seg = pkg["script"].segments[0].model_copy(update={"word_count": words})
    pkg["script"] = pkg["script"].model_copy(
        update={"segments": [seg, *pkg["script"].segments[1:]]}
    )


CRAFTED: list[tuple[str, str, Callable[[Parts], None]]] = [
    ("speech_rate", "package", lambda p: _timing(p, words_per_minute=220)),
    ("speech_rate", "package", lambda p: _timing(p, words_per_minute=90)),
    ("speech_rate", "package", _too_fast),
    ("duration_vs_target", "package", lambda p: p.update(brief=make_brief(duration_s=90))),
    ("timeline_gaps_ms", "package", lambda p: _shift_segment(p, 0.25)),
    ("timeline_gaps_ms", "package", lambda p: _timing(p, total_s=p["timing"].total_s + 1)),
    ("timeline_overlaps_ms", "package", lambda p: _shift_segment(p, -0.25)),
    ("timeline_overlaps_ms", "package", lambda p: _shift_shot(p, -0.1)),
    ("timeline_gaps_ms", "package", lambda p: _shift_shot(p, 0.1)),
    ("caption_line_length", "package", lambda p: _cue(p, lines=["x" * 43])),
    ("caption_lines_per_cue", "package", lambda p: _cue(p, lines=["a", "b", "c"])),
    ("caption_lines_per_cue", "package", lambda p: _cue(p, lines=["a", " "])),
    ("caption_reading_speed", "package", lambda p: _cue(p, lines=["x" * 40, "y" * 40], end_s=2)),
    ("caption_min_duration", "package", lambda p: _cue(p, lines=["Hi."], end_s=0.5)),
    ("caption_max_duration", "package", lambda p: _cue(p, end_s=7.5)),
    ("caption_overlap", "package", lambda p: _cue(p, end_s=p["timing"].captions[1].start_s + 0.2)),
    ("captions_within_timeline", "package", lambda p: _timing(p, total_s=1.0)),
    ("captions_match_narration", "package", lambda p: _cue(p, lines=["Busy mornings need tea."])),
    ("call_to_action_present", "package", _no_cta),
    ("call_to_action_present", "package", _cta_not_said),
    ("narration_names_topic", "package", _filler),
    ("segment_ids_match", "package", _swap_timing_segments),
    ("shot_ids_match", "package", _rename_board_shot),
    ("duration_vs_platform_max", "tiktok", lambda p: _cut(p, duration_s=601)),
    ("hook_length", "tiktok", lambda p: _cut(p, hook_end_s=3.5)),
    ("timeline_gaps_ms", "tiktok", lambda p: _cut(p, duration_s=p["cuts"][0].duration_s + 2)),
    (
        "captions_inside_safe_zone",
        "tiktok",
        lambda p: _cut(p, caption_box=Box(x=60, y=1500, width=840, height=120)),
    ),
    (
        "captions_inside_safe_zone",
        "tiktok",
        lambda p: _cut(p, caption_box=Box(x=0, y=1300, width=1080, height=120)),
    ),
    ("shots_per_minute", "tiktok", lambda p: _cut(p, shots=p["cuts"][0].shots[:5])),
    ("call_to_action_present", "tiktok", _cut_without_cta),
    (
        "resolution_and_aspect",
        "tiktok",
        lambda p: _cut(p, resolution=Resolution(width=1920, height=1080)),
    ),
    ("resolution_and_aspect", "tiktok", lambda p: _cut(p, aspect="16:9")),
    ("title_length", "tiktok", lambda p: _cut(p, title="t" * 101)),
    ("title_length", "tiktok", lambda p: _cut(p, title="")),
    ("description_length", "tiktok", lambda p: _cut(p, description="d" * 4001)),
    ("hashtag_count", "tiktok", lambda p: _cut(p, hashtags=["#coldbrew"])),
    ("hashtag_count", "tiktok", lambda p: _cut(p, hashtags=[f"#t{i}" for i in range(6)])),
    ("hashtag_count", "tiktok", lambda p: _cut(p, description="no tags here")),
    ("shot_ids_match", "tiktok", lambda p: _cut(p, shots=p["cuts"][0].shots[::-1])),
    ("caption_line_length", "tiktok", lambda p: _cut(p, captions=[_long_line_cue(p)])),
]


def _long_line_cue(pkg: Parts) -> CaptionCue:
    first = pkg["cuts"][0].captions[0]
    return first.model_copy(update={"lines": ["z" * 50]})


@pytest.mark.parametrize(
    ("gate", "scope", "craft"), CRAFTED, ids=[f"{g}-{s}-{i}" for i, (g, s, _) in enumerate(CRAFTED)]
)
def test_each_gate_fails_on_a_crafted_bad_input(
    good: VideoPackage, gate: str, scope: str, craft: Callable[[Parts], None]
) -> None:
    parts: Parts = {
        "brief": good.brief,
        "script": good.script,
        "storyboard": good.storyboard,
        "timing": good.timing,
        "cuts": list(good.cuts),
    }
    craft(parts)
    report = check_package(**parts)
    assert not report.passed
    failed = {(g.gate, g.scope) for g in report.failures()}
    assert (gate, scope) in failed, describe_failures(report)
    line = next(x for x in describe_failures(report) if x.startswith(f"{gate} [{scope}]"))
    assert "limit" in line


def test_every_gate_in_the_list_has_a_crafted_failure() -> None:
    crafted = {g for g, _, _ in CRAFTED}
    assert crafted >= PACKAGE_GATES | CUT_GATES


def test_speech_rate_reads_the_fastest_segment() -> None:
    pkg = make_package()
    gate = next(g for g in pkg.quality.gates if g.gate == "speech_rate")
    assert gate.value == 150 and gate.limit == "110..190" and gate.unit == "wpm"


def test_a_hook_segment_cannot_hide_a_missing_cta() -> None:
    segments = [
        make_segment("seg-01", SegmentType.HOOK, "Cold brew, fast."),
        make_segment("seg-02", SegmentType.POINT, "Mix, steep, strain, and enjoy it cold."),
    ]
    pkg = make_package(make_brief(duration_s=8), make_script(segments))
    failed = {(g.gate, g.scope) for g in pkg.quality.failures()}
    assert ("call_to_action_present", "package") in failed
    assert ("call_to_action_present", "tiktok") in failed
