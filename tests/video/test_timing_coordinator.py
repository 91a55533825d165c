"""Timing coordinator: continuity, shot ids, beat snapping, hook window, captions, the agent."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from factories import make_brief, make_long_script, make_script, make_segment, make_storyboard
from video_generator.agents.timing_coordinator import TimingCoordinator, build_timing_plan
from video_generator.core.captions import MAX_CUE_MS, MIN_CUE_MS, words_of
from video_generator.core.models import SegmentType, TimingPlan, TimingRequest, Tone
from video_generator.core.pacing import MIN_SHOT_MS
from video_generator.core.quality import check_package
from video_generator.core.timeline import (
    TONE_BPM,
    BeatSnapper,
    default_pause_ms,
    split_shots,
)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def assert_continuous(plan: TimingPlan) -> None:
    cursor = 0
    for seg in plan.segments:
        assert _ms(seg.start_s) == cursor
        shots = [s for s in plan.shots if s.segment_id == seg.segment_id]
        shot_cursor = cursor
        for shot in shots:
            assert _ms(shot.start_s) == shot_cursor
            assert _ms(shot.end_s) - _ms(shot.start_s) >= MIN_SHOT_MS
            shot_cursor = _ms(shot.end_s)
        assert shot_cursor == _ms(seg.end_s)
        cursor = _ms(seg.end_s)
    assert cursor == _ms(plan.total_s)


def assert_captions_obey_rules(plan: TimingPlan, narration: dict[str, str]) -> None:
    previous_end = 0
    for n, cue in enumerate(plan.captions, 1):
        assert cue.index == n
        duration = _ms(cue.end_s) - _ms(cue.start_s)
        assert MIN_CUE_MS <= duration <= MAX_CUE_MS
        assert len(" ".join(cue.lines)) / (duration / 1000) <= 20
        assert all(len(line) <= 42 for line in cue.lines) and len(cue.lines) <= 2
        assert _ms(cue.start_s) >= previous_end
        previous_end = _ms(cue.end_s)
        seg = next(s for s in plan.segments if s.segment_id == cue.segment_id)
        assert seg.start_s <= cue.start_s and cue.end_s <= seg.end_s
    for seg_id, text in narration.items():
        said = [
            w for c in plan.captions if c.segment_id == seg_id for w in " ".join(c.lines).split()
        ]
        assert said == words_of(text)


def test_cold_brew_plan_is_continuous_and_captioned() -> None:
    script = make_script()
    plan = build_timing_plan(make_brief(), script)
    assert_continuous(plan)
    assert_captions_obey_rules(plan, {s.id: s.narration for s in script.segments})
    assert plan.words_per_minute == script.words_per_minute
    assert plan.total_s == plan.segments[-1].end_s


def test_every_segment_has_exactly_its_shots_with_the_agreed_ids() -> None:
    script = make_long_script()
    plan = build_timing_plan(make_brief(platforms=["youtube"], duration_s=200), script)
    expected = [f"{s.id}-sh{n}" for s in script.segments for n in range(1, s.shot_count + 1)]
    assert [shot.shot_id for shot in plan.shots] == expected
    # The scene designer makes the same ids from the same script, without seeing the plan.
    assert [shot.id for shot in make_storyboard(script).shots()] == expected


def test_narration_time_follows_word_counts_speech_rate_and_pauses() -> None:
    script = make_script(words_per_minute=150)
    plan = build_timing_plan(make_brief(platforms=["youtube"]), script)
    speech = [round(s.word_count * 60_000 / 150) for s in script.segments]
    assert _ms(plan.pause_s) == default_pause_ms(speech)
    for seg, said in zip(plan.segments, speech, strict=True):
        length = _ms(seg.end_s) - _ms(seg.start_s)
        # At least speech + half a pause (beat snapping may take back half), at most a beat more.
        assert said + _ms(plan.pause_s) // 2 <= length <= said + _ms(plan.pause_s) + 500 + 1
    silence = 1 - sum(speech) / _ms(plan.total_s)
    assert 0.10 <= silence <= 0.20  # research: allow 10-20% for pauses


def test_faster_speech_makes_a_shorter_plan() -> None:
    brief = make_brief()
    slow = build_timing_plan(brief, make_script(words_per_minute=130))
    fast = build_timing_plan(brief, make_script(words_per_minute=180))
    assert fast.total_s < slow.total_s


def test_split_shots_snaps_cuts_to_the_nearest_beat() -> None:
    shots = split_shots("seg-01", 3, 0, 4000, BeatSnapper(120))  # ideal cuts 1333, 2667
    assert [(_ms(s.start_s), _ms(s.end_s)) for s in shots] == [
        (0, 1500),
        (1500, 2500),
        (2500, 4000),
    ]


def test_split_shots_never_makes_a_shot_shorter_than_a_second() -> None:
    # At 70 bpm the beat nearest 1000 ms is 857 ms: snapping would leave an 857 ms shot.
    shots = split_shots("seg-01", 2, 0, 2000, BeatSnapper(70))
    assert [(_ms(s.start_s), _ms(s.end_s)) for s in shots] == [(0, 1000), (1000, 2000)]


def test_cuts_land_on_the_beat_grid_where_the_rules_allow() -> None:
    brief = make_brief(tone=Tone.ENERGETIC)
    plan = build_timing_plan(brief, make_script(words_per_minute=170))
    assert plan.beat_grid.bpm == TONE_BPM[Tone.ENERGETIC] == 128
    beats = {_ms(b) for b in plan.beat_grid.beats_s}
    assert max(beats) <= _ms(plan.total_s)
    cuts = [_ms(s.end_s) for s in plan.shots[:-1]]
    on_beat = [c for c in cuts if c in beats]
    # Off-beat cuts are the ones whose nearest beat would break a minimum (1 s shots, speech,
    # captions): the unit tests above pin that rule; here most cuts must land on a beat.
    assert len(on_beat) / len(cuts) >= 0.6


def test_beats_per_minute_follow_the_tone() -> None:
    assert set(TONE_BPM) == set(Tone)
    for tone, bpm in [(Tone.CALM, 80), (Tone.UPBEAT, 120), (Tone.ENERGETIC, 128)]:
        assert build_timing_plan(make_brief(tone=tone), make_script()).beat_grid.bpm == bpm


def test_hook_ends_inside_the_strictest_window_of_the_brief() -> None:
    script = make_script()
    short_form = build_timing_plan(make_brief(platforms=["tiktok", "youtube"]), script)
    long_form = build_timing_plan(make_brief(platforms=["youtube"]), script)
    assert short_form.segments[0].end_s <= 3.0
    # Without a 3 s platform the hook keeps its full pause.
    assert long_form.segments[0].end_s > short_form.segments[0].end_s


def test_a_hook_spoken_in_just_under_the_window_still_lands_inside_it() -> None:
    # 7 words at 145 wpm take 2.897 s: only 103 ms are left for the pause in a 3 s window.
    hook = make_segment(
        "seg-01",
        SegmentType.HOOK,
        "Your mornings deserve much better cold brew.",
        words_per_minute=145,
    )
    script = make_script(
        [hook, *make_script(words_per_minute=145).segments[1:]], words_per_minute=145
    )
    plan = build_timing_plan(make_brief(platforms=["tiktok"]), script)
    assert 2.897 <= plan.segments[0].end_s <= 3.0


def test_a_segment_too_short_for_its_captions_or_shots_is_lengthened() -> None:
    segments = [
        make_segment("seg-01", SegmentType.HOOK, "Stop.", shot_count=3),
        make_segment(
            "seg-02",
            SegmentType.CTA,
            "Incomprehensibilities notwithstanding, extraordinarily uncharacteristically.",
            shot_count=1,
            words_per_minute=190,
        ),
    ]
    script = make_script(segments, words_per_minute=190)
    plan = build_timing_plan(make_brief(platforms=["youtube"]), script)
    assert_continuous(plan)  # includes: every shot >= 1 s, so the hook is >= 3 s
    assert_captions_obey_rules(plan, {s.id: s.narration for s in segments})


def test_same_input_same_plan() -> None:
    brief, script = make_brief(), make_script()
    assert build_timing_plan(brief, script) == build_timing_plan(brief, script)


_text = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12).map(
        lambda w: w + ("." if len(w) % 5 == 0 else "")
    ),
    min_size=0,
    max_size=60,
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.tuples(_text, st.integers(1, 5)), min_size=1, max_size=8),
    wpm=st.floats(110, 190),
    tone=st.sampled_from(list(Tone)),
)
def test_any_script_gives_a_continuous_plan_with_lawful_captions(
    texts: list[tuple[str, int]], wpm: float, tone: Tone
) -> None:
    segments = [
        make_segment(
            f"seg-{i:02d}", SegmentType.POINT, text, shot_count=shots, words_per_minute=wpm
        )
        for i, (text, shots) in enumerate(texts, 1)
    ]
    script = make_script(segments, words_per_minute=wpm)
    brief = make_brief(tone=tone, platforms=["youtube"])
    plan = build_timing_plan(brief, script)
    assert_continuous(plan)
    assert_captions_obey_rules(plan, {s.id: s.narration for s in segments})
    report = check_package(brief, script, make_storyboard(script), plan, [])
    timeline_and_captions = [
        g for g in report.gates if g.gate.startswith(("timeline", "caption", "shot_ids"))
    ]
    assert all(g.passed for g in timeline_and_captions), [
        g for g in timeline_and_captions if not g.passed
    ]


async def test_agent_skill_reports_progress_and_returns_the_plan() -> None:
    agent = TimingCoordinator()
    skill = agent.get_skill("plan_timing")
    assert (agent.name, agent.default_port, skill.cache_kind) == (
        "timing_coordinator",
        10103,
        "timing",
    )
    assert skill.tags and skill.examples
    assert skill.input_model is TimingRequest and skill.output_model is TimingPlan
    reports: list[tuple[float, str]] = []

    async def progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        reports.append((fraction, message))

    brief, script = make_brief(), make_script()
    payload = TimingRequest(brief=brief, script=script).model_dump(mode="json")
    plan = await agent.run("plan_timing", payload, progress)
    assert plan == build_timing_plan(brief, script)
    assert [f for f, _ in reports] == sorted(f for f, _ in reports) and reports[-1][0] == 1.0


def test_agents_do_not_import_each_other() -> None:
    agents_dir = Path(__file__).resolve().parents[2] / "src/video_generator/agents"
    for name in ("timing_coordinator", "platform_adapter"):
        tree = ast.parse((agents_dir / f"{name}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert not any(m.startswith("video_generator.agents") for m in imported), (name, imported)
