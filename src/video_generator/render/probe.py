"""What an MP4 holds, read from `ffmpeg -i` (the imageio-ffmpeg build has no ffprobe)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from video_generator.render.tools import ffmpeg_exe, run_tool

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"([\d.]+) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)(?:.*?, (\d+) Hz)?")
# The summary ebur128 prints last: "I: -16.1 LUFS" and, with peak=true, "Peak: -1.5 dBFS".
_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_TRUE_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class Probe:
    duration_s: float
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    audio_rate: int | None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


def parse_probe(text: str) -> Probe:
    """Parse the header ffmpeg prints for an input; raises ValueError without a video stream."""
    duration = _DURATION.search(text)
    video = _VIDEO.search(text)
    if duration is None or video is None:
        raise ValueError("no duration or video stream in ffmpeg's description of the file")
    hours, minutes, seconds = duration.groups()
    video_line = text[video.start() :].splitlines()[0]
    fps = _FPS.search(video_line)
    audio = _AUDIO.search(text)
    return Probe(
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        width=int(video.group(2)),
        height=int(video.group(3)),
        fps=float(fps.group(1)) if fps else 0.0,
        video_codec=video.group(1),
        audio_codec=audio.group(1) if audio else None,
        audio_rate=int(audio.group(2)) if audio and audio.group(2) else None,
    )


async def probe(path: Path, *, platform: str | None = None) -> Probe:
    """Probe a media file with the bundled ffmpeg (`ffmpeg -i FILE -f null -` reads the header)."""
    text = await run_tool(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-t", "0", "-f", "null", "-"],
        step="probe",
        platform=platform,
        timeout_s=60.0,
    )
    try:
        return parse_probe(text)
    except ValueError as exc:
        from video_generator.render.errors import RenderError

        raise RenderError(f"{path.name}: {exc}", platform=platform, step="probe") from None


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float  # EBU R128 integrated loudness; -inf for silence
    true_peak_dbtp: float


async def loudness(
    path: Path, *, platform: str | None = None, seconds: float | None = None
) -> Loudness:
    """The audio's integrated loudness and true peak, measured by ffmpeg's ebur128 filter
    (over its first `seconds` when given)."""
    limit = ["-t", f"{seconds:.3f}"] if seconds else []
    text = await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *limit, "-i", str(path)),
            *("-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"),
        ],
        step="measure loudness",
        platform=platform,
        timeout_s=120.0,
    )
    integrated, peak = _INTEGRATED.findall(text), _TRUE_PEAK.findall(text)
    if not integrated or not peak:
        from video_generator.render.errors import RenderError

        raise RenderError(f"{path.name}: no loudness summary", platform=platform, step="probe")
    return Loudness(float(integrated[-1]), float(peak[-1]))
