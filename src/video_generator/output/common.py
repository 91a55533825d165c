"""Small helpers the renderers share: times as people read them, lookups into the timing plan."""

from __future__ import annotations

import re
from dataclasses import dataclass

from video_generator.core.models import Script, Segment, TimedSegment, TimedShot, VideoPackage
from video_generator.core.platforms import PLATFORMS

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def clock(seconds: float) -> str:
    """m:ss.s, e.g. 1:04.5; enough precision for an editor, short enough to scan."""
    tenths = round(seconds * 10)
    minutes, rest = divmod(tenths, 600)
    return f"{minutes}:{rest // 10:02d}.{rest % 10}"


def span(start_s: float, end_s: float) -> str:
    return f"{clock(start_s)}–{clock(end_s)} ({end_s - start_s:.1f} s)"


def words(value: str) -> str:
    """An enum value as words: 'close_up' -> 'close up'."""
    return value.replace("_", " ")


def segment_label(segment_type: str) -> str:
    """'cta' -> 'CTA', 'point' -> 'Point'."""
    return "CTA" if segment_type == "cta" else words(segment_type).capitalize()


def platform_name(platform_id: str) -> str:
    platform = PLATFORMS.get(platform_id)
    return platform.name if platform else platform_id


def hashtag(tag: str) -> str:
    tag = tag.strip()
    return tag if tag.startswith("#") else f"#{tag}"


@dataclass(frozen=True)
class Index:
    """The package's parts by id, so renderers can join script, storyboard and timing."""

    segments: dict[str, Segment]
    segment_times: dict[str, TimedSegment]
    shot_times: dict[str, TimedShot]

    @classmethod
    def of(cls, pkg: VideoPackage) -> Index:
        return cls(
            segments={s.id: s for s in pkg.script.segments},
            segment_times={t.segment_id: t for t in pkg.timing.segments},
            shot_times={t.shot_id: t for t in pkg.timing.shots},
        )

    def segment_number(self, segment_id: str) -> int | None:
        for number, seg_id in enumerate(self.segments, start=1):
            if seg_id == segment_id:
                return number
        return None


def draft_lines(script: Script) -> int:
    """How many lines of the script are generic offline filler (hook and CTA included)."""
    return sum(len(s.draft_lines) for s in script.segments)


DRAFT_NOTE = (
    "Offline draft: the lines marked draft are generic text the offline engine wrote without "
    "knowing the topic. Replace them with your own words (edit script.md, then `vidgen render "
    "DIR`; or bring a whole script with `vidgen make --script FILE`, docs/scripts.md), or plug "
    "in a model (docs/engines.md)."
)
