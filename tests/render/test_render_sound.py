"""Voice, word timings, word-level captions and the music bed, measured on the files written."""

from __future__ import annotations

import math
import re
import wave
from array import array
from pathlib import Path

import pysubs2
import pytest
from render_support import tiny_package

from video_generator.render.ass import Box, build_ass
from video_generator.render.mix import mix_audio
from video_generator.render.preview import caption_box
from video_generator.render.probe import loudness
from video_generator.render.spans import build_timeline, draft_size
from video_generator.render.speech import SAMPLE_RATE
from video_generator.render.tools import ffmpeg_exe, run_tool
from video_generator.render.voice import build_voice_track
from video_generator.render.voices import piper_voices

needs_piper = pytest.mark.skipif(not piper_voices(), reason="no Piper voice is installed")


async def _voice_track(tmp_path: Path, platform: str = "tiktok"):
    pkg = tiny_package([platform])
    cut = pkg.cut(platform)
    timeline = build_timeline(pkg, cut, *draft_size(cut.resolution.width, cut.resolution.height))
    return timeline, cut, await build_voice_track(timeline, tmp_path / "voice")


def _voiced_span(path: Path) -> tuple[float, float]:
    """First and last sample louder than -40 dBFS, in seconds."""
    with wave.open(str(path), "rb") as handle:
        samples = array("h")
        samples.frombytes(handle.readframes(handle.getnframes()))
    loud = [i for i, v in enumerate(samples) if abs(v) > 328]
    return loud[0] / SAMPLE_RATE, loud[-1] / SAMPLE_RATE


@needs_piper
async def test_piper_speaks_by_default_and_its_words_line_up_with_the_audio(
    tmp_path: Path,
) -> None:
    timeline, _, track = await _voice_track(tmp_path)
    assert track.voiced and track.voice == "piper:en_US-joe-medium" and track.aligned
    spoken = " ".join(span.text for span in timeline.voice).split()
    assert [w.text for w in track.words] == [w for w in spoken if any(c.isalnum() for c in w)]
    starts = [w.start_s for w in track.words]
    assert starts == sorted(starts) and all(w.end_s > w.start_s for w in track.words)
    first, last = _voiced_span(track.path)
    # Piper's alignment: the first word starts where the sound does, the last ends with it.
    assert abs(track.words[0].start_s - first) <= 0.06
    assert abs(track.words[-1].end_s - last) <= 0.12
    # Every segment's words start at or after the segment's own start.
    for span in timeline.voice:
        words = span.text.split()
        match = next(w for w in track.words if w.text == words[0])
        assert match.start_s >= span.first / 30 - 1e-6


@needs_piper
async def test_speaking_rate_follows_the_scripts_words_per_minute(tmp_path: Path) -> None:
    from video_generator.render.speech import speak_piper

    voice = piper_voices()[0]
    text = "Cold brew is coffee steeped in cold water for twelve hours, then strained."
    slow = speak_piper(voice, text, 130, 60.0)
    fast = speak_piper(voice, text, 200, 60.0)
    assert slow.seconds / fast.seconds == pytest.approx(200 / 130, rel=0.15)
    squeezed = speak_piper(voice, text, 130, 3.0)  # the slot is shorter than the pace allows
    assert squeezed.seconds <= 3.0


def _event_starts_ms(subs: pysubs2.SSAFile) -> list[int]:
    return [event.start for event in subs.events]


@needs_piper
@pytest.mark.parametrize("style", ["pop", "boxed"])
async def test_ass_highlights_each_word_when_the_voice_says_it(tmp_path: Path, style: str) -> None:
    timeline, cut, track = await _voice_track(tmp_path)
    box = caption_box(timeline, cut)
    subs = pysubs2.SSAFile.from_string(
        build_ass(track.words, style, timeline.width, timeline.height, box)
    )
    # One event per word: it starts (to ASS's centisecond) when the word does.
    assert len(subs.events) == len(track.words)
    for event, word in zip(subs.events, track.words, strict=True):
        assert abs(event.start - word.start_s * 1000) <= 10
        highlighted = re.search(r"\\c&H00(?:00D8FF|44FF7A)[^}]*\}([^{]+)\{", event.text)
        assert highlighted and highlighted.group(1).lower() == word.text.lower()
        shown = re.sub(r"\{[^}]*\}", "", event.text).split()
        assert 1 <= len(shown) <= 3
    # The highlight leaves a word when the next one starts (or the page ends).
    for event, after in zip(subs.events, track.words[1:], strict=False):
        assert event.end <= after.start_s * 1000 + 10
    # Centred in the caption box, which is inside the platform's safe zone.
    x, y = map(int, re.search(r"\\pos\((\d+),(\d+)\)", subs.events[0].text).groups())
    assert box.x < x < box.x + box.width and box.y < y < box.y + box.height
    assert subs.info["PlayResX"] == str(timeline.width)


@needs_piper
async def test_karaoke_timing_adds_up_to_the_words(tmp_path: Path) -> None:
    timeline, cut, track = await _voice_track(tmp_path)
    text = build_ass(
        track.words, "karaoke", timeline.width, timeline.height, caption_box(timeline, cut)
    )
    subs = pysubs2.SSAFile.from_string(text)
    rebuilt = []
    for event in subs.events:
        clock = event.start / 1000
        for tag, cs, word in re.findall(r"\{\\(kf|k)(\d+)\}([^{]*)", event.text):
            if tag == "kf":
                rebuilt.append((word.strip(), clock))
            clock += int(cs) / 100
    assert [w for w, _ in rebuilt] == [w.text for w in track.words]
    for (_, start), word in zip(rebuilt, track.words, strict=True):
        assert abs(start - word.start_s) <= 0.03


