"""Caption cues as SubRip (.srt) and WebVTT (.vtt) text."""

from __future__ import annotations

import html
from collections.abc import Iterable

from video_generator.core.models import CaptionCue


def _ms(seconds: float) -> int:
    # Round once, to whole milliseconds, so start and end never drift apart in the two formats.
    return max(0, round(seconds * 1000))


def _clock(seconds: float, separator: str) -> str:
    total_ms = _ms(seconds)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt_time(seconds: float) -> str:
    """hh:mm:ss,mmm (SubRip)."""
    return _clock(seconds, ",")


def vtt_time(seconds: float) -> str:
    """hh:mm:ss.mmm (WebVTT)."""
    return _clock(seconds, ".")


def cue_lines(cue: CaptionCue) -> list[str]:
    """The cue's visible lines, made safe for a line-based format.

    A blank line ends a cue in both formats and a line break inside a line would add a line,
    so breaks become spaces and empty lines are left out.
    """
    joined = (" ".join(p.strip() for p in line.splitlines() if p.strip()) for line in cue.lines)
    return [line for line in joined if line]


def _visible(cues: Iterable[CaptionCue]) -> list[tuple[CaptionCue, list[str]]]:
    return [(cue, lines) for cue in cues if (lines := cue_lines(cue))]


def to_srt(cues: Iterable[CaptionCue]) -> str:
    """SubRip text: cues numbered 1..n in the given order; cues without visible text are left out.

    SubRip has no escaping: text is written as is, except '-->' (which some parsers read as a
    timing line) becomes '->'.
    """
    blocks = []
    for number, (cue, lines) in enumerate(_visible(cues), start=1):
        text = "\n".join(line.replace("-->", "->") for line in lines)
        blocks.append(f"{number}\n{srt_time(cue.start_s)} --> {srt_time(cue.end_s)}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(cues: Iterable[CaptionCue]) -> str:
    """WebVTT text: cue ids 1..n; '&', '<', '>' escaped as the spec asks (so no '-->' in text)."""
    blocks = ["WEBVTT\n"]
    for number, (cue, lines) in enumerate(_visible(cues), start=1):
        text = "\n".join(html.escape(line, quote=False) for line in lines)
        blocks.append(f"{number}\n{vtt_time(cue.start_s)} --> {vtt_time(cue.end_s)}\n{text}\n")
    return "\n".join(blocks)
