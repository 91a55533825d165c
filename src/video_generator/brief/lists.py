"""Key points ("cover a, b and c", "tips: a; b; c", bullets) and the call to action."""

from __future__ import annotations

import re
from dataclasses import dataclass

from video_generator.brief.lexicon import CONNECTORS, FILLER, STYLE_WORDS, TONE_WORDS
from video_generator.brief.text import MASK, Doc, clean_phrase, recase

_QUOTE_AT = re.compile(r"""\s*(?:"([^"\n]{1,300})"|'(?=\S)([^'\n]{1,300}?)'(?!\w))""")

_CTA = re.compile(
    r"\b(?:(?:end|ending|ends|finish|finishing|close|closing|wrap(?:\s+it)?\s+up|sign\s+off"
    r"|conclude|outro)(?:\s+(?:it|the\s+video|the\s+reel|the\s+clip|things|everything|off|out))?"
    r"\s+(?:with|on|by)(?:\s*:\s*|\s+)"
    r"(?:(?:a|an|the|our)\s+)?(?:(?:strong|clear|simple|short|quick|big|final|punchy)\s+)?"
    r"(?:(?:cta|call[\s-]to[\s-]action|line|message|tagline|prompt)\s*"
    r"(?:like|saying|that\s+says|of|:|-|to|=)?\s*)?"
    r"|(?:cta|call[\s-]to[\s-]action)s?\s*(?:is|should\s+be|would\s+be|will\s+be|:|=|-|->)?"
    r"\s*(?:to\s+)?"
    r"|(?:ask|asking|tell|telling|get|getting|encourage|encouraging|invite|inviting|urge"
    r"|urging|remind|reminding|push|pushing|prompt|prompting|drive|driving|nudge|nudging)\s+"
    r"(?:them|viewers|people|folks|everyone|the\s+viewers?|the\s+audience|users|followers"
    r"|customers|readers|listeners|parents|fans)\s+to\s+"
    r"|(?:termina|terminar|termine|terminer|cierra|cerrar|finaliza|finalizar|finir|finis"
    r"|chiudi|chiudere|conclua|concluir)\s+(?:con|com|par|avec)\s+)"
)
_CTA_DE = re.compile(
    r"\bmit\s+(?=[\"'])(?P<q>.{2,200}?[\"'])\s+(?:enden|abschließen|schließen|aufhören)\b"
)
_NOT_A_CTA = re.compile(
    r"^(?:an?\s+|the\s+)?(?:\w+\s+)?(?:note|cta|call[\s-]to[\s-]action|bang|question|twist"
    r"|cliffhanger|laugh|joke|smile|punchline|hook|loop|freeze[\s-]frame|logo|fade)$"
)

# The end of an unquoted phrase: sentence punctuation, a mask, or a new instruction.
_PHRASE_END = re.compile(
    r"[.!?](?=\s|$)|[\n;,:" + MASK + r"]|\s+-\s+|\s+(?:and|&)\s+(?:make|keep|use|add|include"
    r"|mention|end|finish|close|have|put|please|then|also|it|let'?s|do|don'?t|give|show)\b"
    r"|\s+(?:so|because|but|thanks|please|pls|plz)\b"
)
_LIST_END = re.compile(
    r"[.!?](?=\s|$)|[\n:" + MASK + r"]|\s+-\s+|\s+(?:and|&)\s+(?:make|keep|use|add|end"
    r"|finish|close|have|put|please|then|it|let'?s|do|don'?t|give)\b"
    r"|\s+(?:so|because|but|thanks|please|pls|plz)\b"
)

_VERB_LIST_END = re.compile(_LIST_END.pattern + r"|;")

_KP_WEAK = (
    r"cover(?:s|ing)?|explain(?:s|ing)?|walk(?:s|ing)?\s+through|go(?:es|ing)?\s+over"
    r"|feature(?:s|ing)?|showcas(?:e|es|ing)|break(?:s|ing)?\s+down"
)
_KP_STRONG = (
    r"mention(?:s|ing)?|include(?:s|ing)?|highlight(?:s|ing)?|touch(?:es|ing)?\s+on"
    r"|hit(?:s|ting)?\s+on|incluye|incluir|menciona|mencionar|inclure|mentionner|erwähne"
    r"|erwähnen|includi|menziona|inclua|mencione"
)
_KP_TRIGGER = re.compile(
    rf"\b(?:(?P<weak>{_KP_WEAK})|(?P<strong>{_KP_STRONG}))\b(?:\s+(?:these|the\s+following))?"
    rf"\s*(?P<colon>:)?\s*"
    r"|\b(?P<label>key\s+points?|main\s+points?|talking\s+points?|points?|tips|steps|"
    r"must[\s-]haves?|takeaways?|outline|beats|features|benefits|key\s+messages?|bullets?"
    r"|puntos\s+clave|points\s+clés|kernpunkte|punti\s+chiave)\s*[:=]\s*"
)
# Items that are production requests, not points the script should make.
_PRODUCTION = re.compile(
    r"^(?:an?\s+|the\s+|some\s+|our\s+)?(?:cta|call[\s-]to[\s-]action|captions?|subtitles?"
    r"|music|background\s+music|voice[\s-]?over|b-roll|text\s+overlays?|hashtags?|emojis?"
    r"|a\s+hook|hook|logo|trending\s+audio|sound|transitions?|jump\s+cuts?)$"
)
_SPLIT_SEMI = re.compile(r"\s*;\s*")
_SPLIT_COMMA = re.compile(r"\s*,\s*")
_SPLIT_AND = re.compile(r"\s+(?:and|&|as\s+well\s+as|plus|y|et|und|e)\s+")
_TOKEN = re.compile(r"[\w'&+%$#./-]+")
_NON_CONTENT = FILLER | CONNECTORS | frozenset(TONE_WORDS) | frozenset(STYLE_WORDS)


