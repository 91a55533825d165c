"""Numbers written as words ("ninety", "forty-five", "treinta") as a regex and a reader."""

from __future__ import annotations

import re

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,  # a common misspelling
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# The numbers people use for video lengths in the other languages the parser reads.
_FOREIGN = {
    # es / pt / it / fr / de: one
    "un": 1,
    "uno": 1,
    "una": 1,
    "um": 1,
    "uma": 1,
    "une": 1,
    "ein": 1,
    "eine": 1,
    "einer": 1,
    "einem": 1,
    # two .. ten
    "dos": 2,
    "dois": 2,
    "duas": 2,
    "due": 2,
    "deux": 2,
    "zwei": 2,
    "tres": 3,
    "três": 3,
    "tre": 3,
    "trois": 3,
    "drei": 3,
    "cinco": 5,
    "cinque": 5,
    "cinq": 5,
    "fünf": 5,
    "diez": 10,
    "dez": 10,
    "dieci": 10,
    "dix": 10,
    "zehn": 10,
    "quince": 15,
    "quinze": 15,
    "quindici": 15,
    "fünfzehn": 15,
    "veinte": 20,
    "vinte": 20,
    "venti": 20,
    "vingt": 20,
    "zwanzig": 20,
    "treinta": 30,
    "trinta": 30,
    "trenta": 30,
    "trente": 30,
    "dreißig": 30,
    "dreissig": 30,
    "cuarenta": 40,
    "quarenta": 40,
    "quaranta": 40,
    "quarante": 40,
    "vierzig": 40,
    "cuarenta y cinco": 45,
    "quarenta e cinco": 45,
    "quarantacinque": 45,
    "quarante-cinq": 45,
    "quarante cinq": 45,
    "fünfundvierzig": 45,
    "cincuenta": 50,
    "cinquenta": 50,
    "cinquanta": 50,
    "cinquante": 50,
    "fünfzig": 50,
    "sesenta": 60,
    "sessenta": 60,
    "sessanta": 60,
    "soixante": 60,
    "sechzig": 60,
    "noventa": 90,
    "novanta": 90,
    "quatre-vingt-dix": 90,
    "quatre vingt dix": 90,
    "neunzig": 90,
}


def _alt(words: dict[str, int]) -> str:
    # longest first so "cuarenta y cinco" wins over "cuarenta"
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_BELOW_100 = rf"(?:(?:{_alt(_TENS)})(?:[\s-]+(?:{_alt(_UNITS)}))?|{_alt(_TEENS)}|{_alt(_UNITS)})"
WORD_NUMBER = (
    rf"(?:(?:(?:a|one|two)[\s-]+hundred(?:[\s-]+(?:and[\s-]+)?{_BELOW_100})?)"
    rf"|{_BELOW_100}|{_alt(_FOREIGN)})"
)
DIGITS = r"\d{1,7}(?:[.,]\d{1,3})?"
NUMBER = rf"(?:{DIGITS}|{WORD_NUMBER})"

_ALL = {**_UNITS, **_TEENS, **_TENS}


def read_number(text: str) -> float | None:
    """The value of a number matched by NUMBER ("1,5" and "1.5" are both one and a half)."""
    text = text.strip().lower()
    if not text:
        return None
    if text[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:[eE][+-]?\d+)?", text):
            text = text.replace(",", "")  # "1,000" and "1,000,000" group thousands
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return None
    if text in _FOREIGN:
        return float(_FOREIGN[text])
    total = 0
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if "hundred" in words:
        idx = words.index("hundred")
        head = words[:idx]
        total = 100 * (_ALL.get(head[0], 1) if head else 1)
        words = words[idx + 1 :]
    for word in words:
        if word not in _ALL:
            return None
        total += _ALL[word]
    return float(total)
