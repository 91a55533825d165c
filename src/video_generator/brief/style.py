"""Tone and style words -> the Tone and Style enums, with style inferred from cues.

Tone: a "Tone:" label, else the first tone word (or a one-letter typo of one) that is not
negated ("not too serious") and not part of the topic, key points or call to action.
Style: a "Style:" label, else the first word naming a style ("tutorial", "promo", "story"),
else the first cue ("how to" -> tutorial, "launch" -> promotional, "top 5" -> listicle,
"trend" -> viral, "how I" -> story), else an educational cue ("explain", "basics").
"""

from __future__ import annotations

import re

from video_generator.brief.lexicon import STYLE_WORDS, TONE_WORDS
from video_generator.brief.numbers import WORD_NUMBER
from video_generator.brief.text import MASK, Doc, within_one_edit
from video_generator.core.models import Style, Tone


def _words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_TONE = re.compile(rf"(?<![\w-])(?:{_words(list(TONE_WORDS))})(?=-?ish\b|(?![\w-]))")
_TONE_LABEL = re.compile(
    r"\b(?:tone|mood|vibe|vibes|feel|voice|ton|tono|stimmung)\s*[:=]\s*([^\n.;" + MASK + r"]+)"
)
_NEGATED = re.compile(
    r"\b(?:not|no|don'?t|never|without|less|avoid|nothing|nor|too)\s+(?:\w+\s+)?$"
)
_LONG_TONES = [w for w in TONE_WORDS if len(w) >= 7 and " " not in w]
_WORD = re.compile(r"[a-zà-ÿ-]{6,16}")

_STYLE = re.compile(rf"(?<![\w-])(?:{_words(list(STYLE_WORDS))})(?![\w-])")
_STYLE_LABEL = re.compile(
    r"\b(?:style|format|type|estilo|stil|genre)\s*[:=]\s*([^\n.;," + MASK + r"]+)"
)
_NUM = rf"(?:\d{{1,3}}|{WORD_NUMBER})"
_LIST_NOUNS = (
    r"reasons|tips|ways|things|mistakes|hacks|facts|ideas|signs|secrets|rules|habits|tools"
    r"|apps|books|places|foods|myths|questions|lessons|tricks|steps|products|brands|features"
    r"|benefits|destinations|recipes|exercises|items|spots|movies|songs|games|gadgets|trends"
)
# a number followed by a time unit is a length, not a list ("30 second tiktok tips")
_UNITS = r"(?:s|secs?|seconds?|mins?|minutes?|m|h|hours?)\b"
_CUES: list[tuple[Style, re.Pattern[str]]] = [
    (
        Style.TUTORIAL,
        re.compile(
            r"\bhow[\s-]to\b|\bstep[\s-]by[\s-]step\b|\bdiy\b|\bhow\s+do\s+(?:i|you)\b"
            r"|\bc[oó]mo\s+(?:hacer|preparar|usar|fazer)\b|\bcomment\s+faire\b|\bwie\s+man\b"
            r"|\bcome\s+fare\b|の作り方|の淹れ方|のやり方|怎么做|如何"
        ),
    ),
    (
        Style.STORY,
        re.compile(
            r"\bhow\s+(?:i|we)\s+\w+|\b(?:my|our)\s+journey\b|\bbehind\s+the\s+scenes\b"
            r"|\bday\s+in\s+(?:the|my)\s+life\b|\bthe\s+time\s+(?:i|we)\b|\bstor(?:y|ies)\b"
        ),
    ),
    (
        Style.PROMOTIONAL,
        re.compile(
            r"\blaunch(?:es|ed|ing)?\b|\bsales?\b|\bproducts?\b(?!\s+(?:manag|design|roadmap"
            r"|market|led|owner))|\bpromo(?:s|tion|tions|te|ting)?\b|\bads?\b|\badverts?\b"
            r"|\bdiscounts?\b|\d+\s*%\s*off\b|\bblack\s+friday\b|\bcyber\s+monday\b"
            r"|\blimited[\s-]time\b|\bfree\s+trial\b|\bsign[\s-]?ups?\b|\bpre-?orders?\b"
            r"|\bannounc(?:ing|ement)\b|\bcampaign\b|\bteaser\b|\bintroducing\b|\bour\s+new\b|\bshop\s+now\b|\bbuy\s+now\b"
        ),
    ),
    (
        Style.LISTICLE,
        re.compile(
            rf"\btop\s+{_NUM}\b|(?<![\w.,:])(?:{_NUM})\s+(?!{_UNITS})(?:[\w-]+\s+){{0,3}}"
            rf"(?:{_LIST_NOUNS})\b"
        ),
    ),
    (Style.VIRAL, re.compile(r"\btrend(?:s|ing|y)?\b|\bmemes?\b|\bchallenge\b|\bgo\s+viral\b")),
]
_EDUCATIONAL = re.compile(
    r"\bexplain(?:s|ing|er|ed)?\b|\bteach(?:es|ing)?\b|\blessons?\b|\blearn(?:ing)?\b"
    r"|\bbasics\b|\b101\b|\bguide\b|\bscience\s+of\b|\bhistory\s+of\b|\bwhat\s+is\b"
    r"|\bhow\s+\w+\s+works?\b|\bfacts?\b|\bexplicar|\bexpliquer|\berklär"
)


def _outside(pos: int, excluded: list[tuple[int, int]]) -> bool:
    return not any(start <= pos < end for start, end in excluded)


def find_tone(doc: Doc, excluded: list[tuple[int, int]]) -> Tone | None:
    """The tone asked for, or None; `excluded` are spans (topic, CTA ...) to ignore."""
    for match in _TONE_LABEL.finditer(doc.low):
        for hit in _TONE.finditer(match.group(1)):
            return TONE_WORDS[hit.group(0)]
    for match in _TONE.finditer(doc.low):
        if not _outside(match.start(), excluded):
            continue
        if _NEGATED.search(doc.low, max(0, match.start() - 25), match.start()):
            continue
        return TONE_WORDS[match.group(0)]
    for match in _WORD.finditer(doc.low):
        word = match.group(0)
        if not _outside(match.start(), excluded) or word in TONE_WORDS:
            continue
        for tone_word in _LONG_TONES:
            if tone_word not in word and word[0] == tone_word[0]:
                if within_one_edit(word, tone_word):
                    return TONE_WORDS[tone_word]
    return None


def _style_named(text: str) -> Style | None:
    text = text.strip().lower()
    for style in Style:
        if text.startswith(style.value):
            return style
    match = _STYLE.search(text)
    return STYLE_WORDS[match.group(0)] if match else None


def find_style(doc: Doc, excluded: list[tuple[int, int]]) -> tuple[Style | None, bool]:
    """The style, and whether the brief said or implied it (False: no cue at all)."""
    for match in _STYLE_LABEL.finditer(doc.low):
        named = _style_named(match.group(1))
        if named:
            return named, True
    for match in _STYLE.finditer(doc.low):
        if _outside(match.start(), excluded):
            return STYLE_WORDS[match.group(0)], True
    cues = []
    for style, pattern in _CUES:
        cue = pattern.search(doc.low)
        if cue:
            cues.append((cue.start(), style))
    if cues:
        return min(cues, key=lambda cue: cue[0])[1], True
    if _EDUCATIONAL.search(doc.low):
        return Style.EDUCATIONAL, True
    return None, False
