"""What the video is about, in words that read naturally in a script.

Tried in order, first hit wins: a "Topic:" label; "the topic is X" / "it's about X"; a
title ("called 'X'"); "about X" (and "sobre", "über", "sur", "关于 X 的", "X について");
"explaining / showing / covering / launching ... X"; "video on X"; a phrase opening with
"how to", "how I", "why" or "what"; a quoted phrase; the text after a colon whose left side
is only format words ("Story time reel: how I paid off my debt"); else the main noun phrase
(the longest run of content words left once platforms, lengths, tone, audience and filler are
read). Platform, length, audience and language phrases are masked before this runs, so they
never leak into the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from video_generator.brief.audience import is_people
from video_generator.brief.lexicon import (
    CONNECTORS,
    FILLER,
    SOFT_FILLER,
    STYLE_WORDS,
    TONE_WORDS,
)
from video_generator.brief.lists import has_content
from video_generator.brief.text import MASK, Doc, clean_phrase, recase

M = MASK


@dataclass(frozen=True)
class Topic:
    text: str
    start: int
    end: int
    source: str


_LABEL_KEYS = re.compile(
    rf"(?:^|(?<=[\n.;|,{M}]))\s*(?:platforms?|channels?|where|length|duration|runtime|time"
    rf"|tone|mood|vibe|vibes|feel|style|format|type|language|lang|voice|goal|objective"
    rf"|deadline|notes?|brand|client|company|product)\s*[:=]\s*(?P<value>[^\n;|{M}]*)"
)
# Labels whose value is not the topic but is not read elsewhere either: keep out of topic.
_VALUE_MASKED = frozenset(
    "platform platforms channel channels where length duration runtime time tone mood vibe "
    "vibes feel style format type language lang voice deadline notes note".split()
)
_TOPIC_LABEL = re.compile(
    rf"(?:^|(?<=[\n.;|,!?{M}]))\s*(?:topic|subject|theme|title|idea|concept|tema|thema|sujet"
    rf"|sujeto|assunto|argomento|about|re)\s*[:=]\s*"
)
_VALUE_BREAK = re.compile(
    r",\s*(?=\d|a\s+\d|(?:tiktok|tik\s+tok|reels?|ig|insta|instagram|shorts|youtube|yt|linkedin"
    r"|twitter|x|tweet|for|aimed|in\s+[a-z]+ish\b|end\s+with|cta|"
    + "|".join(re.escape(word) for word in sorted(TONE_WORDS, key=len, reverse=True))
    + r")\b)|\s+(?P<for>for|aimed\s+at)\s+"
)
_LABEL_END = re.compile(r"\n|;|\|(?=\s)|\.(?=\s|$)|" + M)
_TOPIC_IS = re.compile(
    r"\b(?:the\s+)?(?:topic|subject|theme)\s+(?:is|=|would\s+be|will\s+be|should\s+be)\s+"
    r"|\b(?:it'?s|its|it\s+is|all|it\s+should\s+be|should\s+be|is)\s+(?:all\s+)?about\s+"
)
_TITLED = re.compile(r"\b(?:titled|called|named|entitled|title\s+it)\s+")
_ABOUT = re.compile(
    r"\b(?:about|abt|regarding|concerning|sobre|acerca\s+de|über|sur|à\s+propos\s+de"
    r"|su|sul|sulla|sullo|sui|sugli|sulle)\s+"
)
_VERBS = re.compile(
    r"\b(?:explaining|explains|explain|explainer\s+(?:on|about)|teaching|teaches|teach"
    r"|showing|shows|show|demonstrating|demonstrates|walk(?:ing)?\s+(?:them\s+|viewers\s+)?"
    r"through|discussing|discusses|discuss|covering|covers|cover|talking\s+about|talk\s+about"
    r"|on\s+the\s+topic\s+of|focused\s+on|focusing\s+on|introducing|introduces|introduce"
    r"|announcing|announces|announce|launching|launches|launch|promoting|promotes|promote"
    r"|showcasing|showcases|showcase|reviewing|review"
    r"|reviews|review\s+of|breaking\s+down|breaks\s+down|highlighting|featuring|sharing"
    r"|celebrating|summari[sz]ing|recapping|comparing|compares|debunking|answering|explicando|explique|erklärt"
    r"|spiegando)\s+"
)
_ON = re.compile(r"\bon\s+")
_ON_AFTER = frozenset(
    """video vid clip reel short piece explainer something leadership take thoughts content
    series post story tutorial segment spot ad promo one deep-dive dive primer""".split()
) | {M}
_OPENERS = re.compile(
    r"(?:^|(?<=[\n.:;!?,|" + M + r"]))\s*(?:how[\s-]to|how\s+(?:i|we|you|my|our|a|an|the|to)"
    r"|why|what|when|where|which|c[oó]mo|comment|come|wie|warum|pourquoi|por\s*qu[eé]|perché)"
    r"\s+"
)
_QUOTED = re.compile(r"""(?<![\w])"([^"\n]{3,200})"|(?<![\w])'(?=\S)([^'\n]{3,200}?)'(?!\w)""")
# quote marks used as quotes (not apostrophes): "'Barbie' vs 'Oppenheimer'" -> Barbie vs ...
_QUOTE_MARKS = re.compile(r"\"|(?<!\w)'([^'\n]*?)'(?!\w)")
_JA_ABOUT = re.compile(r"([^\s,.:;!?" + M + r"]{1,40}?)(?:について|に関する|に関して|の解説)")
_ZH_ABOUT_END = re.compile(r"的")

