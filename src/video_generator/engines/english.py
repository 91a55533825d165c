"""Small English helpers the engines and agents share: casing, counting, articles, hashtags."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import inflect

_WORD = re.compile(r"[A-Za-z0-9À-ÿ]")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-zà-ÿ][\w'’-]*)")
_GENERIC_AUDIENCES = {
    "",
    "all",
    "anyone",
    "everybody",
    "everyone",
    "general audience",
    "general public",
    "people",
    "the general public",
    "viewers",
    "you",
}
_SMALL_TITLE_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "vs",
}  # fmt: skip
_HASHTAG_STOPWORDS = {
    "a", "about", "an", "and", "are", "at", "by", "do", "for", "from", "how", "in", "into",
    "is", "it", "its", "my", "of", "on", "or", "our", "that", "the", "their", "this", "to",
    "what", "when", "where", "which", "who", "why", "with", "you", "your",
    # common verbs: a run of content words should be a noun phrase, not a clause
    "be", "can", "did", "does", "get", "gets", "got", "has", "have", "make", "makes", "need",
    "needs", "should", "was", "were", "will", "would",
}  # fmt: skip
_LEADING_WORDS = {"a", "an", "the", "how", "to", "why", "what", "when", "where", "who", "which"}
_WH_WORDS = ("how ", "why ", "what ", "when ", "where ", "who ", "which ")


@lru_cache(maxsize=1)
def _inflect() -> inflect.engine:
    # Imported on first use: inflect takes over a second to import (typeguard checks), which
    # every `vidgen` command paid at start-up.
    import inflect

    return inflect.engine()


def word_count(text: str) -> int:
    """Spoken words: whitespace tokens holding at least one letter or digit."""
    return sum(1 for token in text.split() if _WORD.search(token))


def strip_end_punctuation(text: str) -> str:
    return text.strip().rstrip(".!?;:,").strip()


def _cap_word(word: str) -> str:
    # Words with capitals inside (iPhone, McDonald's) keep their own spelling.
    return word[:1].upper() + word[1:] if word == word.lower() else word


def capitalize_first(text: str) -> str:
    """Upper-case the first letter of text unless its first word has its own casing."""
    stripped = text.lstrip()
    if not stripped:
        return text
    first, _, rest = stripped.partition(" ")
    return _cap_word(first) + (" " + rest if rest else "")


def sentence_case(text: str) -> str:
    """Capitalise the first word of every sentence (only all-lower-case words)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + _cap_word(m.group(2)), text)


def tidy(text: str) -> str:
    """Fix the seams filling leaves: doubled spaces, space before punctuation, doubled stops."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"([!?])\.", r"\1", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r",\s*([.!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[^\s\d])", r"\1 ", text)
    return text


def ensure_sentence(text: str) -> str:
    """A phrase as a spoken sentence: capitalised, ending in a full stop unless punctuated."""
    text = tidy(text)
    if not text:
        return text
    if text[-1] not in ".!?":
        text += "."
    return capitalize_first(text)


def title_case(text: str) -> str:
    words = text.split()
    out = []
    for index, word in enumerate(words):
        lower = word.lower()
        if index and lower in _SMALL_TITLE_WORDS:
            out.append(lower if word == lower else word)
        else:
            out.append(_cap_word(word))
    return " ".join(out)


def truncate(text: str, max_chars: int, ellipsis: str = "…") -> str:
    """Cut text at a word boundary to at most max_chars (ellipsis included), no dangling 'the'."""
    text = tidy(text)
    if len(text) <= max_chars:
        return text
    room = max_chars - len(ellipsis)
    words = text[: room + 1].split()
    if not text[room : room + 1].isspace():
        words = words[:-1]
    while len(words) > 1 and words[-1].lower().strip(",;:") in _SMALL_TITLE_WORDS:
        words.pop()
    if not words:
        return text[:room].rstrip() + ellipsis
    return " ".join(words).rstrip(",;:-") + ellipsis


def truncate_words(text: str, max_words: int) -> str:
    """Keep the first max_words spoken words, ending the result as a sentence."""
    tokens = text.split()
    kept: list[str] = []
    spoken = 0
    for token in tokens:
        if _WORD.search(token):
            if spoken == max_words:
                break
            spoken += 1
        kept.append(token)
    return ensure_sentence(strip_end_punctuation(" ".join(kept)))


def number_word(n: int) -> str:
    """'three' up to ten, digits above (the usual style rule for spoken scripts)."""
    # inflect's stubs take str or numbers.Number (which mypy cannot check); words are a str.
    return str(_inflect().number_to_words(str(n))) if 0 <= n <= 10 else str(n)


def ordinal_word(n: int) -> str:
    return str(_inflect().number_to_words(_inflect().ordinal(str(n))))


def join_list(items: list[str]) -> str:
    """'a, b and c' (no serial comma: it reads aloud more naturally)."""
    items = [i for i in items if i]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def is_generic_audience(audience: str) -> bool:
    text = audience.strip().lower()
    text = re.sub(r"^(a|an|the)\s+", "", text)
    return text in _GENERIC_AUDIENCES or "general" in text.split()


def person_from_audience(audience: str) -> str:
    """One member of the audience with an article ('busy parents' -> 'a busy parent')."""
    text = audience.strip()
    if is_generic_audience(text) or re.search(r"\b(and|or|who|that|which)\b|,", text):
        return "a person"
    had_article = re.match(r"^(a|an)\s+", text, flags=re.IGNORECASE) is not None
    bare = re.sub(r"^(a|an|the)\s+", "", text, flags=re.IGNORECASE)
    singular = _inflect().singular_noun(bare)
    if singular and singular != bare:
        return str(_inflect().a(singular))
    if had_article:
        return text
    return "a person"


def is_wh_phrase(text: str) -> bool:
    """'how to brew', 'why cats purr': clauses that cannot stand where a noun is needed."""
    lowered = text.strip().lower() + " "
    return lowered.startswith(_WH_WORDS)


def hashtag(text: str) -> str:
    """'cold brew coffee' -> '#ColdBrewCoffee' (CamelCase reads better, also for screen readers)."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "#" + "".join(_cap_word(w.lower()) if w.islower() else w for w in words) if words else ""


def topic_hashtags(topic: str, limit: int = 3) -> list[str]:
    """Hashtags from a topic: the whole topic if short, each run of content words, head nouns."""
    words = re.findall(r"[A-Za-z0-9']+", topic)
    core = list(words)
    while core and core[0].lower() in _LEADING_WORDS:
        core.pop(0)
    whole = [hashtag(" ".join(w.replace("'", "") for w in core))] if 1 < len(core) <= 4 else []
    runs: list[list[str]] = [[]]
    for word in words:
        if word.lower() in _HASHTAG_STOPWORDS:
            runs.append([])
        else:
            runs[-1].append(word.replace("'", ""))
    runs = [run for run in runs if run]
    tags: list[str] = list(whole)
    for run in runs:
        if len(run) <= 3:
            tags.append(hashtag(" ".join(run)))
    for run in runs:
        if len(run) > 1 and len(run[-1]) > 3:
            tags.append(hashtag(run[-1]))
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if len(tag) > 1 and tag.lower() not in seen:
            seen.add(tag.lower())
            unique.append(tag)
    return unique[:limit]
