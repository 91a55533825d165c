"""Caption rules, and cue making: narration -> cues of <= 2 lines x 42 chars, timed within rules.

The rules are the widely used Netflix English timed-text figures
(https://partnerhelp.netflixstudios.com/hc/en-us/articles/215758617):
at most 42 characters a line, at most 2 lines a cue, at most 20 characters per second, each cue
on screen from 5/6 s to 7 s, no cue overlapping the next. Reading speed counts every character
of the cue with its line break read as one space.

Times here are integer milliseconds so that timelines add up exactly; models get seconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_LINE_CHARS = 42
MAX_LINES = 2
MAX_CHARS_PER_S = 20.0
MIN_CUE_S = 5 / 6
MAX_CUE_S = 7.0

# In whole milliseconds, rounded so that the rule holds after rounding (834 ms >= 5/6 s).
MIN_CUE_MS = math.ceil(MIN_CUE_S * 1000)
MAX_CUE_MS = int(MAX_CUE_S * 1000)
MS_PER_CHAR = 1000 / MAX_CHARS_PER_S

# A cue aims at this much speech at most, so slow narration does not hold one cue past 7 s.
TARGET_CUE_SPEECH_S = 6.0
# Cues shorter than this are merged into a neighbour when the merge still fits the rules.
SHORT_CUE_CHARS = 20

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;:–—][\"'”’)\]]*$")
# Break before these (a new clause starts), never after these (they lean on the next word).
_CONJUNCTIONS = frozenset(
    "and but or so because which that when while if then yet until before after "
    "since though although unless where who".split()
)
_CLINGERS = frozenset(
    "a an the to of in on at by for with from my your our their his her its this these "
    "those every each no".split()
)

Lines = tuple[str, ...]


def words_of(text: str) -> list[str]:
    """The words of a text, with any word longer than a line cut into line-sized pieces."""
    words: list[str] = []
    for word in text.split():
        # A word longer than a line cannot be shown whole; cutting it is the only choice.
        words.extend(word[i : i + MAX_LINE_CHARS] for i in range(0, len(word), MAX_LINE_CHARS))
    return words


def cue_chars(lines: Sequence[str]) -> int:
    """Characters a viewer reads in a cue: its lines joined by one space."""
    return len(" ".join(lines))


def min_cue_ms(lines: Sequence[str]) -> int:
    """The shortest time a cue may stay on screen: 5/6 s, or longer to read it at 20 cps."""
    return max(MIN_CUE_MS, math.ceil(cue_chars(lines) * MS_PER_CHAR))


def _break_rank(words: Sequence[str], k: int) -> int:
    """How good a break between words[k-1] and words[k] is: 0 best (sentence end) .. 4 worst."""
    before, after = words[k - 1], words[k]
    if _SENTENCE_END.search(before):
        return 0
    if _CLAUSE_END.search(before):
        return 1
    if after.lower().strip("\"'“‘(") in _CONJUNCTIONS:
        return 2
    if before.lower().strip("\"'“‘(") in _CLINGERS:
        return 4
    return 3


def _best_break(words: Sequence[str], allowed: Sequence[int]) -> int:
    """The break that is best placed: natural (rank) first weighed against being central."""
    total = len(" ".join(words))
    best_k, best_score = allowed[0], math.inf
    for k in allowed:
        left = len(" ".join(words[:k]))
        score = abs(left - (total - left - 1)) / max(total, 1) + 0.25 * _break_rank(words, k)
        if score < best_score:  # strict: ties keep the earliest break, deterministically
            best_k, best_score = k, score
    return best_k


def layout_lines(words: Sequence[str]) -> Lines | None:
    """Set words as one or two lines of <= 42 characters, breaking well; None if they won't fit."""
    if not words:
        return None
    text = " ".join(words)
    if len(text) <= MAX_LINE_CHARS:
        return (text,)
    if len(text) > MAX_LINES * MAX_LINE_CHARS + 1:
        return None
    fitting = [
        k
        for k in range(1, len(words))
        if len(" ".join(words[:k])) <= MAX_LINE_CHARS and len(" ".join(words[k:])) <= MAX_LINE_CHARS
    ]
    if not fitting:
        return None
    k = _best_break(words, fitting)
    return (" ".join(words[:k]), " ".join(words[k:]))


def _split(words: list[str], max_words: int) -> list[list[str]]:
    """Halve a run of words at its best break until every piece fits one cue."""
    if len(words) <= max_words and layout_lines(words) is not None:
        return [words]
    k = _best_break(words, range(1, len(words)))
    return _split(words[:k], max_words) + _split(words[k:], max_words)