_END = re.compile(
    r"[.!?](?=\s|$)|[\n;:\[\]{}|\"" + M + r"]|\s\(|\s+-\s+"
    r"|\s+(?:and|&)\s+(?:make|keep|use|add|include|mention|end|finish|close|have|put|please"
    r"|then|also|it|i|we|you|let'?s|do|don'?t|give|show|target|aim|post|upload|tag)\b"
    r"|\s+(?:so|because|but|which|thanks|please|pls|plz|asap|lol|lmao|haha|thx|ty|btw"
    r"|ideally)\b|\s+(?:make|keep|have)\s+it\b"
    r"|\s+with\s+(?:a\s+|an\s+|some\s+|lots\s+of\s+|no\s+)?(?:cta|call[\s-]to[\s-]action"
    r"|captions?|subtitles?|music|voice[\s-]?over|b-roll|text\s+overlays?|hashtags?|emojis?"
    r"|trending\s+audio|a\s+hook|hook|jump\s+cuts|transitions|a\s+twist)\b"
    r"|\s+in\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:way|tone|style|manner|voice|format)\b"
)
_HARD_END = re.compile(r"[.!?](?=\s|$)|[\n;:|" + M + r"]")
_TOKEN = re.compile(r"[\w'&+%$#./-]+|[^\w\s]")
_TRAIL_NOUNS = frozenset(
    "video videos vid vids clip clips content piece post explainer promo ad advert listicle "
    "version format".split()
)
_TONE_KEEPERS = frozenset(
    "be being stay staying keep keeping get getting feel feeling is are "
    "it look looking remain remaining".split()
)
# "what a Roth IRA is", "how to fix it": these may end a topic
_KEEP_AT_END = frozenset("is are was were be it this that new one".split())
_LEAD_FILLER = frozenset("like um uh basically just kinda sorta maybe really".split())
_BREAKS = FILLER | frozenset(TONE_WORDS) | frozenset(STYLE_WORDS)


