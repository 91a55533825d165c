"""The sound of a cut: the voice-over, a music bed ducked under it, levelled for social video.

1. premix (one ffmpeg pass): the voice compressed and levelled; the music looped or trimmed to
   the cut, faded in and out, set under the voice and ducked while the voice speaks
   (`sidechaincompress` keyed by the voice); both mixed.
2. the premix's loudness measured (EBU R128, `ebur128`), then one linear gain to the target
   and a limiter under the true-peak ceiling: -14 LUFS integrated, <= -1 dBTP, the level
   YouTube, TikTok, Instagram and Spotify normalise to
   (https://www.youtube.com/howyoutubeworks/ - "loudness normalization"; AES TD1008).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from video_generator.render.errors import RenderError
from video_generator.render.probe import loudness
from video_generator.render.tools import ffmpeg_exe, run_tool

TARGET_LUFS = -14.0
TRUE_PEAK_DBTP = -1.0
LIMIT_DBFS = -2.0  # the limiter works on samples; a dB of room keeps true peaks under -1 dBTP
MUSIC_UNDER_VOICE_DB = 9.0  # the bed sits this far under the voice before ducking
DUCK_RATIO = 8.0
FADE_IN_S = 1.0
FADE_OUT_S = 2.0
AUDIO_EXTENSIONS = (".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac")
# Speech peaks far above its loudness: a gentle compressor first (-24 dBFS, 4:1), then
# loudnorm, so the voice sits at -16 LUFS before the mix (docs/render.md has the numbers).
VOICE_LEVEL = (
    "acompressor=threshold=0.0625:ratio=4:attack=5:release=120,loudnorm=I=-16:TP=-1.5:LRA=11"
)


@dataclass(frozen=True)
class Mix:
    path: Path  # 48 kHz stereo WAV, as long as the cut
    music: Path | None
    integrated_lufs: float | None  # measured on the final mix; None when silent
    true_peak_dbtp: float | None


def music_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS
    )


def pick_music(path: Path, seed: str) -> Path:
    """A file as given; from a folder, one track chosen by the seed (same brief, same track)."""
    path = Path(path).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        tracks = music_files(path)
        if not tracks:
            raise RenderError(
                f"{path} holds no audio file ({', '.join(AUDIO_EXTENSIONS)}): put music in it "
                "or pass one file with --music",
                step="choose music",
            )
        digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
        return tracks[digest % len(tracks)]
    raise RenderError(
        f"--music {path}: no such file or folder; give an audio file or a folder of them",
        step="choose music",
    )


def _db(value: float) -> float:
    return 10 ** (value / 20)


def premix_filter(duration: float, voiced: bool, music_gain_db: float | None) -> str:
    """The filter graph of step 1: input 0 is the voice WAV, input 1 (when given) the music."""
    d = f"{duration:.6f}"
    voice = f"[0:a]{VOICE_LEVEL + ',' if voiced else ''}aresample=48000,pan=stereo|c0=c0|c1=c0"
    if music_gain_db is None:
        return f"{voice},apad=whole_dur={d},atrim=end={d}[mix]"
    fade_out = max(0.0, duration - FADE_OUT_S)
    music = (
        f"[1:a]aresample=48000,aformat=channel_layouts=stereo,atrim=end={d},asetpts=N/SR/TB,"
        f"apad=whole_dur={d},volume={music_gain_db:.2f}dB,"
        f"afade=t=in:d={min(FADE_IN_S, duration / 3):.3f},"
        f"afade=t=out:st={fade_out:.3f}:d={min(FADE_OUT_S, duration):.3f}[bed]"
    )
    # The voice keys the compressor: the bed drops while words are spoken, back in pauses.
    duck = (
        f"[bed][key]sidechaincompress=threshold=0.015:ratio={DUCK_RATIO:g}:attack=15:"
        f"release=350:knee=2[ducked]"
    )
    return (
        f"{voice},apad=whole_dur={d},atrim=end={d},asplit=2[vo][key];{music};{duck};"
        f"[vo][ducked]amix=inputs=2:duration=first:normalize=0[mix]"
    )


async def _run(args: list[str], step: str, platform: str | None, timeout_s: float) -> str:
    head = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats"]
    return await run_tool([*head, *args], step=step, platform=platform, timeout_s=timeout_s)


async def mix_audio(
    voice: Path,
    voiced: bool,
    music: Path | None,
    duration: float,
    work: Path,
    *,
    platform: str | None = None,
    timeout_s: float = 120.0,
) -> Mix:
    """The cut's finished sound as one WAV (see the module's docstring for the steps)."""
    premix = work / "premix.wav"
    inputs = ["-i", str(voice)]
    music_gain: float | None = None
    if music is not None:
        measured = await loudness(music, platform=platform, seconds=duration)
        if math.isinf(measured.integrated_lufs):
            raise RenderError(f"{music.name} is silent", platform=platform, step="music")
        # Before the mix the voice sits at -16 LUFS: the bed goes MUSIC_UNDER_VOICE_DB under.
        music_gain = -16.0 - MUSIC_UNDER_VOICE_DB - measured.integrated_lufs
        inputs += ["-stream_loop", "-1", "-i", str(music)]
    graph = premix_filter(duration, voiced, music_gain)
    await _run(
        [*inputs, "-filter_complex", graph, "-map", "[mix]", "-t", f"{duration:.6f}", str(premix)],
        "mix audio",
        platform,
        timeout_s,
    )
    if not voiced and music is None:
        return Mix(premix, None, None, None)
    level = await loudness(premix, platform=platform)
    if math.isinf(level.integrated_lufs):
        return Mix(premix, music, None, None)
    gain = TARGET_LUFS - level.integrated_lufs
    final = work / "mix.wav"
    await _run(
        [
            "-i",
            str(premix),
            "-af",
            f"volume={gain:.2f}dB,alimiter=limit={_db(LIMIT_DBFS):.4f}:attack=5:release=60:"
            "level=false,aresample=48000",
            str(final),
        ],
        "level audio",
        platform,
        timeout_s,
    )
    # The gain is linear and the limiter rarely acts: the premix's loudness plus the gain is
    # what the mix measures (the video's own measurement goes into the report).
    return Mix(final, music, round(level.integrated_lufs + gain, 2), None)
