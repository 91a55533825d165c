"""Speak one narration with a voice (Piper or espeak-ng) and say when each word is spoken.

Word timings:
- Piper with alignments (the onnx package patches the model in memory so it reports how many
  samples each phoneme takes): each word's start and end are those of its phonemes, exact to
  Piper's hop (256 samples, 12 ms at 22.05 kHz). When espeak's phonemes do not split into as
  many words as the text has (numbers, "at once" said as one), words are laid over the phonemes
  in proportion to each word's own phoneme count: within a phoneme or two.
- espeak-ng (or Piper without alignments): the words are spread over the voiced part of the
  clip in proportion to their letters: within a few hundred milliseconds.
"""

from __future__ import annotations

import math
import re
import threading
import wave
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from video_generator.render.voices import PIPER_NATURAL_WPM, VoiceInfo

SAMPLE_RATE = 22050
MAX_WPM = 420
BASE_ESPEAK_WPM = 165
_PIPER_LOCK = threading.Lock()  # one synthesis at a time: onnxruntime already uses every core
_PUNCT = set(".,;:!?¡¿—–-…\"'()[]«»")
_SILENCE = 400  # |sample| under this (of 32767) counts as silence when finding the voiced part


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Speech:
    samples: array  # 16-bit mono at SAMPLE_RATE
    words: list[Word]  # relative to the clip's start
    aligned: bool  # True: word times from the voice's own alignment; False: estimated

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def text_words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def _letters(word: str) -> int:
    # Digits take longer to say than letters ("45" is "forty-five").
    return sum(4 if c.isdigit() else 1 for c in word if c.isalnum()) or 1


def estimate_words(words: list[str], samples: array, offset_s: float = 0.0) -> list[Word]:
    """Words spread over the voiced part of a clip in proportion to their letters."""
    if not words:
        return []
    loud = [i for i in range(0, len(samples), 64) if abs(samples[i]) > _SILENCE]
    first = loud[0] / SAMPLE_RATE if loud else 0.0
    last = loud[-1] / SAMPLE_RATE if loud else len(samples) / SAMPLE_RATE
    span = max(last - first, 0.05 * len(words))
    weights = [_letters(w) for w in words]
    total = sum(weights)
    out, cursor = [], first
    for word, weight in zip(words, weights, strict=True):
        length = span * weight / total
        out.append(Word(word, offset_s + cursor, offset_s + cursor + length * 0.92))
        cursor += length
    return out


# ---------------------------------------------------------------- Piper


@lru_cache(maxsize=4)
def _load_piper(model: str) -> Any:
    from piper import PiperVoice

    try:
        return PiperVoice.load(model, include_alignments=True)
    except Exception:  # onnx missing or the model cannot be patched: audio without alignments
        return PiperVoice.load(model)


def _phoneme_words(alignments: list[Any], offset: int) -> list[tuple[int, int, int]]:
    """(start sample, end sample, phoneme count) per word espeak's phonemes form."""
    words: list[tuple[int, int, int]] = []
    cursor = offset
    current: list[int] | None = None
    for item in alignments:
        phoneme, samples = item.phoneme, item.num_samples
        if phoneme == " " or phoneme in {"^", "$"} or phoneme in _PUNCT:
            if current is not None:
                words.append((current[0], current[1], current[2]))
                current = None
        elif phoneme not in {"ˈ", "ˌ", "ː"}:
            if current is None:
                current = [cursor, cursor + samples, 1]
            else:
                current[1], current[2] = cursor + samples, current[2] + 1
        elif current is not None:
            current[1] = cursor + samples
        cursor += samples
    if current is not None:
        words.append((current[0], current[1], current[2]))
    return words


def _phoneme_count(voice: Any, word: str) -> int:
    try:
        groups = voice.phonemize(word)
    except Exception:
        return _letters(word)
    count = sum(1 for group in groups for p in group if p not in _PUNCT and p not in " ˈˌː")
    return count or 1


