"""The timing coordinator agent: Script -> TimingPlan (segments, shots on beats, caption cues)."""

from __future__ import annotations

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.errors import InvalidInputError
from a2a_mcp.observability import get_logger
from video_generator.core.captions import split_into_cues
from video_generator.core.models import Brief, Script, TimingPlan, TimingRequest
from video_generator.core.platforms import UnknownPlatformError, get_platform
from video_generator.core.timeline import (
    TONE_BPM,
    BeatSnapper,
    SegmentSpec,
    default_pause_ms,
    lay_out,
    speech_ms,
)

log = get_logger("timing_coordinator")


def segment_specs(script: Script, words_per_minute: float) -> list[SegmentSpec]:
    """Speech length and caption cues of every segment of the script."""
    return [
        SegmentSpec(
            id=segment.id,
            speech_ms=speech_ms(segment.word_count, words_per_minute),
            shot_count=segment.shot_count,
            cues=tuple(split_into_cues(segment.narration, words_per_minute)),
        )
        for segment in script.segments
    ]


def hook_limit_ms(brief: Brief) -> int:
    """The strictest hook window among the brief's platforms, in milliseconds."""
    try:
        windows = [get_platform(p).hook_window_s for p in brief.platforms]
    except UnknownPlatformError as exc:
        raise InvalidInputError(f"brief.platforms: {exc}") from None
    return round(min(windows) * 1000)


def build_timing_plan(brief: Brief, script: Script) -> TimingPlan:
    """Time the script: narration at the script's speech rate, pauses, shots, beats, captions."""
    wpm = script.words_per_minute
    specs = segment_specs(script, wpm)
    pause = default_pause_ms([spec.speech_ms for spec in specs])
    bpm = TONE_BPM[brief.tone]
    layout = lay_out(specs, pause_ms=pause, bpm=bpm, hook_limit_ms=hook_limit_ms(brief))
    return TimingPlan(
        words_per_minute=wpm,
        pause_s=pause / 1000,
        segments=layout.segments,
        shots=layout.shots,
        captions=layout.captions,
        beat_grid=BeatSnapper(bpm).grid(layout.total_ms),
        total_s=layout.total_s,
    )


class TimingCoordinator(Agent):
    """Times narration, shots and captions on one continuous timeline."""

    name = "timing_coordinator"
    description = (
        "Turns a script into a timing plan: narration timed from word counts and speech rate "
        "with pauses, segments and shots end to end with cuts on the music's beat grid, and "
        "caption cues within the timed-text rules (42 chars a line, 2 lines, 20 cps, 5/6-7 s)."
    )
    version = "1.0.0"
    default_port = 10103

    @skill(
        id="plan_timing",
        name="Plan timing",
        description=(
            "Script -> TimingPlan: continuous segment and shot timeline from 0, cuts snapped to "
            "the tone's beat grid, and caption cues for all narration obeying the caption rules."
        ),
        tags=("timing", "captions", "beat-grid", "subtitles", "video"),
        examples=(
            "Time this 45-second cold brew script for TikTok and Reels",
            "Make captions and a shot timeline for this script at 160 words per minute",
        ),
        cache_kind="timing",
    )
    async def plan_timing(self, request: TimingRequest, progress: Progress) -> TimingPlan:
        await progress(0.1, f"timing {len(request.script.segments)} segments")
        plan = build_timing_plan(request.brief, request.script)
        await progress(
            1.0,
            f"timed {plan.total_s:.1f} s: {len(plan.shots)} shots, {len(plan.captions)} captions",
            {"total_s": plan.total_s, "bpm": plan.beat_grid.bpm},
        )
        log.info(
            "timing planned",
            total_s=plan.total_s,
            segments=len(plan.segments),
            shots=len(plan.shots),
            captions=len(plan.captions),
        )
        return plan
