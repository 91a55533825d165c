"""The language the video should be in: "in Spanish", "en español", "auf Deutsch" -> BCP-47.

Read in this order: a phrase naming the language; else the brief's own script (kana -> ja,
Hangul -> ko, Han -> zh, Cyrillic -> ru, ...); else its function words when it is plainly
written in Spanish, French, German, Portuguese or Italian. None means "not said".
"""

from __future__ import annotations

import re
from collections import Counter

from video_generator.brief.text import Doc

# Names (English and native, lower case) -> BCP-47 code. Longest names are tried first.
_NAMES: dict[str, str] = {
    "english": "en",
    "british english": "en-GB",
    "uk english": "en-GB",
    "american english": "en-US",
    "us english": "en-US",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "castilian": "es",
    "mexican spanish": "es-MX",
    "latin american spanish": "es-419",
    "latam spanish": "es-419",
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "canadian french": "fr-CA",
    "québécois": "fr-CA",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "brazilian portuguese": "pt-BR",
    "brazilian": "pt-BR",
    "european portuguese": "pt-PT",
    "italian": "it",
    "italiano": "it",
    "japanese": "ja",
    "日本語": "ja",
    "korean": "ko",
    "한국어": "ko",
    "chinese": "zh",
    "mandarin": "zh",
    "mandarin chinese": "zh",
    "simplified chinese": "zh-Hans",
    "traditional chinese": "zh-Hant",
    "中文": "zh",
    "普通话": "zh",
    "cantonese": "yue",
    "hindi": "hi",
    "हिंदी": "hi",
    "arabic": "ar",
    "العربية": "ar",
    "dutch": "nl",
    "nederlands": "nl",
    "flemish": "nl-BE",
    "russian": "ru",
    "русском": "ru",
    "русский": "ru",
    "ukrainian": "uk",
    "українською": "uk",
    "polish": "pl",
    "polski": "pl",
    "turkish": "tr",
    "türkçe": "tr",
    "swedish": "sv",
    "svenska": "sv",
    "norwegian": "nb",
    "danish": "da",
    "dansk": "da",
    "finnish": "fi",
    "suomi": "fi",
    "greek": "el",
    "hebrew": "he",
    "indonesian": "id",
    "bahasa indonesia": "id",
    "malay": "ms",
    "vietnamese": "vi",
    "tiếng việt": "vi",
    "thai": "th",
    "czech": "cs",
    "romanian": "ro",
    "hungarian": "hu",
    "tagalog": "tl",
    "filipino": "fil",
    "swahili": "sw",
    "bengali": "bn",
    "urdu": "ur",
    "persian": "fa",
    "farsi": "fa",
    "catalan": "ca",
    "català": "ca",
}
_NAME_ALT = "|".join(re.escape(n) for n in sorted(_NAMES, key=len, reverse=True))
_A = r"(?<![a-z])"  # an ASCII-only word edge: "日本語で" has no \b between its characters
_Z = r"(?![a-z])"

_PHRASES = [
    # "in Spanish", "narrated in German", "en español", "auf Deutsch", "em português", ...
    re.compile(
        rf"{_A}(?:(?:narrated|spoken|voiced|written|dubbed|subtitled|translated|told|made)\s+)?"
        rf"(?:in|into|en|auf|em|in\s+het|på)\s+(?P<name>{_NAME_ALT}){_Z}"
    ),
    # "Spanish voiceover", "German-language", "a French version"
    re.compile(
        rf"{_A}(?P<name>{_NAME_ALT})[\s-]+(?:language|voice[\s-]?over|vo|narration|narrator"
        rf"|voice|audio|captions|subtitles|version|dub|speaking){_Z}"
    ),
    # "Language: es", "lang = German", "idioma: español"
    re.compile(
        rf"{_A}(?:language|lang|idioma|sprache|langue|lingua|língua)\s*[:=]\s*"
        rf"(?P<name>{_NAME_ALT}|[a-z]{{2,3}}(?:-[a-z0-9]{{2,4}})?){_Z}"
    ),
    # "日本語で", "中文", "用中文", "한국어로", "по-русски"
    re.compile(r"(?P<name>日本語|中文|普通话|한국어)(?:で|로|으로)?|(?P<ru>по-русски)"),
]

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
]

# Function words only one of these languages uses much; "de", "la", "en" are shared, so
# they are left out. A brief counts as written in a language when these clearly outnumber
# the English ones.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and for about with of to on make video how what your our this that is".split()
    ),
    "es": frozenset(
        "para sobre con los las una del que cómo como segundos minuto minutos hazme haz y".split()
    ),
    "fr": frozenset(
        "pour sur avec les une des du et secondes minute comment fais faites ton qui".split()
    ),
    "de": frozenset(
        "für über mit und der die das ein eine einen sekunden minuten wie mach erstelle zum".split()
    ),
    "pt": frozenset(
        "para sobre com uma um os do da e segundos minuto minutos como faça faz não".split()
    ),
    "it": frozenset("per su sul sulla con il gli una di e secondi minuto come fai crea".split()),
}
_WORDS = re.compile(r"[a-zà-öø-ÿ]+")


def _code(name: str) -> str:
    name = name.lower()
    if name in _NAMES:
        return _NAMES[name]
    if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,4})?", name):
        base, _, region = name.partition("-")
        return f"{base}-{region.upper()}" if len(region) == 2 else name
    return name


def find_language(doc: Doc) -> str | None:
    """The BCP-47 code of the language the brief asks for (or is written in); masks phrases."""
    found: tuple[int, str] | None = None
    for pattern in _PHRASES:
        for match in pattern.finditer(doc.view):
            if not doc.is_free(match.start(), match.end()):
                continue
            name = match.group("name") if match.groupdict().get("name") else None
            code = _code(name) if name else "ru"
            doc.mask(match.start(), match.end(), "language")
            if found is None or match.start() < found[0]:
                found = (match.start(), code)
    if found:
        return found[1]

    letters = sum(1 for c in doc.text if c.isalpha())
    kana, han = len(_KANA.findall(doc.text)), len(_HAN.findall(doc.text))
    if letters and kana + han >= 0.3 * letters:
        # Japanese mixes kana into Han; Chinese has none
        return "ja" if kana else "zh"
    for code, script in _SCRIPTS:
        if letters and len(script.findall(doc.text)) >= 0.3 * letters:
            return code

    counts: Counter[str] = Counter()
    for word in _WORDS.findall(doc.low):
        for code, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[code] += 1
    english = counts.pop("en", 0)
    if counts:
        # most_common breaks ties by insertion order, which is the dict order above
        code, hits = counts.most_common(1)[0]
        if hits >= 3 and hits > 1.5 * english:
            return code
    return None