def _sentences(words: list[str]) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for word in words:
        runs[-1].append(word)
        if _SENTENCE_END.search(word):
            runs.append([])
    return [run for run in runs if run]


def _merge_short(pieces: list[list[str]], max_words: int) -> list[list[str]]:
    """Join a short piece to its neighbour when the pair still fits one cue."""
    merged: list[list[str]] = []
    for piece in pieces:
        if merged:
            prev = merged[-1]
            short = min(len(" ".join(prev)), len(" ".join(piece))) < SHORT_CUE_CHARS
            joined = prev + piece
            if short and len(joined) <= max_words and layout_lines(joined) is not None:
                merged[-1] = joined
                continue
        merged.append(piece)
    return merged


def max_words_per_cue(words_per_minute: float) -> int:
    """How many words a cue may hold so its speech stays near TARGET_CUE_SPEECH_S."""
    return max(1, int(words_per_minute / 60 * TARGET_CUE_SPEECH_S))


def split_into_cues(narration: str, words_per_minute: float = 150.0) -> list[Lines]:
    """Cut narration into cue texts: sentences first, then clauses, then balanced word breaks.

    Every cue has one or two lines of at most 42 characters, and the cues' words, read in
    order, are exactly the narration's words (a word longer than a line is cut in pieces).
    """
    max_words = max_words_per_cue(words_per_minute)
    pieces: list[list[str]] = []
    for sentence in _sentences(words_of(narration)):
        pieces.extend(_split(sentence, max_words))
    cues = []
    for piece in _merge_short(pieces, max_words):
        lines = layout_lines(piece)
        assert lines is not None  # _split and _merge_short only keep pieces that lay out
        cues.append(lines)
    return cues


def caption_need_ms(cues: Sequence[Lines]) -> int:
    """The least time a run of cues needs on screen, one after another, within the rules."""
    return sum(min_cue_ms(lines) for lines in cues)


@dataclass(frozen=True)
class TimedCue:
    """A cue's text and its place on the timeline, in milliseconds."""

    lines: Lines
    start_ms: int
    end_ms: int


def time_cues(cues: Sequence[Lines], start_ms: int, speech_ms: int, end_ms: int) -> list[TimedCue]:
    """Time one segment's cues inside [start_ms, end_ms], following speech where the rules allow.

    Each cue first gets its share of the speech by characters, then is held for at least 5/6 s
    and at least its 20-cps reading time (taking time from the pause after the speech), and at
    most 7 s. A cue starts when its words are spoken unless the one before still shows. Needs
    end_ms - start_ms >= caption_need_ms(cues); the timing coordinator sizes segments so.
    """
    if not cues:
        return []
    window = end_ms - start_ms
    need = caption_need_ms(cues)
    if window < need:
        raise ValueError(f"segment of {window} ms is shorter than its captions need ({need} ms)")
    chars = [cue_chars(lines) for lines in cues]
    total_chars = sum(chars)
    spoken = [speech_ms * c / total_chars for c in chars]
    floors = [min_cue_ms(lines) for lines in cues]
    lengths = [
        min(MAX_CUE_MS, max(floor, round(s))) for floor, s in zip(floors, spoken, strict=True)
    ]
    lengths = _shrink_to(lengths, floors, window)

    timed: list[TimedCue] = []
    cursor = start_ms
    spoken_before = 0
    remaining = sum(lengths)
    for lines, length, c in zip(cues, lengths, chars, strict=True):
        said_at = start_ms + round(speech_ms * spoken_before / total_chars)
        # Never start so late that the cues still to come cannot fit before the segment ends.
        begin = min(max(cursor, said_at), end_ms - remaining)
        timed.append(TimedCue(lines=lines, start_ms=begin, end_ms=begin + length))
        cursor = begin + length
        remaining -= length
        spoken_before += c
    return timed


def _shrink_to(lengths: list[int], floors: list[int], window: int) -> list[int]:
    """Take time back from cues above their floor, in proportion to their slack, to fit window."""
    excess = sum(lengths) - window
    if excess <= 0:
        return lengths
    slack = [length - floor for length, floor in zip(lengths, floors, strict=True)]
    total_slack = sum(slack)
    cut = [math.floor(excess * s / total_slack) for s in slack]
    shrunk = [length - c for length, c in zip(lengths, cut, strict=True)]
    # Rounding leaves a few milliseconds; take them one by one from the cues with slack left.
    left = sum(shrunk) - window
    i = 0
    while left > 0:
        if shrunk[i] > floors[i]:
            shrunk[i] -= 1
            left -= 1
        i = (i + 1) % len(shrunk)
    return shrunk
