"""The voice-over: espeak-ng speaks each segment's narration; the clips are laid on one track."""

from __future__ import annotations

import asyncio
import math
import wave
from array import array
from pathlib import Path

from video_generator.render.timeline import FPS, TextSpan, Timeline
from video_generator.render.tools import espeak_exe, run_tool

SAMPLE_RATE = 22050  # espeak-ng's own rate: no resampling until ffmpeg's final pass
BASE_WPM = 165
MAX_WPM = 420
ESPEAK_TIMEOUT_S = 60.0
NO_VOICE_WARNING = (
    "espeak-ng is not installed, so the preview is silent; install it (Debian/Ubuntu: "
    "`apt-get install espeak-ng`, macOS: `brew install espeak-ng`) for a voice-over"
)


def espeak_voice(language: str) -> str:
    lang = (language or "en").lower()
    return "en-us" if lang in {"en", "en-us"} else lang


def _read(path: Path) -> array:
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        samples = array("h")
        samples.frombytes(handle.readframes(handle.getnframes()))
        rate = handle.getframerate()
    if rate != SAMPLE_RATE:  # espeak-ng builds with another rate: resample by nearest sample
        step = rate / SAMPLE_RATE
        samples = array("h", (samples[int(i * step)] for i in range(int(len(samples) / step))))
    return samples


async def _speak(exe: str, span: TextSpan, voice: str, work: Path, platform: str) -> array:
    text_file = work / f"{span.key}.txt"
    text_file.write_text(span.text, encoding="utf-8")
    slot_s = span.frames / FPS
    words = max(1, len(span.text.split()))
    # Fast enough for the words to fit 90% of the slot, never slower than a natural pace.
    wpm = min(MAX_WPM, max(BASE_WPM, math.ceil(words * 60 / (slot_s * 0.9))))
    samples = array("h")
    for _attempt in range(2):
        out = work / f"{span.key}.wav"
        await run_tool(
            [exe, "-v", voice, "-s", str(wpm), "-w", str(out), "-f", str(text_file)],
            step=f"voice-over ({span.key})",
            platform=platform,
            timeout_s=ESPEAK_TIMEOUT_S,
        )
        samples = await asyncio.to_thread(_read, out)
        spoken_s = len(samples) / SAMPLE_RATE
        if spoken_s <= slot_s or wpm >= MAX_WPM:
            break
        wpm = min(MAX_WPM, math.ceil(wpm * spoken_s / (slot_s * 0.95)))
    return samples


async def build_voice_track(timeline: Timeline, work: Path) -> tuple[Path, bool, list[str]]:
    """One mono WAV as long as the cut: each segment's narration at its start, silence between.

    Returns (wav, voiced, warnings). Without espeak-ng the track is silent and a warning says
    how to install it. A narration still too long for its slot is cut at the next one's start.
    """
    await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
    total = round(timeline.total_frames * SAMPLE_RATE / FPS)
    track = array("h", bytes(2 * total))
    warnings: list[str] = []
    exe = espeak_exe()
    voiced = False
    if exe is None:
        warnings.append(NO_VOICE_WARNING)
    elif timeline.voice:
        voice = espeak_voice(timeline.language)
        clips = await asyncio.gather(
            *(_speak(exe, span, voice, work, timeline.platform) for span in timeline.voice)
        )
        starts = [round(span.first * SAMPLE_RATE / FPS) for span in timeline.voice]
        ends = [*starts[1:], total]
        for start, end, clip in zip(starts, ends, clips, strict=True):
            room = max(0, min(end, total) - start)
            if len(clip) > room:
                clip = clip[:room]
                _fade_tail(clip, SAMPLE_RATE // 100)
            track[start : start + len(clip)] = clip
            voiced = voiced or len(clip) > 0
    path = work / "voice.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(track.tobytes())
    return path, voiced, warnings


def _fade_tail(samples: array, length: int) -> None:
    length = min(length, len(samples))
    for i in range(length):
        index = len(samples) - length + i
        samples[index] = int(samples[index] * (length - i) / length)
