"""Timeline arithmetic shared by the timing coordinator and the platform adapter.

Lays segments end to end from 0, cuts each into its shots, snaps cuts to a beat grid and times
captions, all in integer milliseconds so that every boundary meets the next exactly.

Figures (documented in docs/quality.md):
- Pause after each segment: PAUSE_PER_SPEECH (core.pacing: 15/85) of the average segment's
  speech, kept within 250..1500 ms, so pauses are about PAUSE_SHARE (15%) of the running time,
  the share the script writer budgets.
- A tightened cut (to fit a platform's maximum) uses a 150 ms pause and no beat padding.
- No shot shorter than MIN_SHOT_MS (1 s); shot ids from core.pacing.shot_id.
- Beats per minute by tone: see TONE_BPM.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from video_generator.core.captions import Lines, caption_need_ms, time_cues
from video_generator.core.models import BeatGrid, CaptionCue, TimedSegment, TimedShot, Tone
from video_generator.core.pacing import MIN_SHOT_MS, PAUSE_PER_SPEECH, shot_id

MIN_PAUSE_MS = 250
MAX_PAUSE_MS = 1500  # longer silence between segments reads as dead air
TIGHT_PAUSE_MS = 150

# Music tempo that suits each tone; cuts land on its beats. House choice, common editing tempi.
TONE_BPM: dict[Tone, float] = {
    Tone.UPBEAT: 120,
    Tone.ENERGETIC: 128,
    Tone.CALM: 80,
    Tone.PROFESSIONAL: 100,
    Tone.PLAYFUL: 116,
    Tone.INSPIRATIONAL: 90,
    Tone.DRAMATIC: 72,
    Tone.HUMOROUS: 110,
    Tone.WARM: 88,
    Tone.SERIOUS: 84,
}


def speech_ms(word_count: int, words_per_minute: float) -> int:
    """How long narration of word_count words takes at the given speech rate."""
    return round(word_count * 60_000 / words_per_minute)


def default_pause_ms(speech: Sequence[int]) -> int:
    """The pause after each segment: a share of the average segment's speech, within bounds."""
    if not speech:
        return MIN_PAUSE_MS
    average = sum(speech) / len(speech)
    return min(MAX_PAUSE_MS, max(MIN_PAUSE_MS, round(PAUSE_PER_SPEECH * average)))


@dataclass(frozen=True)
class SegmentSpec:
    """What the layout needs to know about one segment."""

    id: str
    speech_ms: int
    shot_count: int
    cues: tuple[Lines, ...]


@dataclass(frozen=True)
class Layout:
    segments: list[TimedSegment]
    shots: list[TimedShot]
    captions: list[CaptionCue]
    total_ms: int

    @property
    def total_s(self) -> float:
        return self.total_ms / 1000


class BeatSnapper:
    """Nearest beat of a grid starting at 0; a cut moves to it only within half a beat."""

    def __init__(self, bpm: float) -> None:
        self.bpm = bpm
        self.beat_ms = 60_000 / bpm

    def nearest(self, t_ms: int) -> int:
        return round(round(t_ms / self.beat_ms) * self.beat_ms)

    def snap(self, t_ms: int, low: int, high: int) -> int | None:
        """The beat nearest t_ms if it lies in [low, high] and within half a beat, else None."""
        beat = self.nearest(t_ms)
        if low <= beat <= high and abs(beat - t_ms) <= self.beat_ms / 2:
            return beat
        return None

    def grid(self, total_ms: int) -> BeatGrid:
        count = math.floor(total_ms / self.beat_ms)
        beats = [round(j * self.beat_ms) / 1000 for j in range(count + 1)]
        return BeatGrid(bpm=self.bpm, offset_s=0.0, beats_s=beats)


def segment_floor_ms(spec: SegmentSpec, pause_ms: int) -> int:
    """The least a segment can last: its speech and pause, its captions, 1 s per shot."""
    return max(spec.speech_ms + pause_ms, caption_need_ms(spec.cues), spec.shot_count * MIN_SHOT_MS)


def _segment_end(
    spec: SegmentSpec,
    start: int,
    ideal_start: int,
    pause_ms: int,
    snapper: BeatSnapper,
    tight: bool,
    limit: int | None,
) -> tuple[int, int]:
    """Where a segment ends, and its unsnapped length.

    The end snaps to the beat nearest where it would end on the unsnapped timeline
    (ideal_start + length), so snapping never drifts the total by more than half a beat.
    """
    length = segment_floor_ms(spec, pause_ms)
    if limit is not None and start + length > limit:
        # The hook must land inside the platform's window: shorten its pause to what is left
        # of the window (at most the tight pause), then no beat padding.
        room = limit - start - spec.speech_ms
        length = segment_floor_ms(spec, max(0, min(pause_ms, TIGHT_PAUSE_MS, room)))
        tight = True
    if tight:
        return start + length, length
    # Snapping may take back up to half the pause, never the speech, captions or shot minimum.
    low = start + segment_floor_ms(spec, pause_ms // 2)
    target = ideal_start + length
    high = limit if limit is not None else max(target, start + length) + snapper.beat_ms
    snapped = snapper.snap(target, low, int(high))
    return (start + length if snapped is None else snapped), length


def split_shots(
    segment_id: str, count: int, start: int, end: int, snapper: BeatSnapper
) -> list[TimedShot]:
    """Cut [start, end] into count shots of near-equal length, cuts on beats where allowed."""
    cuts = [start]
    for k in range(1, count):
        ideal = start + round((end - start) * k / count)
        # Every shot keeps at least 1 s: this one, and each one still to come.
        low, high = cuts[-1] + MIN_SHOT_MS, end - (count - k) * MIN_SHOT_MS
        snapped = snapper.snap(ideal, low, high)
        cuts.append(snapped if snapped is not None else min(max(ideal, low), high))
    cuts.append(end)
    return [
        TimedShot(
            shot_id=shot_id(segment_id, n),
            segment_id=segment_id,
            start_s=cuts[n - 1] / 1000,
            end_s=cuts[n] / 1000,
        )
        for n in range(1, count + 1)
    ]


def lay_out(
    specs: Sequence[SegmentSpec],
    *,
    pause_ms: int,
    bpm: float,
    tight: bool = False,
    hook_limit_ms: int | None = None,
) -> Layout:
    """Place segments end to end from 0 with their shots and captions.

    tight: every segment gets the short pause and no beat padding (used to fit a platform).
    hook_limit_ms: the first segment should end by then (the platform's hook window).
    """
    snapper = BeatSnapper(bpm)
    segments: list[TimedSegment] = []
    shots: list[TimedShot] = []
    captions: list[CaptionCue] = []
    cursor = ideal = 0
    pause = TIGHT_PAUSE_MS if tight else pause_ms
    for position, spec in enumerate(specs):
        limit = hook_limit_ms if position == 0 else None
        end, length = _segment_end(spec, cursor, ideal, pause, snapper, tight, limit)
        ideal += length
        segments.append(TimedSegment(segment_id=spec.id, start_s=cursor / 1000, end_s=end / 1000))
        shots.extend(split_shots(spec.id, spec.shot_count, cursor, end, snapper))
        for cue in time_cues(spec.cues, cursor, spec.speech_ms, end):
            captions.append(
                CaptionCue(
                    index=len(captions) + 1,
                    start_s=cue.start_ms / 1000,
                    end_s=cue.end_ms / 1000,
                    lines=list(cue.lines),
                    segment_id=spec.id,
                )
            )
        cursor = end
    return Layout(segments=segments, shots=shots, captions=captions, total_ms=cursor)
