"""Measurable quality gates over a video package: each gate reports its value, limit and verdict.

Pure functions of the package's parts; docs/quality.md lists every gate, its limit and why.
Scope is 'package' for the shared plan and a platform id for that platform's cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from video_generator.core.captions import (
    MAX_CHARS_PER_S,
    MAX_CUE_MS,
    MAX_LINE_CHARS,
    MAX_LINES,
    MIN_CUE_S,
    cue_chars,
    words_of,
)
from video_generator.core.models import (
    Brief,
    CaptionCue,
    GateResult,
    PlatformCut,
    QualityReport,
    Script,
    SegmentType,
    Storyboard,
    TimedSegment,
    TimedShot,
    TimingPlan,
    VideoPackage,
)
from video_generator.core.platforms import PLATFORMS

PACKAGE = "package"
SPEECH_WPM = (110.0, 190.0)
DURATION_TOLERANCE = 0.15
TIMELINE_TOLERANCE_MS = 1.0  # boundaries are whole milliseconds; allow float rounding only
MIN_CUE_MS_GATE = 833  # 5/6 s, as the rule is usually written (0.833 s)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _gate(
    gate: str,
    scope: str,
    value: float,
    limit: str,
    unit: str,
    passed: bool,
    detail: str = "",
) -> GateResult:
    return GateResult(
        gate=gate,
        scope=scope,
        value=round(value, 3),
        limit=limit,
        unit=unit,
        passed=passed,
        detail=detail,
    )


# ---------------------------------------------------------------- timeline


@dataclass
class TimelineFaults:
    """Gaps and overlaps of a timeline, in milliseconds, with a note on each."""

    gaps_ms: float = 0.0
    overlaps_ms: float = 0.0
    gap_notes: list[str] = field(default_factory=list)
    overlap_notes: list[str] = field(default_factory=list)

    def gap(self, ms: float, note: str) -> None:
        self.gaps_ms += ms
        self.gap_notes.append(note)

    def overlap(self, ms: float, note: str) -> None:
        self.overlaps_ms += ms
        self.overlap_notes.append(note)


def timeline_faults(
    segments: Sequence[TimedSegment], shots: Sequence[TimedShot], total_s: float
) -> TimelineFaults:
    """Gaps and overlaps of a timeline: segments from 0 to total_s, shots tiling each segment."""
    faults = TimelineFaults()

    def step(label: str, expected: float, start: float) -> None:
        delta = _ms(start - expected)
        if delta > TIMELINE_TOLERANCE_MS / 2:
            faults.gap(delta, f"{delta:.0f} ms gap before {label}")
        elif delta < -TIMELINE_TOLERANCE_MS / 2:
            faults.overlap(-delta, f"{-delta:.0f} ms overlap at {label}")

    cursor = 0.0
    for seg in segments:
        step(seg.segment_id, cursor, seg.start_s)
        if seg.end_s < seg.start_s:
            faults.overlap(_ms(seg.start_s - seg.end_s), f"{seg.segment_id} ends before it starts")
        seg_shots = [shot for shot in shots if shot.segment_id == seg.segment_id]
        shot_cursor = seg.start_s
        for shot in seg_shots:
            step(shot.shot_id, shot_cursor, shot.start_s)
            shot_cursor = shot.end_s
        if seg_shots:
            step(f"the end of {seg.segment_id}", shot_cursor, seg.end_s)
        else:
            faults.gap(_ms(max(0.0, seg.end_s - seg.start_s)), f"{seg.segment_id} has no shots")
        cursor = seg.end_s
    step("the end of the timeline", cursor, total_s)
    segment_ids = {seg.segment_id for seg in segments}
    orphans = [shot for shot in shots if shot.segment_id not in segment_ids]
    if orphans:
        faults.overlap(
            sum(_ms(s.end_s - s.start_s) for s in orphans),
            f"shots outside every segment: {', '.join(s.shot_id for s in orphans)}",
        )
    return faults


def _timeline_gates(
    scope: str, segments: Sequence[TimedSegment], shots: Sequence[TimedShot], total_s: float
) -> list[GateResult]:
    faults = timeline_faults(segments, shots, total_s)
    limit = f"<= {TIMELINE_TOLERANCE_MS:g}"
    return [
        _gate(
            "timeline_gaps_ms",
            scope,
            faults.gaps_ms,
            limit,
            "ms",
            faults.gaps_ms <= TIMELINE_TOLERANCE_MS,
            "; ".join(faults.gap_notes),
        ),
        _gate(
            "timeline_overlaps_ms",
            scope,
            faults.overlaps_ms,
            limit,
            "ms",
            faults.overlaps_ms <= TIMELINE_TOLERANCE_MS,
            "; ".join(faults.overlap_notes),
        ),
    ]


# ---------------------------------------------------------------- captions


def _duration_ms(cue: CaptionCue) -> int:
    return round(_ms(cue.end_s - cue.start_s))


def _worst(
    cues: Sequence[CaptionCue], measure: Callable[[CaptionCue], float], *, least: bool = False
) -> tuple[float, CaptionCue | None]:
    """The worst value of measure over the cues, and the cue that has it."""
    if not cues:
        return 0.0, None
    worst = (min if least else max)(cues, key=measure)
    return measure(worst), worst


def _caption_gates(
    scope: str, cues: Sequence[CaptionCue], narration: Iterable[tuple[str, str]], total_s: float
) -> list[GateResult]:
    cues = sorted(cues, key=lambda c: c.index)

    def at(cue: CaptionCue | None) -> str:
        return f"cue {cue.index} at {cue.start_s:.3f} s: {cue.text!r}" if cue else "no cues"

    line_len, c1 = _worst(cues, lambda c: max((len(line) for line in c.lines), default=0))
    lines, c2 = _worst(cues, lambda c: len(c.lines))
    cps, c3 = _worst(cues, lambda c: cue_chars(c.lines) / (max(_duration_ms(c), 1) / 1000))
    shortest, c4 = _worst(cues, _duration_ms, least=True)
    longest, c5 = _worst(cues, _duration_ms)

    overlap = 0.0
    overlap_notes = []
    for before, after in itertools.pairwise(cues):
        if after.start_s < before.end_s:
            overlap += _ms(before.end_s - after.start_s)
            overlap_notes.append(f"cues {before.index} and {after.index}")

    outside = sum(_ms(max(0.0, c.end_s - total_s)) for c in cues)

    expected = {seg_id: words_of(text) for seg_id, text in narration}
    heard: dict[str, list[str]] = {seg_id: [] for seg_id in expected}
    for cue in cues:
        heard.setdefault(cue.segment_id or "", []).extend(words_of(" ".join(cue.lines)))
    mismatched = sorted(seg for seg in heard if heard[seg] != expected.get(seg, []))

    return [
        _gate(
            "caption_line_length",
            scope,
            line_len,
            f"<= {MAX_LINE_CHARS}",
            "chars",
            line_len <= MAX_LINE_CHARS,
            at(c1),
        ),
        _gate(
            "caption_lines_per_cue",
            scope,
            lines,
            f"<= {MAX_LINES}",
            "lines",
            lines <= MAX_LINES and all(all(line.strip() for line in c.lines) for c in cues),
            at(c2),
        ),
        _gate(
            "caption_reading_speed",
            scope,
            cps,
            f"<= {MAX_CHARS_PER_S:g}",
            "chars/s",
            cps <= MAX_CHARS_PER_S + 1e-9,
            at(c3),
        ),
        _gate(
            "caption_min_duration",
            scope,
            shortest / 1000,
            f">= {MIN_CUE_S:.3f}",
            "s",
            not cues or shortest >= MIN_CUE_MS_GATE,
            at(c4),
        ),
        _gate(
            "caption_max_duration",
            scope,
            longest / 1000,
            f"<= {MAX_CUE_MS / 1000:g}",
            "s",
            longest <= MAX_CUE_MS,
            at(c5),
        ),
        _gate(
            "caption_overlap",
            scope,
            overlap,
            f"<= {TIMELINE_TOLERANCE_MS:g}",
            "ms",
            overlap <= TIMELINE_TOLERANCE_MS,
            "; ".join(overlap_notes),
        ),
        _gate(
            "captions_within_timeline",
            scope,
            outside,
            f"<= {TIMELINE_TOLERANCE_MS:g}",
            "ms",
            outside <= TIMELINE_TOLERANCE_MS,
            f"timeline ends at {total_s:.3f} s",
        ),
        _gate(
            "captions_match_narration",
            scope,
            len(mismatched),
            "== 0",
            "segments",
            not mismatched,
            f"differ: {', '.join(mismatched)}" if mismatched else "every word captioned in order",
        ),
    ]


# ---------------------------------------------------------------- package-level gates


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _speech_rate(script: Script, timing: TimingPlan) -> GateResult:
    words = {s.id: s.word_count for s in script.segments}
    fastest, where = 0.0, ""
    for seg in timing.segments:
        seconds = seg.end_s - seg.start_s
        if seconds > 0 and words.get(seg.segment_id):
            rate = words[seg.segment_id] / seconds * 60
            if rate > fastest:
                fastest, where = rate, seg.segment_id
    value = max(timing.words_per_minute, fastest)
    low, high = SPEECH_WPM
    detail = f"timed at {timing.words_per_minute:g} wpm"
    if where:
        detail += f"; {where} needs {fastest:.0f} wpm to fit its slot"
    return _gate(
        "speech_rate",
        PACKAGE,
        value,
        f"{low:g}..{high:g}",
        "wpm",
        low <= timing.words_per_minute and value <= high,
        detail,
    )


def _duration_vs_target(brief: Brief, timing: TimingPlan) -> GateResult:
    low, high = (
        brief.duration_s * (1 - DURATION_TOLERANCE),
        brief.duration_s * (1 + DURATION_TOLERANCE),
    )
    return _gate(
        "duration_vs_target",
        PACKAGE,
        timing.total_s,
        f"{low:.1f}..{high:.1f}",
        "s",
        low <= timing.total_s <= high,
        f"target {brief.duration_s:g} s ±{DURATION_TOLERANCE:.0%}",
    )


def _cta_in_script(brief: Brief, script: Script) -> GateResult:
    last = script.segments[-1]
    problems = []
    if not script.call_to_action.strip():
        problems.append("the script has no call to action")
    if last.type != SegmentType.CTA:
        problems.append(f"the last segment is a {last.type}, not a cta")
    if brief.call_to_action:
        said = _normal(" ".join([script.call_to_action, last.narration, last.on_screen_text]))
        if _normal(brief.call_to_action) not in said:
            problems.append(f"the brief's call to action {brief.call_to_action!r} is not said")
    return _gate(
        "call_to_action_present",
        PACKAGE,
        0.0 if problems else 1.0,
        "== 1",
        "present",
        not problems,
        "; ".join(problems) or f"{last.id}: {script.call_to_action}",
    )


# Words that say nothing about what a topic is ("how to ...", "a video about ...").
_NOT_CONTENT = frozenset(
    "a an the of in on at to for with and or how why what when who which is are be do does "
    "your you my our their this that these those it its about into from by vs video videos "
    "explained explaining explain guide tips short quick".split()
)


def _stem(word: str) -> str:
    """Plural and singular meet ('dogs' ~ 'dog', 'stories' ~ 'story'); nothing cleverer."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """The words of a phrase that carry its meaning, stemmed."""
    return {_stem(w) for w in re.findall(r"\w+", text.lower()) if w not in _NOT_CONTENT}


def names(phrase: str, text: str) -> bool:
    """Does text name the phrase: at least half of the phrase's content words are in it?"""
    wanted = content_words(phrase)
    return bool(wanted) and len(wanted & content_words(text)) * 2 >= len(wanted)


