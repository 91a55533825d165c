"""The brief as the parser sees it: normalised text, bullet lines, and masks over read spans.

Each extractor masks what it has read, so later ones (topic last) see only what is left.
Masked characters show as MASK in `view`, a non-word character that ends every phrase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from video_generator.brief.lexicon import ACRONYMS, LOWERABLE_OPENERS

MASK = "\x00"

_TRANSLATE = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "…": "...",
        "、": ",",
        "。": ". ",
        "\u00a0": " ",
        "\t": " ",
        "\r": "\n",
        "™": "",
        "®": "",
        "©": "",
    }
)

# Typographic bullets and list numbers at the start of a line ("- ", "• ", "1. ", "2) ").
_BULLET = re.compile(r"^(?:[-*•·>→]+|\(?\d{1,2}[.)]|[a-h]\))\s+")
_SPACES = re.compile(r"[ ]{2,}")
_CASED_SPLIT = re.compile(r"(\w[\w'&+.-]*)")


def _clean_char(ch: str) -> str:
    if ch == "\n":
        return ch
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return " "
    if cat in ("Cf", "Mn") and not ch.isalnum():
        # zero-width joiners, variation selectors, bidi marks: glue inside emoji sequences
        return ""
    if cat in ("So", "Sk", "Cs", "Co", "Cn"):
        # emoji and pictographs end a phrase the way punctuation does
        return MASK
    return ch


def _lower_same_length(text: str) -> str:
    """Lower case that keeps every index (a few letters grow when lowered; keep those)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass
class Span:
    start: int
    end: int
    kind: str


@dataclass
class Doc:
    """Normalised brief text with masks; `view` is the lower-case text with masks applied."""

    text: str
    bullets: list[tuple[int, int]] = field(default_factory=list)
    all_caps: bool = False

    def __post_init__(self) -> None:
        self.low = _lower_same_length(self.text)
        self.masked = bytearray(1 if ch == MASK else 0 for ch in self.text)
        self.spans: list[Span] = []
        self._chars = list(self.low)
        self._view: str | None = None

    @property
    def view(self) -> str:
        if self._view is None:
            self._view = "".join(self._chars)
        return self._view

    def mask(self, start: int, end: int, kind: str) -> None:
        if end <= start:
            return
        self.masked[start:end] = b"\x01" * (end - start)
        self._chars[start:end] = MASK * (end - start)
        self.spans.append(Span(start, end, kind))
        self._view = None

    def is_free(self, start: int, end: int) -> bool:
        return not any(self.masked[start:end])

    def sentence_start(self, pos: int) -> bool:
        """Whether nothing but masks, spaces and punctuation precede pos in its sentence."""
        before = self.view[:pos]
        cut = max(before.rfind("\n"), before.rfind(". "), before.rfind("! "), before.rfind("? "))
        return not re.search(r"\w", before[cut + 1 :])


def normalise(raw: str) -> Doc:
    """Unicode-normalise, straighten quotes, turn emoji into masks, and find bullet lines."""
    text = unicodedata.normalize("NFKC", raw).translate(_TRANSLATE)
    text = "".join(_clean_char(ch) for ch in text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    emoji_led = sum(1 for line in lines if line.startswith(MASK))
    out: list[str] = []
    bullets: list[tuple[int, int]] = []
    offset = 0
    for line in lines:
        if not line:
            continue
        marker = _BULLET.match(line)
        is_bullet = marker is not None
        if marker:
            line = line[marker.end() :]
        elif emoji_led >= 2 and line.startswith(MASK):
            # "✅ Topic: ..." on several lines: emoji used as bullets
            line = line.lstrip(MASK + " ")
            is_bullet = True
        if is_bullet and line:
            bullets.append((offset, offset + len(line)))
        out.append(line)
        offset += len(line) + 1
    joined = "\n".join(out)
    letters = [c for c in joined if c.isalpha() and c.upper() != c.lower()]
    upper = sum(1 for c in letters if c.isupper())
    all_caps = len(letters) >= 8 and upper >= 0.85 * len(letters)
    return Doc(text=joined, bullets=bullets, all_caps=all_caps)


_EDGE = " \t\n,.;:!?-\"'[]{}*_~|/\\" + MASK


def clean_phrase(phrase: str) -> str:
    """Trim a phrase read from the brief: no masks, edge punctuation or unmatched brackets."""
    phrase = re.sub(r"\s+", " ", phrase.replace(MASK, " ")).strip()
    while True:
        before = phrase
        phrase = phrase.strip(_EDGE)
        if phrase.endswith(")") and phrase.count("(") < phrase.count(")"):
            phrase = phrase[:-1]
        if phrase.startswith("(") and phrase.count("(") > phrase.count(")"):
            phrase = phrase[1:]
        if phrase == before:
            break
    if phrase.count('"') % 2:
        phrase = phrase.replace('"', "")
    return phrase.strip()


def recase(phrase: str, all_caps: bool, at_sentence_start: bool = False) -> str:
    """Undo shouting in an ALL CAPS brief (keeping acronyms); lower a capitalised opener."""
    if all_caps:

        def fix(match: re.Match[str]) -> str:
            word = match.group(1)
            low = word.lower()
            if low in ACRONYMS or re.fullmatch(r"[a-z]?\d+[a-z]{0,2}", low):
                return word.upper() if low in ACRONYMS else low
            return "I" if low == "i" else low

        return _CASED_SPLIT.sub(fix, phrase)
    if at_sentence_start:
        first, _, rest = phrase.partition(" ")
        if first[:1].isupper() and first[1:].islower() and first.lower() in LOWERABLE_OPENERS:
            return (first.lower() + " " + rest).strip()
    return phrase


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one insertion, deletion, change or swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]
