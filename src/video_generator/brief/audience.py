"""Who the video is for: "for busy parents", "aimed at HR managers", "Audience: home bakers"."""

from __future__ import annotations

import re

from video_generator.brief.lexicon import NOT_PEOPLE, PEOPLE, PEOPLE_SUFFIXES
from video_generator.brief.text import MASK, Doc, clean_phrase, recase

_LABEL = re.compile(
    r"(?:^|(?<=[\n.;|" + MASK + r"]))\s*(?:target\s+)?(?:audience|viewers|target|who|for"
    r"|público|publico|zielgruppe|public\s+cible|pubblico)\s*[:=]\s*"
)
_TRIGGER = re.compile(
    r"\b(?:for|aimed\s+at|targeting|targeted\s+at|geared\s+(?:towards?|to)|made\s+for"
    r"|meant\s+for|intended\s+for|directed\s+at|to\s+reach|speaking\s+to|para|pour|für)\s+"
    r"|(?<![\w.,])4\s+(?=[a-z])"
)
# "explain X to beginners": "to" names the audience only when people follow at once
_TO = re.compile(r"\bto\s+(?=(?:(?:the|my|our|your|new|young|busy|first-time)\s+)?[\w-]+)")
_TOKEN = re.compile(r"[\w'&+-]+|[^\w\s]")
# Words that end an audience phrase ("for parents about ...", "for teens in Spanish").
_STOP = frozenset(
    """about on explaining explains showing shows covering covers highlighting featuring
    using with in at during so but because to that about: and/or then please pls thanks
    sobre sur über con avec mit""".split()
)
_JOINERS = frozenset(["and", "&", "or", "y", "et", "und", "e", "ou", "o", "+", "/"])
_CLAUSES = frozenset(["who", "that", "which", "new", "starting", "looking", "trying", "que"])
_END_PUNCT = frozenset([*',.;:!?()[]{}"\n', MASK])
_GROUPS = re.compile(
    r"\bgen(?:eration)?[\s-]?(?:z|x|y|alpha)\b|\bzoomers?\b|\bmillennials?\b"
    r"|\bnight\s+owls\b|\bearly\s+birds\b|\bempty\s+nesters\b"
)


def is_people(word: str) -> bool:
    """Whether a word names people (a lexicon entry or a people-like plural)."""
    word = word.lower().strip("'")
    if word in PEOPLE:
        return True
    if word in NOT_PEOPLE or len(word) < 5:
        return False
    return word.endswith(PEOPLE_SUFFIXES)


def _phrase(doc: Doc, pos: int, strict: bool = False) -> tuple[int, int] | None:
    """The audience phrase starting at pos, if it names people; (start, end) in the text."""
    view = doc.view
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(view, pos, pos + 300)]
    kept: list[tuple[int, int]] = []
    last_people = -1
    in_clause = False
    i = 0
    while i < min(len(tokens), 24):
        start, end, tok = tokens[i]
        if tok in _END_PUNCT:
            break
        group = _GROUPS.match(view, start)
        if group:
            # "Gen Z" and friends are one audience word made of two tokens
            kept.append((start, group.end()))
            last_people = len(kept) - 1
            while i < len(tokens) and tokens[i][0] < group.end():
                i += 1
            continue
        if in_clause:
            kept.append((start, end))
        elif tok in _CLAUSES and last_people >= 0:
            in_clause = True
            kept.append((start, end))
        elif tok in _JOINERS:
            # "parents and teachers" continues; "parents and make it fun" does not
            if not any(is_people(t) for _, _, t in tokens[i + 1 : i + 4]):
                break
            kept.append((start, end))
        elif tok in _STOP and kept:
            break
        elif last_people < 0 and len(kept) >= 6:
            return None
        elif last_people >= 0 and len(kept) - last_people > 3:
            break
        else:
            kept.append((start, end))
            if is_people(tok):
                last_people = len(kept) - 1
        i += 1
    if last_people < 0 or (strict and last_people > 1):
        return None
    if not in_clause:
        # "for busy parents on a budget": end at the last people word unless a clause follows
        kept = kept[: last_people + 1]
    return kept[0][0], kept[-1][1]


def find_audience(doc: Doc) -> str | None:
    """The audience in the user's words; masks the phrase and its trigger."""
    found: list[tuple[int, str]] = []
    for match in list(_LABEL.finditer(doc.view)):
        stop = re.search(r"[\n.;|" + MASK + r"]", doc.view[match.end() :])
        end = match.end() + (stop.start() if stop else len(doc.view) - match.end())
        value = clean_phrase(doc.text[match.end() : end])
        if value and doc.is_free(match.start(), end):
            found.append((match.start(), value))
            doc.mask(match.start(), end, "audience")
    triggers = [(m, False) for m in _TRIGGER.finditer(doc.view)]
    triggers += [(m, True) for m in _TO.finditer(doc.view)]
    for match, strict in sorted(triggers, key=lambda t: t[0].start()):
        if not doc.is_free(match.start(), match.end()):
            continue
        span = _phrase(doc, match.end(), strict=strict)
        if span is None:
            continue
        start, end = span
        value = clean_phrase(doc.text[start:end])
        if value:
            found.append((match.start(), value))
            doc.mask(match.start(), end, "audience")
    if not found:
        return None
    found.sort(key=lambda f: f[0])
    return recase(found[0][1], doc.all_caps)