def has_content(phrase: str) -> bool:
    """Whether a phrase holds any word that could carry meaning (not filler, tone, glue)."""
    for token in _TOKEN.findall(phrase.lower()):
        token = token.strip(".-/'")
        # a bare number ("I'm 5") carries no topic on its own
        if token and token not in _NON_CONTENT and len(token) > 1 and not token.isdigit():
            return True
        if token and not token.isascii() and token not in _NON_CONTENT:
            return True
    return False


@dataclass
class KeyPoints:
    points: list[str]
    # "explaining X" with one X: the topic, unless the topic is found elsewhere
    weak: list[tuple[int, int, str]]


def _quoted_at(doc: Doc, pos: int) -> tuple[int, int, str] | None:
    m = _QUOTE_AT.match(doc.view, pos)
    if not m:
        return None
    group = 1 if m.group(1) is not None else 2
    return m.start(), m.end(), doc.text[m.start(group) : m.end(group)]


def _phrase_at(doc: Doc, pos: int, end_pattern: re.Pattern[str], limit: int) -> tuple[int, str]:
    view = doc.view
    stop = end_pattern.search(view, pos, min(len(view), pos + limit))
    end = stop.start() if stop else min(len(view), pos + limit)
    return end, doc.text[pos:end]


def find_call_to_action(doc: Doc) -> str | None:
    """The call to action in the user's words (quotes stripped); masks every CTA phrase."""
    found: list[tuple[int, str | None]] = []
    for match in _CTA_DE.finditer(doc.view):
        quoted = _quoted_at(doc, match.start("q"))
        if quoted:
            found.append((match.start(), clean_phrase(quoted[2])))
            doc.mask(match.start(), match.end(), "cta")
    for match in list(_CTA.finditer(doc.view)):
        start = match.start()
        if not doc.is_free(start, match.end()):
            continue
        quoted = _quoted_at(doc, match.end())
        if quoted:
            end, value = quoted[1], quoted[2]
        else:
            end, value = _phrase_at(doc, match.end(), _PHRASE_END, 160)
        value = clean_phrase(value)
        doc.mask(start, end, "cta")
        if not value or _NOT_A_CTA.match(value.lower()) or not has_content(value):
            found.append((start, None))
            continue
        found.append((start, recase(value, doc.all_caps)))
    for _, cta in sorted(found, key=lambda f: f[0]):
        if cta:
            return cta
    return None


def _split_items(text: str) -> list[str]:
    if ";" in text:
        parts = _SPLIT_SEMI.split(text)
    else:
        parts = _SPLIT_COMMA.split(text)
        parts = parts[:-1] + _SPLIT_AND.split(parts[-1])
    items = []
    for part in parts:
        item = clean_phrase(re.sub(r"^(?:and|or|also|plus)\s+", "", part.strip(), flags=re.I))
        if item and has_content(item) and not _PRODUCTION.match(item.lower()):
            items.append(item)
    return items


def _bullets_after(doc: Doc, pos: int) -> list[tuple[int, int]]:
    """The run of bullet lines that starts on the line after pos."""
    line_end = doc.text.find("\n", pos)
    if line_end < 0 or doc.text[pos:line_end].strip():
        return []
    run = []
    expected = line_end + 1
    for start, end in doc.bullets:
        if start < expected:
            continue
        if start != expected:
            break
        run.append((start, end))
        expected = end + 1
    return run


def find_key_points(doc: Doc) -> KeyPoints:
    """Key points from list phrases and labels; masks what it reads (weak ones stay open)."""
    points: list[str] = []
    weak: list[tuple[int, int, str]] = []
    for match in list(_KP_TRIGGER.finditer(doc.view)):
        start, pos = match.start(), match.end()
        if not doc.is_free(start, pos):
            continue
        run = _bullets_after(doc, pos) if (match.group("colon") or match.group("label")) else []
        if run:
            items = [clean_phrase(doc.text[s:e]) for s, e in run]
            items = [i for i in items if i and has_content(i)]
            doc.mask(start, run[-1][1], "key_points")
            points.extend(recase(i, doc.all_caps) for i in items)
            continue
        quoted = _quoted_at(doc, pos)
        if quoted and match.group("label") is None:
            end, body = quoted[1], quoted[2]
        elif match.group("colon") or match.group("label"):
            end, body = _phrase_at(doc, pos, _LIST_END, 400)
        else:
            # "include a, b and c; end with ..." -- without a colon, ";" ends the list
            end, body = _phrase_at(doc, pos, _VERB_LIST_END, 400)
        items = _split_items(body)
        if not items:
            continue
        if match.group("weak") and len(items) == 1 and not match.group("colon"):
            weak.append((pos, end, recase(items[0], doc.all_caps)))
            continue
        doc.mask(start, end, "key_points")
        points.extend(recase(i, doc.all_caps) for i in items)
    return KeyPoints(points=_dedupe(points), weak=weak)


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def bullet_points(doc: Doc, exclude: tuple[int, int] | None) -> list[str]:
    """Bullet lines nothing else has read (and that are not the topic) become key points."""
    points = []
    for start, end in doc.bullets:
        if exclude and start < exclude[1] and exclude[0] < end:
            continue
        residual = "".join(
            ch if not doc.masked[i] else MASK for i, ch in enumerate(doc.text[start:end], start)
        )
        # a bullet that is mostly read already (e.g. "- 20 seconds, upbeat") is not a point
        if residual.count(MASK) > len(residual) / 2:
            continue
        item = clean_phrase(residual.replace(MASK, " "))
        if item and has_content(item) and not _PRODUCTION.match(item.lower()):
            points.append(recase(item, doc.all_caps))
    return _dedupe(points)