def _trim(doc: Doc, start: int, end: int, *, lead_filler: bool = False) -> tuple[int, int]:
    """Drop glue, filler, tone words and video nouns from the ends of text[start:end]."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(doc.view, start, end)]
    while tokens:
        word = tokens[-1][2].strip(".'")
        last = tokens[-1][2]
        if last == ")" and doc.view.count("(", tokens[0][0], tokens[-1][0]) > doc.view.count(
            ")", tokens[0][0], tokens[-1][0]
        ):
            break  # closes "401(k)"
        if not re.match(r"\w", last) and last not in ("%", "$"):
            tokens.pop()
        elif word in CONNECTORS or word in _TRAIL_NOUNS:
            tokens.pop()
        elif word in FILLER and word not in _KEEP_AT_END and len(tokens) > 1:
            tokens.pop()
        elif word in TONE_WORDS and len(tokens) > 1 and tokens[-2][2] not in _TONE_KEEPERS:
            tokens.pop()
        else:
            break
    while tokens:
        word = tokens[0][2]
        if (
            word in _LEAD_FILLER
            or word in ("and", "or", "&", ",", "-", ":")
            or (lead_filler and (word in _BREAKS or word in CONNECTORS))
        ):
            tokens.pop(0)
        else:
            break
    if not tokens:
        return start, start
    return tokens[0][0], tokens[-1][1]


def _list_continues(view: str, comma: int) -> int | None:
    """After "about budgeting," -- if "saving and investing" follows, the end of that list."""
    hard = _HARD_END.search(view, comma + 1)
    stop = hard.start() if hard else len(view)
    segments = view[comma + 1 : stop].split(",")
    last = segments[-1]
    if not re.search(r"\s(?:and|&|or)\s", last):
        return None
    if any(len(seg.split()) > 5 or not has_content(seg) for seg in segments):
        return None
    return stop


def _span_at(doc: Doc, pos: int) -> tuple[int, int] | None:
    """The topic phrase that starts at pos: a quoted phrase, or text up to a boundary."""
    view = doc.view
    while pos < len(view) and view[pos] == " ":
        pos += 1
    quoted = _QUOTED.match(view, pos)
    if quoted:
        rest = _END.search(view, quoted.end())
        tail = view[quoted.end() : rest.start() if rest else len(view)]
        # the whole topic is quoted ("about 'quiet quitting'"), not just its first words
        if not has_content(tail.replace(M, " ")):
            group = 1 if quoted.group(1) is not None else 2
            return quoted.start(group), quoted.end(group)
    limit = min(len(view), pos + 300)
    stop = _END.search(view, pos, limit)
    end = stop.start() if stop else limit
    comma = view.find(",", pos, end)
    if comma >= 0:
        extended = _list_continues(view, comma)
        end = min(end, extended) if extended else comma
    start, end = _trim(doc, pos, end)
    if end <= start or not has_content(doc.text[start:end]):
        return None
    return start, end


def _make(doc: Doc, span: tuple[int, int], source: str) -> Topic | None:
    start, end = span
    text = clean_phrase(_QUOTE_MARKS.sub(lambda m: m.group(1) or "", doc.text[start:end]))
    if not text or not has_content(text):
        return None
    text = recase(text, doc.all_caps, at_sentence_start=doc.sentence_start(start))
    doc.mask(start, end, "topic")
    return Topic(text=text, start=start, end=end, source=source)


def _first(
    doc: Doc, pattern: re.Pattern[str], source: str, keep_trigger: bool = False
) -> Topic | None:
    for match in pattern.finditer(doc.view):
        if not doc.is_free(match.start(), match.end()):
            continue
        span = _span_at(doc, match.start() if keep_trigger else match.end())
        topic = _make(doc, span, source) if span else None
        if topic:
            return topic
    return None


def mask_labels(doc: Doc) -> None:
    """Hide "Tone:", "Length:" ... keys (and values nothing else reads) from the topic."""
    for match in list(_LABEL_KEYS.finditer(doc.view)):
        key = doc.view[match.start() : match.start("value")].strip(" :=").split()[0]
        end = match.end() if key in _VALUE_MASKED else match.start("value")
        doc.mask(match.start(), end, "label")


def _label_value_end(view: str, start: int, end: int) -> int:
    """Where a "Topic:" value ends: before ", 45s", ", TikTok", ", upbeat" or "for <people>"
    (read before those fields are, so it must find their edges itself)."""
    for match in _VALUE_BREAK.finditer(view, start, end):
        if match.group("for"):
            ahead = _TOKEN.findall(view[match.end() : match.end() + 60])[:4]
            if not any(is_people(word) for word in ahead):
                continue
        return match.start()
    return end


def find_title(doc: Doc) -> Topic | None:
    """A "Topic:" label or a title ("called '...'"), read before platforms and lengths so
    the words in it stay the topic's ("Topic: TikTok marketing")."""
    for match in list(_TOPIC_LABEL.finditer(doc.view)):
        if not doc.is_free(match.start(), match.end()):
            continue
        stop = _LABEL_END.search(doc.view, match.end())
        end = _label_value_end(doc.view, match.end(), stop.start() if stop else len(doc.view))
        quoted = _QUOTED.match(doc.view, match.end())
        if quoted:
            group = 1 if quoted.group(1) is not None else 2
            span = (quoted.start(group), quoted.end(group))
        else:
            span = (match.end(), end)
        topic = _make(doc, span, "label")
        if topic:
            doc.mask(match.start(), match.end(), "label")
            return topic
    return _first(doc, _TITLED, "title")


