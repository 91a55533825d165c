"""Is this text in the language asked for? A small, conservative check (scripts, stop words).

It only says "wrong" when it is confident: a text in another script, or one whose common words
are plainly another language's (a model that answers in English to a Spanish brief).
"""

from __future__ import annotations

import re
import unicodedata

# Languages written in their own script: the Unicode name prefix of their letters.
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "ja": ("HIRAGANA", "KATAKANA", "CJK"),
    "zh": ("CJK",),
    "ko": ("HANGUL",),
    "ru": ("CYRILLIC",),
    "uk": ("CYRILLIC",),
    "bg": ("CYRILLIC",),
    "sr": ("CYRILLIC", "LATIN"),
    "ar": ("ARABIC",),
    "fa": ("ARABIC",),
    "ur": ("ARABIC",),
    "he": ("HEBREW",),
    "el": ("GREEK",),
    "hi": ("DEVANAGARI",),
    "mr": ("DEVANAGARI",),
    "ne": ("DEVANAGARI",),
    "bn": ("BENGALI",),
    "ta": ("TAMIL",),
    "th": ("THAI",),
}
_STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is are you your it that this for with in on be can what how "
        "not or it's they we have do just",
        "es": "el la los las de que y en un una es por para con no se lo su más pero como "
        "qué del al tu",
        "fr": "le la les de des et est un une que en pour pas qui dans sur au du vous ce avec "
        "ne se",
        "de": "der die das und ist nicht ein eine zu den mit von sie es für auf dem im du "
        "sich auch",
        "it": "il la di che e è un una per non in del della con sono le si gli ma come",
        "pt": "o a os as de que e é um uma para com não do da em no na se por mais você",
        "nl": "de het een en is van in op te dat niet met voor zijn je ook maar er",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MIN_WORDS = 8  # shorter texts are not judged
NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "hi": "Hindi",
    "pl": "Polish",
    "sv": "Swedish",
    "tr": "Turkish",
}


def language_name(code: str) -> str:
    """'es' -> 'Spanish'; an unknown code stays as it is."""
    return NAMES.get(primary(code), code)


def primary(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


def _letters_in(text: str, prefixes: tuple[str, ...]) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    inside = sum(1 for c in letters if unicodedata.name(c, "").startswith(prefixes))
    return inside / len(letters)


def _share(words: list[str], lang: str) -> float:
    stop = _STOP_WORDS[lang]
    return sum(1 for w in words if w in stop) / len(words)


def wrong_language(text: str, code: str) -> str | None:
    """None when the text may be in `code`; else what it seems to be in, for the repair."""
    lang = primary(code)
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    if lang in _SCRIPTS:
        if _letters_in(text, _SCRIPTS[lang]) < 0.5:
            return "another script"
        return None
    if _letters_in(text, ("LATIN",)) < 0.5:
        return "a non-Latin script"
    shares = {other: _share(words, other) for other in _STOP_WORDS}
    best = max(shares, key=lambda other: shares[other])
    own = shares.get(lang)
    if own is None:  # a Latin-script language without a list: only English is caught
        return "English" if best == "en" and shares["en"] >= 0.25 else None
    if best != lang and shares[best] >= 0.15 and own < shares[best] / 3:
        return language_name(best)
    return None
