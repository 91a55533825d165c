"""Platform names, nicknames and typos in a brief -> platform ids of the registry."""

from __future__ import annotations

import re

from video_generator.brief.lexicon import (
    CONNECTORS,
    FILLER,
    STYLE_WORDS,
    TONE_WORDS,
    VIDEO_NOUNS,
)
from video_generator.brief.text import MASK, Doc, within_one_edit
from video_generator.core.platforms import PLATFORMS

# Word edges that ignore non-Latin letters, so "TikTok向け" still reads as TikTok.
_B = r"(?<![a-z0-9])"
_E = r"(?![a-z0-9])"

_NAMES: list[tuple[str, re.Pattern[str]]] = [
    (
        "youtube_shorts",
        re.compile(rf"{_B}(?:youtube|you\s?tube|yt|youtub|youtbe|yotube)[\s-]*shorts?{_E}"),
    ),
    (
        "youtube",
        re.compile(rf"{_B}(?:youtube|you\s?tube|yt|youtub|youtbe|yotube|youtueb|utube){_E}"),
    ),
    (
        "tiktok",
        re.compile(
            rf"{_B}(?:tik[\s-]?tok|tiktk|tictok|tic[\s-]tok|tik[\s-]?tock|titkok|tikok)s?{_E}"
            r"|抖音|ティックトック|틱톡"
        ),
    ),
    ("linkedin", re.compile(rf"{_B}(?:linked[\s-]?in|linkdin|linkedn|linkedln|linkdn){_E}")),
    (
        "x",
        re.compile(
            rf"{_B}(?:twitter|twiter|twittr|tweets?|x\.com){_E}"
            r"|\bx(?=\s*/\s*twitter)|(?<=twitter/)x\b|(?<=twitter \()x\b"
        ),
    ),
    ("instagram_reels", re.compile(rf"(?<!fishing )(?<!fishing-){_B}reels?{_E}|リール")),
    (
        "instagram",
        re.compile(
            rf"{_B}(?:instagram|insta|ig|instagam|instgram|instagarm|instragram|intagram"
            rf"|insta[\s-]gram)(?:'s)?{_E}|インスタ"
        ),
    ),
]
_FEED_AFTER = re.compile(r"[\s-]*(?:\w+[\s-]+)?(?:feed|post|grid|carousel)s?\b")
_FEED_BEFORE = re.compile(r"\b(?:feed|post|grid|carousel)s?\s+(?:\w+\s+){0,2}$")
_REEL_SAID = re.compile(r"\breels?\b")
_EVERY = re.compile(
    r"\b(?:all|every|each)\s+(?:the\s+|of\s+the\s+)?(?:major\s+|main\s+|big\s+)?"
    r"(?:platforms?|socials?|social\s+media|social\s+channels|channels|networks)\b"
    r"|\beverywhere\b"
)
# "X" the platform: a capital X standing alone, only where the words around it say so.
_X_CAPITAL = re.compile(r"(?<![\w.\-/'])X(?![\w\-'])")
_SHORTS = re.compile(r"\bshorts\b")
_CONTEXT_BEFORE = frozenset([*"on for to and & + , / or | both plus ( also onto via".split(), MASK])
_CONTEXT_AFTER = frozenset(
    "and & + , / ( ) video videos post posts clip clips version cut thread too . ! ? ; :".split()
) | {MASK}
# lower-case "shorts" is clothing unless platform words sit right next to it
_SHORTS_AFTER = frozenset("and & + / video videos clip clips version cut".split()) | {MASK}
_X_NOT_AFTER = frozenset(
    "gen generation malcolm planet mr mrs ms project series model space factor brand".split()
)
# "about the TikTok algorithm": a platform name between these words and a noun names a thing
# the video is about, not a place to post it.
_MODIFIER_PREV = frozenset("about abt the of regarding how why your my our their".split())
_NOT_A_THING = (
    VIDEO_NOUNS
    | CONNECTORS
    | FILLER
    | frozenset(TONE_WORDS)
    | frozenset(STYLE_WORDS)
    | frozenset("feed feeds post posts grid carousel story stories live reels shorts".split())
)
_TYPO_TARGETS = ("tiktok", "youtube", "instagram", "linkedin")
_WORD = re.compile(r"[a-z]{5,12}")