def _content_gate(brief: Brief, script: Script) -> GateResult:
    """The narration is about the brief: it names the topic or a key point somewhere."""
    subjects = [brief.topic, *brief.key_points]
    if not any(content_words(s) for s in subjects):
        return _gate(
            "narration_names_topic",
            PACKAGE,
            1,
            ">= 1",
            "segments",
            True,
            "the topic has no content words to look for",
        )
    naming = [seg.id for seg in script.segments if any(names(s, seg.narration) for s in subjects)]
    detail = (
        f"named in {', '.join(naming[:6])}" + (" ..." if len(naming) > 6 else "")
        if naming
        else f"the narration names neither the topic {brief.topic!r} nor any key point: it is "
        "filler; write the words yourself (--script) or use a model (docs/engines.md)"
    )
    return _gate(
        "narration_names_topic", PACKAGE, len(naming), ">= 1", "segments", bool(naming), detail
    )


def _ids_gate(
    gate: str, scope: str, expected: list[str], found: list[str], what: str
) -> GateResult:
    missing = [i for i in expected if i not in found]
    extra = [i for i in found if i not in expected]
    misplaced = 0 if missing or extra or expected == found else 1
    problems = len(missing) + len(extra) + misplaced
    notes = []
    if missing:
        notes.append(f"missing from {what}: {', '.join(missing)}")
    if extra:
        notes.append(f"not expected in {what}: {', '.join(extra)}")
    if misplaced:
        notes.append(f"{what} ids are out of order")
    return _gate(gate, scope, problems, "== 0", "ids", problems == 0, "; ".join(notes))