def test_pages_break_at_sentences_and_fit_the_box() -> None:
    from video_generator.render.speech import Word

    words = [
        Word(w, i * 0.3, i * 0.3 + 0.25)
        for i, w in enumerate("Stop. This is extraordinarily good".split())
    ]
    subs = pysubs2.SSAFile.from_string(build_ass(words, "pop", 540, 960, Box(40, 650, 460, 100)))
    pages = {re.sub(r"\{[^}]*\}", "", e.text) for e in subs.events}
    assert "STOP." in pages  # a sentence ends its page
    assert all(len(p.split()) <= 3 for p in pages)


def _tone(path: Path, spans: list[tuple[float, float]], total: float, freq: float) -> Path:
    """A 16-bit mono WAV: a sine where `spans` say, silence elsewhere (a stand-in for speech)."""
    samples = array("h", bytes(2 * int(total * SAMPLE_RATE)))
    for start, end in spans:
        for i in range(int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)):
            samples[i] = int(8000 * math.sin(2 * math.pi * freq * i / SAMPLE_RATE))
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(samples.tobytes())
    return path


async def _band_rms(path: Path, start: float, end: float, band: str) -> float:
    text = await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path)),
            *("-af", f"atrim={start}:{end},{band},{band},astats=measure_perchannel=0"),
            *("-f", "null", "-"),
        ],
        step="measure",
        platform=None,
        timeout_s=60,
    )
    return float(re.findall(r"RMS level dB: (-?[\d.]+|-inf)", text)[-1])


async def make_music(path: Path, seconds: float = 5.0) -> Path:
    """A music stand-in: a 110 Hz sine (under speech's band, so the two can be told apart)."""
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-f", "lavfi", "-i", f"sine=f=110:d={seconds},volume=0.5", str(path)),
        ],
        step="make music",
        platform=None,
        timeout_s=60,
    )
    return path


async def test_music_is_ducked_under_the_voice_faded_looped_and_levelled(tmp_path: Path) -> None:
    voice = _tone(tmp_path / "voice.wav", [(3.0, 6.0)], 12.0, 1000)
    music = await make_music(tmp_path / "music.wav", 5.0)  # shorter than the cut: it loops
    sound = await mix_audio(voice, True, music, 12.0, tmp_path)
    low = "lowpass=f=250"
    open_bed = await _band_rms(sound.path, 1.5, 2.8, low)
    ducked = await _band_rms(sound.path, 3.8, 5.8, low)
    after = await _band_rms(sound.path, 7.5, 9.5, low)  # past the 5 s file: looped
    fade_in = await _band_rms(sound.path, 0.0, 0.15, low)
    fade_out = await _band_rms(sound.path, 11.8, 12.0, low)
    assert open_bed - ducked >= 6.0, (open_bed, ducked)
    assert abs(after - open_bed) <= 2.0
    assert open_bed - fade_in >= 10 and open_bed - fade_out >= 10
    # Speech stays on top of the bed while it plays.
    speech = await _band_rms(sound.path, 3.8, 5.8, "highpass=f=600")
    assert speech - ducked >= 12
    level = await loudness(sound.path)
    assert abs(level.integrated_lufs - -14) <= 0.5 and level.true_peak_dbtp <= -1.0
    assert sound.integrated_lufs == pytest.approx(level.integrated_lufs, abs=0.3)


@needs_piper
async def test_preview_with_music_voice_and_word_captions(tmp_path: Path) -> None:
    from video_generator.render import render_package
    from video_generator.render.options import RenderOptions

    music_dir = tmp_path / "music"
    music_dir.mkdir()
    await make_music(music_dir / "bed.wav", 3.0)
    pkg = tiny_package(["tiktok"])
    report = await render_package(
        pkg, tmp_path / "out", options=RenderOptions(music=music_dir, caption_style="karaoke")
    )
    item = report.get("tiktok")
    assert item.music and item.music.endswith("bed.wav") and item.voice_name
    assert item.word_timing == "aligned" and item.captions_ass is not None
    assert pysubs2.load(str(item.captions_ass)).styles.keys() == {"karaoke"}
    level = await loudness(item.preview)
    assert abs(level.integrated_lufs - -14) <= 1.0 and level.true_peak_dbtp <= -1.0


@needs_piper
def test_words_espeak_says_differently_still_get_times_in_order() -> None:
    from video_generator.render.speech import speak_piper

    # "45" is said as two words and "at once" as one: the text's words are laid over them.
    text = "Make 45 cups at once, and keep it cold."
    speech = speak_piper(piper_voices()[0], text, 165, 30.0)
    assert speech.aligned
    assert [w.text for w in speech.words] == text.split()
    starts = [w.start_s for w in speech.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert speech.words[-1].end_s <= speech.seconds
    # "45" takes longer to say than "it".
    length = {w.text: w.end_s - w.start_s for w in speech.words}
    assert length["45"] > length["it"]
