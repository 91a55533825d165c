"""Video lengths in a brief ("45s", "1:30", "ninety seconds", "under a minute") -> seconds.

Rules (also in docs/briefs.md):
- "under / less than / below N" -> N - 5 s (N - 1 s when N <= 10), so "under a minute" is 55 s;
- "up to / max / at most / no longer than N" and "about / around / ~N" -> N;
- "at least N" -> N; "over / more than / longer than N" -> N + 5 s;
- a range "30-45 seconds", "between 30 and 45 seconds" -> its midpoint (37.5 s): inside
  the range with room on both sides;
- several lengths -> the longest: the platform adapter can shorten a cut, never lengthen it.
A number with a time unit counts only where it reads as the video's length: "the 10 minute
mile", "5 minute meals" and "the 90s" are left to the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from video_generator.brief.lexicon import CONNECTORS, TONE_WORDS, VIDEO_NOUNS
from video_generator.brief.numbers import WORD_NUMBER, read_number
from video_generator.brief.text import MASK, Doc

_B = r"(?<![\w.,])"
_E = r"(?![a-z0-9])"
_SEC = (
    r"(?:seconds?|secs?|sekunden|sekunde|sek|segundos?|segs?|seg|secondes?|secondi|secondo"
    r"|second|s)"
)
_MIN = r"(?:minutes?|mins?|minutos?|minuten|minute|minuti|minuto|m)"
_HOUR = r"(?:hours?|hrs?|hr|h|stunden?|horas?|heures?)"
_UNIT = rf"(?:{_SEC}|{_MIN}|{_HOUR})"
# Any run of digits, and exponents ("1e309"): an absurd length must be read, so that it is
# refused with the platforms' limits, never dropped for the default one.
_N = (
    rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:[.,]\d{{1,3}})?)(?:[eE][+-]?\d+)?"
    rf"|{WORD_NUMBER})"
)


@dataclass(frozen=True)
class _Form:
    name: str
    pattern: re.Pattern[str]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_FORMS = [
    _Form(
        "min_sec",
        _c(
            rf"{_B}(?P<m>{_N})\s*-?\s*{_MIN}(?![a-z])\.?,?\s*(?:and\s+|y\s+|et\s+|und\s+|e\s+)?"
            rf"(?P<s>{_N})\s*-?\s*{_SEC}{_E}"
        ),
    ),
    _Form(
        "mss",
        _c(r"(?<![\d:.,])(?P<m>\d{1,2}):(?P<s>[0-5]\d)(?![\d:])(?:\s*(?:mins?|minutes?|m)\b)?"),
    ),
    _Form(
        "between",
        _c(
            rf"\bbetween\s+(?P<a>{_N})\s*(?P<ua>{_UNIT})?{_E}\s*(?:and|&|-)\s*"
            rf"(?P<b>{_N})\s*-?\s*(?P<ub>{_UNIT}){_E}"
        ),
    ),
    _Form(
        "range",
        _c(
            rf"{_B}(?P<a>{_N})\s*(?P<ua>{_UNIT})?{_E}\s*(?:-|to|or|bis|a|à|hasta|até|till?)\s*"
            rf"(?P<b>{_N})\s*-?\s*(?P<ub>{_UNIT}){_E}"
        ),
    ),
    _Form(
        "and_a_half",
        _c(
            rf"\b(?:(?P<n>{_N})\s+and\s+a\s+half\s+{_MIN}|(?:an?|one|1)\s+{_MIN}\s+and\s+a\s+half"
            rf"|(?P<n2>{_N})\s+{_MIN}\s+and\s+a\s+half|un\s+minuto\s+y\s+medio"
            rf"|um\s+minuto\s+e\s+meio|une\s+minute\s+et\s+demie|(?:ein)?einhalb\s+minuten"
            rf"|anderthalb\s+minuten){_E}"
        ),
    ),
    _Form(
        "half",
        _c(
            rf"\b(?:half[\s-]+(?:an?[\s-]+)?{_MIN}|medio\s+minuto|meio\s+minuto|mezzo\s+minuto"
            rf"|une\s+demi-minute|eine\s+halbe\s+minute){_E}"
        ),
    ),
    _Form("a_unit", _c(r"\b(?:an?|one)[\s-]+(?:full[\s-]+)?(?P<u>minute|min|hour)(?![a-z0-9])")),
    _Form(
        "simple",
        _c(rf"{_B}(?P<n>{_N})(?:\s*-?\s*ish)?\s*-?\s*(?P<u>{_UNIT}){_E}(?:-?ish\b)?"),
    ),
    _Form("cjk_ms", _c(r"(?P<m>\d+)\s*分\s*(?P<s>\d+)\s*秒")),
    _Form("cjk", _c(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>秒間?|分間?|초|분|秒钟|分钟)")),
    _Form(
        "label",
        _c(
            rf"\b(?:length|duration|runtime|run\s*time|dauer|duración|durée|durata|duração)"
            rf"\s*[:=]\s*(?P<n>{_N})(?=\s*(?:[,.;\n{MASK}]|$))"
        ),
    ),
]

_QUAL_BEFORE = re.compile(
    r"(?:(?P<upto>\bup\s+to|\bmax(?:imum)?\.?|\bat\s+(?:the\s+)?most|\bno\s+more\s+than"
    r"|\bnot\s+more\s+than|\bno\s+longer\s+th[ae]n|\bnot\s+longer\s+than|\bnot\s+over"
    r"|\bwithin|\bat\s+max|\bhasta|\baté|\bjusqu'à|\bbis\s+zu|\bmaximal|<=|≤)"
    r"|(?P<under>\bunder|\bless\s+than|\bbelow|\bshorter\s+than|\bsub|\bmenos\s+de"
    r"|\bmoins\s+d[e']|\bunter|\bmeno\s+di|<)"
    r"|(?P<approx>\babout|\baround|\bapprox(?:imately|\.)?|\broughly|\bcirca|\bca\.|\bsome"
    r"|\blike|\benviron|\betwa|\bunos|\bunas|\bcerca\s+de|\balrededor\s+de|\baproximadamente"
    r"|\bungefähr|\bjust\s+about|~)"
    r"|(?P<atleast>\bat\s+least|\bmin(?:imum)?\.?|\bmindestens|\bau\s+moins|>=|≥)"
    r"|(?P<over>\bover|\bmore\s+than|\blonger\s+than|\babove|\bplus\s+de|\bmás\s+de"
    r"|\bmais\s+de|>))"
    r"\s*(?:of\s+|de\s+)?$"
)
_QUAL_AFTER = re.compile(
    r"\s*(?:(?P<upto>max(?:imum)?\b\.?|tops\b|or\s+less\b|or\s+under\b|or\s+shorter\b"
    r"|at\s+(?:the\s+)?most\b)|(?P<approx>or\s+so\b|give\s+or\s+take\b)"
    r"|(?P<atleast>\+|or\s+more\b|or\s+longer\b|at\s+least\b))"
)

# Words that may follow a length that is the video's ("45 seconds of", "60s max", "a 1 min
# video"). Any other word after it ("10 minute mile") means the length belongs to the topic.
_ACCEPT_AFTER = (
    frozenset(
        """long max maximum tops or so ish please pls total each flat is would should will
        works limit duration length runtime ideally if but because then that which target
        range vertical horizontal square portrait landscape quick short fun punchy snappy
        animated educational plus window mark lang longue largo durée dauer video vídeo
        vidéo vid clip reel short shorts tiktok youtube yt ig insta instagram linkedin
        twitter x piece spot ad promo explainer teaser trailer version cut edit post story
        loop film content tutorial animation montage recap max. feel sounds""".split()
    )
    | VIDEO_NOUNS
    | (CONNECTORS - {"a", "an", "the"})
    | frozenset(word for word in TONE_WORDS if " " not in word)
)
# Words before a number that make it a moment or a name, not the length: "the first 3
# seconds", "every 30 seconds", "at 1:30"; "the 90s" unless a video noun follows.
_NEVER_BEFORE = frozenset("first last opening final every per each at".split())
_RARELY_BEFORE = frozenset("the by since until after before".split())
_HOOK_NEAR = re.compile(r"\bhook")
_UNDER_MARGIN_S = 5.0


@dataclass(frozen=True)
class DurationHit:
    seconds: float
    start: int
    end: int
    text: str


def _unit_seconds(unit: str | None) -> float:
    if not unit:
        return 1.0
    unit = unit.lower()
    if re.fullmatch(_HOUR, unit) or unit.startswith("hor") or unit.startswith("heur"):
        return 3600.0
    if re.fullmatch(_MIN, unit) or unit.startswith("分") or unit == "분":
        return 60.0
    return 1.0


def _num(text: str | None) -> float | None:
    return read_number(text) if text else None


def _value(form: str, m: re.Match[str]) -> float | None:
    g = m.groupdict()
    if form in ("min_sec", "mss", "cjk_ms"):
        minutes, seconds = _num(g["m"]), _num(g["s"])
        if minutes is None or seconds is None:
            return None
        return minutes * 60 + seconds
    if form in ("range", "between"):
        a, b = _num(g["a"]), _num(g["b"])
        if a is None or b is None:
            return None
        if not g["a"][0].isdigit() and a % 10 == 0 and a >= 20 and b < 10:
            return None  # "forty-five" is one number, not the range 40-5
        ub = _unit_seconds(g["ub"])
        ua = _unit_seconds(g["ua"]) if g["ua"] else ub
        lo, hi = sorted((a * ua, b * ub))
        return (lo + hi) / 2
    if form == "and_a_half":
        minutes_whole = _num(g.get("n") or g.get("n2")) or 1.0
        return minutes_whole * 60 + 30
    if form == "half":
        return 30.0
    if form == "a_unit":
        return 3600.0 if g["u"] == "hour" else 60.0
    if form == "label":
        return _num(g["n"])
    n = _num(g["n"])
    if n is None:
        return None
    if form == "cjk":
        return n * (60.0 if g["u"].startswith("分") or g["u"] == "분" else 1.0)
    return n * _unit_seconds(g["u"])


def _token_after(view: str, end: int) -> str:
    # "-long" reads as "long": "an hour-long video"
    m = re.match(r"[ \t]*-?(\n|[\w'.]+|[^\w\s])", view[end : end + 40])
    if not m or m.group(1) == "\n":
        return ""
    token = m.group(1)
    return token.rstrip(".") if len(token) > 1 else token


def _token_before(view: str, start: int) -> str:
    m = re.search(r"([\w']+|[^\w\s])\s*$", view[max(0, start - 40) : start])
    return m.group(1) if m else ""


def _reads_as_length(view: str, start: int, end: int, form: str, unit_is_hours: bool) -> bool:
    if form in ("cjk", "cjk_ms", "label"):
        return True
    nxt = _token_after(view, end)
    if nxt == "" or nxt == MASK or not re.match(r"\w", nxt):
        strong = True
    else:
        strong = nxt in _ACCEPT_AFTER
    if form == "mss" and view[start:end] == "9:16":
        return False  # the vertical aspect ratio, not nine minutes
    if not strong:
        return False
    if unit_is_hours and nxt not in VIDEO_NOUNS and nxt not in ("long", MASK):
        return False  # "steep 12 hours" is a recipe step; "an hour-long video" is a length
    before = _token_before(view, start)
    if before in _NEVER_BEFORE or _HOOK_NEAR.search(view, max(0, start - 25), start):
        return False
    return not (before in _RARELY_BEFORE and nxt not in VIDEO_NOUNS and nxt != MASK)


def _qualify(seconds: float, view: str, start: int, end: int) -> tuple[float, int, int]:
    """Apply "under", "up to", "about" ... before or after the length; widen the span."""
    before = _QUAL_BEFORE.search(view[max(0, start - 30) : start])
    after = _QUAL_AFTER.match(view, end)
    kind = None
    if before:
        kind = next(k for k, v in before.groupdict().items() if v)
        start = start - (len(view[max(0, start - 30) : start]) - before.start())
    if after:
        kind = kind or next(k for k, v in after.groupdict().items() if v)
        end = after.end()
    if kind == "under":
        seconds = seconds - (_UNDER_MARGIN_S if seconds > 2 * _UNDER_MARGIN_S else 1.0)
    elif kind == "over":
        seconds = seconds + _UNDER_MARGIN_S
    return seconds, start, end


def find_durations(doc: Doc) -> list[DurationHit]:
    """Every length in the brief that reads as the video's own; masks each."""
    hits: list[DurationHit] = []
    for form in _FORMS:
        view = doc.view
        for match in form.pattern.finditer(view):
            start, end = match.start(), match.end()
            if not doc.is_free(start, end):
                continue
            seconds = _value(form.name, match)
            hours = bool(re.search(rf"{_HOUR}$", match.group(0))) or (
                form.name == "a_unit" and (match.group("u") == "hour")
            )
            if seconds is None or not _reads_as_length(view, start, end, form.name, hours):
                continue
            seconds, start, end = _qualify(seconds, view, start, end)
            if not doc.is_free(start, end):
                continue
            hits.append(DurationHit(seconds, start, end, doc.text[start:end]))
            doc.mask(start, end, "duration")
    return sorted(hits, key=lambda hit: hit.start)


def pick_duration(hits: list[DurationHit]) -> float | None:
    """The video's length: the longest one asked for (see the module docstring)."""
    return max((hit.seconds for hit in hits), default=None)
