"""A platform cut as frame-exact spans: shots with motion and transitions, captions, voice slots."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from video_generator.core.models import (
    CameraMovement,
    PlatformCut,
    Shot,
    ShotType,
    Transition,
    VideoPackage,
)
from video_generator.render.errors import RenderError

FPS = 30
DRAFT_SHORT_SIDE = 540
# How far a push-in travels, and the overscan a pan or tilt slides its window across. The
# stills keep their text inside what every window position shows (frames.MOTION_EDGE).
ZOOM = 1.08


class Motion(StrEnum):
    STATIC = "static"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    TILT_UP = "tilt_up"
    TILT_DOWN = "tilt_down"


# The storyboard's camera move when a still can show it; otherwise a move that suits the shot
# type (wide shots pan, close ones push in), so no preview shot sits dead still.
_CAMERA_MOTION = {
    CameraMovement.PUSH_IN: Motion.PUSH_IN,
    CameraMovement.PULL_OUT: Motion.PULL_OUT,
    CameraMovement.PAN_LEFT: Motion.PAN_LEFT,
    CameraMovement.PAN_RIGHT: Motion.PAN_RIGHT,
    CameraMovement.TILT_UP: Motion.TILT_UP,
    CameraMovement.TILT_DOWN: Motion.TILT_DOWN,
    CameraMovement.TRACKING: Motion.PAN_RIGHT,
}
_TYPE_MOTION = {
    ShotType.EXTREME_WIDE: Motion.PAN_RIGHT,
    ShotType.WIDE: Motion.PAN_LEFT,
    ShotType.MEDIUM: Motion.PUSH_IN,
    ShotType.CLOSE_UP: Motion.PUSH_IN,
    ShotType.EXTREME_CLOSE_UP: Motion.PUSH_IN,
    ShotType.OVER_THE_SHOULDER: Motion.PAN_RIGHT,
    ShotType.POV: Motion.PUSH_IN,
    ShotType.OVERHEAD: Motion.TILT_DOWN,
    ShotType.INSERT: Motion.PUSH_IN,
    ShotType.TEXT_CARD: Motion.PUSH_IN,
}

# Transition into the next shot -> (xfade transition, seconds); None is a hard cut.
_XFADE: dict[Transition, tuple[str, float] | None] = {
    Transition.CUT: None,
    Transition.MATCH_CUT: None,
    Transition.CROSSFADE: ("fade", 0.5),
    Transition.FADE_TO_BLACK: ("fadeblack", 0.6),
    Transition.WHIP_PAN: ("slideleft", 0.25),
    Transition.SLIDE: ("slideleft", 0.4),
    Transition.ZOOM: ("zoomin", 0.4),
}


def motion_for(shot: Shot) -> Motion:
    return _CAMERA_MOTION.get(shot.camera_movement) or _TYPE_MOTION.get(shot.type, Motion.PUSH_IN)


@dataclass(frozen=True)
class ShotSpan:
    """One shot on the cut's frame grid, with the overlap its transitions need on each side.

    The shot owns frames [first, first + frames) of the output. A transition of 2k frames into
    the next shot is centred on the boundary: this shot's stream runs k frames past it (pad_after)
    and the next one starts k frames early (pad_before), so the cut's timing is kept exactly.
    """

    shot: Shot
    index: int
    first: int
    frames: int
    pad_before: int
    pad_after: int
    xfade: str | None  # transition into the next shot; None: hard cut
    xfade_frames: int
    motion: Motion

    @property
    def stream_frames(self) -> int:
        return self.pad_before + self.frames + self.pad_after


@dataclass(frozen=True)
class TextSpan:
    """Something shown or spoken from frame `first` for `frames` frames."""

    first: int
    frames: int
    text: str
    key: str


@dataclass(frozen=True)
class Timeline:
    platform: str
    width: int
    height: int
    total_frames: int
    shots: list[ShotSpan]
    captions: list[TextSpan]
    voice: list[TextSpan]
    fade_out_frames: int
    language: str
    words_per_minute: float = 150.0  # the script's pace: the voice speaks at it

    @property
    def duration_s(self) -> float:
        return self.total_frames / FPS


def frame(seconds: float) -> int:
    return round(seconds * FPS)


def draft_size(width: int, height: int) -> tuple[int, int]:
    """The draft resolution: the short side at 540 px (540x960 for 9:16), even numbers."""
    scale = min(1.0, DRAFT_SHORT_SIDE / min(width, height))
    return _even(width * scale), _even(height * scale)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def build_timeline(pkg: VideoPackage, cut: PlatformCut, width: int, height: int) -> Timeline:
    """Lay the cut out on a 30 fps frame grid at width x height."""
    shots_by_id = {shot.id: shot for shot in pkg.storyboard.shots()}
    timed = sorted(cut.shots, key=lambda s: s.start_s)
    if not timed:
        raise RenderError("the cut has no shots", platform=cut.platform, step="timeline")
    total = frame(cut.duration_s)
    # Boundaries on the frame grid; the last shot runs to the cut's end, whatever rounding did.
    starts = [0] + [min(max(frame(s.start_s), 1), total - 1) for s in timed[1:]]
    ends = [*starts[1:], total]
    spans: list[ShotSpan] = []
    pending_pad = 0
    for index, item in enumerate(timed):
        shot = shots_by_id.get(item.shot_id)
        if shot is None:
            raise RenderError(
                f"shot {item.shot_id} is in the cut but not in the storyboard",
                platform=cut.platform,
                step="timeline",
            )
        frames = max(1, ends[index] - starts[index])
        xfade, half = None, 0
        if index + 1 < len(timed):
            spec = _XFADE.get(shot.transition)
            next_frames = max(1, ends[index + 1] - starts[index + 1])
            if spec is not None:
                # Half a transition may take at most a third of either neighbour.
                half = min(frame(spec[1]) // 2, frames // 3, next_frames // 3)
                xfade = spec[0] if half > 0 else None
        spans.append(
            ShotSpan(
                shot=shot,
                index=index,
                first=starts[index],
                frames=frames,
                pad_before=pending_pad,
                pad_after=half,
                xfade=xfade,
                xfade_frames=2 * half,
                motion=motion_for(shot),
            )
        )
        pending_pad = half
    last = spans[-1]
    fade_out = 0
    if last.shot.transition == Transition.FADE_TO_BLACK:
        fade_out = min(frame(0.5), last.frames // 3)
    captions = [
        TextSpan(
            first=frame(cue.start_s),
            frames=max(1, min(frame(cue.end_s), total) - frame(cue.start_s)),
            text=cue.text,
            key=f"cue-{cue.index:03d}",
        )
        for cue in sorted(cut.captions, key=lambda c: c.start_s)
        if frame(cue.start_s) < total
    ]
    narration = {seg.id: seg.narration for seg in pkg.script.segments}
    voice = [
        TextSpan(
            first=frame(seg.start_s),
            frames=max(1, min(frame(seg.end_s), total) - frame(seg.start_s)),
            text=narration.get(seg.segment_id, ""),
            key=seg.segment_id,
        )
        for seg in sorted(cut.segments, key=lambda s: s.start_s)
        if narration.get(seg.segment_id, "").strip() and frame(seg.start_s) < total
    ]
    return Timeline(
        platform=cut.platform,
        width=width,
        height=height,
        total_frames=total,
        shots=spans,
        captions=captions,
        voice=voice,
        fade_out_frames=fade_out,
        language=pkg.script.language or pkg.brief.language,
        words_per_minute=pkg.script.words_per_minute,
    )