def _package_gates(
    brief: Brief, script: Script, storyboard: Storyboard, timing: TimingPlan
) -> list[GateResult]:
    narration = [(s.id, s.narration) for s in script.segments]
    return [
        _speech_rate(script, timing),
        _duration_vs_target(brief, timing),
        *_timeline_gates(PACKAGE, timing.segments, timing.shots, timing.total_s),
        *_caption_gates(PACKAGE, timing.captions, narration, timing.total_s),
        _cta_in_script(brief, script),
        _content_gate(brief, script),
        _ids_gate(
            "segment_ids_match",
            PACKAGE,
            [s.id for s in script.segments],
            [s.segment_id for s in timing.segments],
            "timing segments",
        ),
        _ids_gate(
            "shot_ids_match",
            PACKAGE,
            [s.id for s in storyboard.shots()],
            [s.shot_id for s in timing.shots],
            "timing shots",
        ),
    ]


# ---------------------------------------------------------------- per-cut gates


def _cut_gates(script: Script, storyboard: Storyboard, cut: PlatformCut) -> list[GateResult]:
    scope = cut.platform
    platform = PLATFORMS.get(cut.platform)
    if platform is None:
        return [_gate("platform_known", scope, 0, "in registry", "", False, "unknown platform")]
    res, zone, box = platform.resolution, platform.safe_zone, cut.caption_box
    overshoot = (
        max(0, zone.left - box.x)
        + max(0, zone.top - box.y)
        + max(0, box.x + box.width - (res.width - zone.right))
        + max(0, box.y + box.height - (res.height - zone.bottom))
    )
    kept = set(cut.kept_segments)
    narration = [(s.id, s.narration) for s in script.segments if s.id in kept]
    spm = len(cut.shots) / cut.duration_s * 60 if cut.duration_s > 0 else 0.0
    lo, hi = platform.shots_per_minute
    cta_ids = [s.id for s in script.segments if s.type == SegmentType.CTA]
    cta_last = bool(cut.kept_segments) and cut.kept_segments[-1] in cta_ids
    resolution_ok = (
        cut.resolution == res and cut.aspect == platform.aspect and cut.fps == platform.fps
    )
    tag_lo, tag_hi = platform.hashtags
    tags_placed = not platform.hashtags_in_description or all(
        tag in cut.description for tag in cut.hashtags
    )
    return [
        _gate(
            "duration_vs_platform_max",
            scope,
            cut.duration_s,
            f"<= {platform.max_duration_s:g}",
            "s",
            cut.duration_s <= platform.max_duration_s,
        ),
        _gate(
            "hook_length",
            scope,
            cut.hook_end_s,
            f"<= {platform.hook_window_s:g}",
            "s",
            cut.hook_end_s <= platform.hook_window_s,
            "end of the first segment",
        ),
        *_timeline_gates(scope, cut.segments, cut.shots, cut.duration_s),
        *_caption_gates(scope, cut.captions, narration, cut.duration_s),
        _gate(
            "captions_inside_safe_zone",
            scope,
            overshoot,
            "<= 0",
            "px",
            overshoot == 0,
            f"box {box.x},{box.y} {box.width}x{box.height} in {res.width}x{res.height}",
        ),
        _gate(
            "shots_per_minute",
            scope,
            spm,
            f"{lo:g}..{hi:g}",
            "shots/min",
            lo <= spm <= hi,
            f"{len(cut.shots)} shots in {cut.duration_s:.1f} s",
        ),
        _gate(
            "call_to_action_present",
            scope,
            1.0 if cta_last else 0.0,
            "== 1",
            "present",
            cta_last,
            "the cut ends on the call to action" if cta_last else "the cut does not end on the cta",
        ),
        _gate(
            "resolution_and_aspect",
            scope,
            1.0 if resolution_ok else 0.0,
            f"{res.width}x{res.height} {platform.aspect} {platform.fps} fps",
            "match",
            resolution_ok,
            f"cut: {cut.resolution.width}x{cut.resolution.height} {cut.aspect} {cut.fps} fps",
        ),
        _gate(
            "title_length",
            scope,
            len(cut.title),
            f"1..{platform.title_max_chars}",
            "chars",
            0 < len(cut.title) <= platform.title_max_chars,
        ),
        _gate(
            "description_length",
            scope,
            len(cut.description),
            f"<= {platform.description_max_chars}",
            "chars",
            len(cut.description) <= platform.description_max_chars,
        ),
        _gate(
            "hashtag_count",
            scope,
            len(cut.hashtags),
            f"{tag_lo}..{tag_hi}",
            "tags",
            tag_lo <= len(cut.hashtags) <= tag_hi and tags_placed,
            "" if tags_placed else "hashtags missing from the description",
        ),
        _ids_gate(
            "shot_ids_match",
            scope,
            [s.id for s in storyboard.shots() if s.segment_id in kept],
            [s.shot_id for s in cut.shots],
            "cut shots",
        ),
    ]


# ---------------------------------------------------------------- entry points


def check_package(
    brief: Brief,
    script: Script,
    storyboard: Storyboard,
    timing: TimingPlan,
    cuts: Sequence[PlatformCut],
) -> QualityReport:
    """Measure every gate on the shared plan and on each platform's cut."""
    gates = _package_gates(brief, script, storyboard, timing)
    for cut in cuts:
        gates.extend(_cut_gates(script, storyboard, cut))
    return QualityReport(passed=all(g.passed for g in gates), gates=gates)


def check_package_model(pkg: VideoPackage) -> QualityReport:
    """Re-measure a saved package (for `vidgen validate`)."""
    return check_package(pkg.brief, pkg.script, pkg.storyboard, pkg.timing, pkg.cuts)


def describe_failures(report: QualityReport) -> list[str]:
    """One line per failed gate, for people: which gate, where, the value and the limit."""
    return [
        f"{g.gate} [{g.scope}]: {g.value:g} {g.unit}, limit {g.limit}"
        + (f" ({g.detail})" if g.detail else "")
        for g in report.failures()
    ]