def _on_topic(doc: Doc) -> Topic | None:
    for match in _ON.finditer(doc.view):
        # the word before "on", skipping commas: "video on X", "40s, on X"
        window = doc.view[max(0, match.start() - 30) : match.start()]
        before = re.search(r"([\w'-]+|" + M + r")[\s,]*$", window)
        if not before or before.group(1) not in _ON_AFTER:
            continue
        span = _span_at(doc, match.end())
        topic = _make(doc, span, "on") if span else None
        if topic:
            return topic
    return None


def _japanese(doc: Doc) -> Topic | None:
    if not any(marker in doc.view for marker in ("について", "に関", "の解説")):
        return None
    match = _JA_ABOUT.search(doc.view)
    if match and doc.is_free(match.start(1), match.end(1)):
        return _make(doc, (match.start(1), match.end(1)), "about")
    return None


def _chinese(doc: Doc) -> Topic | None:
    start = doc.view.find("关于")
    if start < 0:
        return None
    end = _ZH_ABOUT_END.search(doc.view, start + 2)
    stop = _HARD_END.search(doc.view, start + 2)
    cut = min(x.start() for x in (end, stop) if x) if (end or stop) else len(doc.view)
    if cut > start + 2:
        return _make(doc, (start + 2, cut), "about")
    return None


def _quoted(doc: Doc) -> Topic | None:
    for match in _QUOTED.finditer(doc.view):
        group = 1 if match.group(1) is not None else 2
        text = match.group(group)
        if len(text.split()) >= 2 and doc.is_free(match.start(), match.end()):
            topic = _make(doc, (match.start(group), match.end(group)), "quote")
            if topic:
                return topic
    return None


def _after_colon(doc: Doc) -> Topic | None:
    view = doc.view
    for match in re.finditer(r":(?!//)", view):
        line_start = max(view.rfind("\n", 0, match.start()), view.rfind(". ", 0, match.start()))
        left = view[line_start + 1 : match.start()]
        if has_content(left.replace(M, " ")):
            continue
        span = _span_at(doc, match.end())
        topic = _make(doc, span, "colon") if span else None
        if topic:
            return topic
    return None


def _main_phrase(doc: Doc) -> Topic | None:
    """The longest run of content words left in the brief (ties: the earliest)."""
    best: tuple[int, int, int] | None = None  # (content words, start, end)
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        nonlocal best, run
        if run:
            start, end = _trim(doc, run[0][0], run[-1][1], lead_filler=True)
            if end > start:
                text = doc.text[start:end]
                words = sum(1 for w in _TOKEN.findall(text.lower()) if has_content(w))
                if words and (best is None or words > best[0]):
                    best = (words, start, end)
        run = []

    for match in _TOKEN.finditer(doc.view):
        token = match.group(0)
        word = token.strip(".'")
        if not re.match(r"[\w$#%]", token) and token not in ("&", "+", "'", "/"):
            close()
        elif word in FILLER and word not in CONNECTORS and word not in SOFT_FILLER:
            close()
        elif (word in TONE_WORDS or word in STYLE_WORDS or word in SOFT_FILLER) and not run:
            continue
        else:
            run.append((match.start(), match.end(), token))
    close()
    if best is None:
        return None
    return _make(doc, (best[1], best[2]), "noun_phrase")


def find_topic(doc: Doc) -> Topic | None:
    """The topic (see the module docstring for the order of the rules)."""
    rules = (
        lambda: _first(doc, _TOPIC_IS, "topic_is"),
        lambda: _first(doc, _ABOUT, "about"),
        lambda: _japanese(doc),
        lambda: _chinese(doc),
        lambda: _first(doc, _VERBS, "verb"),
        lambda: _on_topic(doc),
        lambda: _first(doc, _OPENERS, "opener", keep_trigger=True),
        lambda: _quoted(doc),
        lambda: _after_colon(doc),
        lambda: _main_phrase(doc),
    )
    for rule in rules:
        topic = rule()
        if topic:
            return topic
    return None