def _map_words(voice: Any, words: list[str], spans: list[tuple[int, int, int]]) -> list[Word]:
    """Text words onto espeak's phoneme words: one to one when they agree, else by counts."""
    rate = SAMPLE_RATE
    if len(words) == len(spans):
        return [Word(w, s / rate, e / rate) for w, (s, e, _n) in zip(words, spans, strict=True)]
    # One timeline of phonemes; each text word takes as many as it has when said alone.
    phones: list[tuple[int, int]] = []
    for start, end, count in spans:
        step = (end - start) / count
        phones += [(round(start + i * step), round(start + (i + 1) * step)) for i in range(count)]
    counts = [_phoneme_count(voice, w) for w in words]
    total, seen, out = sum(counts), 0, []
    for word, count in zip(words, counts, strict=True):
        first = min(len(phones) - 1, round(len(phones) * seen / total))
        seen += count
        last = max(first, min(len(phones), round(len(phones) * seen / total)) - 1)
        out.append(Word(word, phones[first][0] / rate, phones[last][1] / rate))
    return out


def _piper_speak(voice: VoiceInfo, text: str, length_scale: float) -> Speech:
    from piper import SynthesisConfig

    model = _load_piper(str(voice.model))
    config = SynthesisConfig(length_scale=length_scale)
    samples = array("h")
    spans: list[tuple[int, int, int]] = []
    aligned = True
    chunks = list(model.synthesize(text, syn_config=config, include_alignments=True))
    for chunk in chunks:
        audio = chunk.audio_int16_array
        if chunk.sample_rate != SAMPLE_RATE:
            step = chunk.sample_rate / SAMPLE_RATE
            audio = audio[[int(i * step) for i in range(int(len(audio) / step))]]
            aligned = False
        if chunk.phoneme_alignments and aligned:
            spans += _phoneme_words(chunk.phoneme_alignments, len(samples))
        else:
            aligned = False
        samples.frombytes(audio.tobytes())
    words = text_words(text)
    if aligned and spans:
        return Speech(samples, _map_words(model, words, spans), True)
    return Speech(samples, estimate_words(words, samples), False)


def _duration_factor(scale: float) -> float:
    """How much longer speech is at length_scale `scale` than at 1.0. Not proportional: pauses
    and the model's padding do not stretch (measured on the joe voice from 0.6 to 1.5)."""
    return 0.2 + 0.8 * scale


def _scale_for(factor: float) -> float:
    return min(1.8, max(0.4, (factor - 0.2) / 0.8))


def piper_length_scale(wpm: float) -> float:
    """Piper's length_scale for a pace in words a minute (1.0 is the voice's own pace)."""
    return _scale_for(PIPER_NATURAL_WPM / max(wpm, 60.0))


_SPOKEN: dict[tuple[str, str, float, float], Speech] = {}
_SPOKEN_MAX = 256


# Piper's duration predictor samples noise, so one length_scale gives lengths a few percent
# apart from run to run: a line that overran its slot is sped up again, up to this many times.
_FIT_ATTEMPTS = 3


def speak_piper(voice: VoiceInfo, text: str, wpm: float, slot_s: float) -> Speech:
    """At the script's pace; faster if that overruns the slot (aiming at 92% of it, again from
    what was measured while a take still overruns, at most _FIT_ATTEMPTS times).

    Remembered per process: platforms of one render share the narration (and its timings).
    """
    key = (voice.name, text, round(wpm, 2), round(slot_s, 3))
    with _PIPER_LOCK:
        if key in _SPOKEN:
            return _SPOKEN[key]
        scale = piper_length_scale(wpm)
        speech = _piper_speak(voice, text, scale)
        for _ in range(_FIT_ATTEMPTS):
            if speech.seconds <= slot_s * 0.98 or scale <= 0.4:
                break
            scale = _scale_for(_duration_factor(scale) * slot_s * 0.92 / speech.seconds)
            speech = _piper_speak(voice, text, scale)
        if len(_SPOKEN) >= _SPOKEN_MAX:
            _SPOKEN.pop(next(iter(_SPOKEN)))
        _SPOKEN[key] = speech
    return speech


# ---------------------------------------------------------------- espeak-ng


def read_wav(path: Path) -> array:
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        samples = array("h")
        samples.frombytes(handle.readframes(handle.getnframes()))
        rate = handle.getframerate()
    if rate != SAMPLE_RATE:  # resample by nearest sample
        step = rate / SAMPLE_RATE
        samples = array("h", (samples[int(i * step)] for i in range(int(len(samples) / step))))
    return samples


def espeak_wpm(text: str, wpm: float, slot_s: float) -> int:
    """The script's pace, but fast enough for the words to fit 90% of the slot."""
    words = max(1, len(text.split()))
    return min(MAX_WPM, max(round(wpm), math.ceil(words * 60 / (slot_s * 0.9))))


_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