def _neighbour_tokens(view: str, start: int, end: int) -> tuple[str, str, str]:
    """The tokens just before and after view[start:end], and the one before that."""
    before = re.findall(r"[\w']+|[^\w\s]", view[max(0, start - 40) : start])
    after = re.search(r"[\w']+|[^\w\s]", view[end : end + 40])
    prev = before[-1] if before else ""
    prev2 = before[-2] if len(before) > 1 else ""
    return prev, (after.group(0) if after else ""), prev2


def _names_a_thing(view: str, end: int, nxt: str) -> bool:
    """Whether nxt follows the name directly, as in "TikTok algorithm" (not "TikTok, fun")."""
    return view[end : end + len(nxt) + 1].strip() == nxt


def find_platforms(doc: Doc) -> list[str]:
    """Platform ids in order of first mention; masks each mention."""
    hits: list[tuple[int, str]] = []
    reel_said = _REEL_SAID.search(doc.view) is not None

    every = _EVERY.search(doc.view)
    if every:
        doc.mask(every.start(), every.end(), "platform")
        hits.extend((every.start(), pid) for pid in PLATFORMS)

    for pid, pattern in _NAMES:
        for match in pattern.finditer(doc.view):
            start, end = match.start(), match.end()
            if not doc.is_free(start, end):
                continue
            prev, nxt, _ = _neighbour_tokens(doc.view, start, end)
            if prev in _MODIFIER_PREV and re.fullmatch(r"[a-z][a-z'-]+", nxt):
                if nxt not in _NOT_A_THING and _names_a_thing(doc.view, end, nxt):
                    continue
            if pid == "instagram":
                after = _FEED_AFTER.match(doc.view, end)
                before = _FEED_BEFORE.search(doc.view[max(0, start - 30) : start])
                # "post" alone means the feed only when no Reel was asked for
                if reel_said:
                    after = after if after and "post" not in after.group(0) else None
                    before = before if before and "post" not in before.group(0) else None
                if after:
                    end = after.end()
                    pid_here = "instagram_feed"
                elif before:
                    pid_here = "instagram_feed"
                else:
                    pid_here = "instagram_reels"
                hits.append((start, pid_here))
            else:
                hits.append((start, pid))
            doc.mask(start, end, "platform")

    for match in _X_CAPITAL.finditer(doc.text):
        start, end = match.start(), match.end()
        if not doc.is_free(start, end):
            continue
        prev, nxt, prev2 = _neighbour_tokens(doc.view, start, end)
        if prev in _X_NOT_AFTER or (prev == "(" and prev2 in _X_NOT_AFTER):
            continue
        if prev in _CONTEXT_BEFORE or nxt in _CONTEXT_AFTER:
            hits.append((start, "x"))
            doc.mask(start, end, "platform")

    for match in _SHORTS.finditer(doc.view):
        start, end = match.start(), match.end()
        if not doc.is_free(start, end):
            continue
        prev, nxt, _ = _neighbour_tokens(doc.view, start, end)
        if doc.text[start] == "S" or prev in _CONTEXT_BEFORE or nxt in _SHORTS_AFTER:
            hits.append((start, "youtube_shorts"))
            doc.mask(start, end, "platform")

    for match in _WORD.finditer(doc.view):
        word = match.group(0)
        for target in _TYPO_TARGETS:
            if target not in word and word[0] == target[0] and within_one_edit(word, target):
                hits.append((match.start(), "instagram_reels" if target == "instagram" else target))
                doc.mask(match.start(), match.end(), "platform")
                break

    ordered: list[str] = []
    for _, pid in sorted(hits, key=lambda hit: hit[0]):
        if pid not in ordered:
            ordered.append(pid)
    return ordered
