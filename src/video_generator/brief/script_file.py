"""Reading a creator's script (plain text or Markdown) into a ScriptSource and its brief line.

The words are kept as written: Markdown markup (emphasis, list bullets, quotes) is dropped and a
paragraph's lines are joined, nothing else. docs/scripts.md describes the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from video_generator.core.limits import MAX_REQUEST_TEXT
from video_generator.core.models import Brief, ScriptSource, SegmentType, SourceSegment
from video_generator.core.pacing import spoken_seconds, words_per_minute

MAX_SCRIPT_BYTES = 200_000  # a 60-minute script is ~50 KB; anything far larger is a mistake

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FIELD = re.compile(r"^(brief|hashtags|title|cta|call to action)\s*:\s*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+")

# Heading words that name a segment's type; anything else is a point (its heading on screen).
_TYPES: dict[str, SegmentType] = {
    "hook": SegmentType.HOOK,
    "opening": SegmentType.HOOK,
    "opener": SegmentType.HOOK,
    "intro": SegmentType.INTRO,
    "introduction": SegmentType.INTRO,
    "recap": SegmentType.RECAP,
    "summary": SegmentType.RECAP,
    "wrap-up": SegmentType.RECAP,
    "proof": SegmentType.PROOF,
    "result": SegmentType.PROOF,
    "results": SegmentType.PROOF,
    "cta": SegmentType.CTA,
    "call to action": SegmentType.CTA,
    "outro": SegmentType.CTA,
    "ending": SegmentType.CTA,
    "close": SegmentType.CTA,
}


class ScriptFileError(ValueError):
    """The script cannot be read; the message says what is wrong and how to fix it."""


@dataclass
class ScriptFile:
    """What a script file holds: the script, and the brief line that sets platforms and tone."""

    source: ScriptSource
    brief: str = ""
    warnings: list[str] = field(default_factory=list)


def _clean(line: str) -> str:
    line = line.strip()
    line = line.lstrip(">").strip()
    line = _BULLET.sub("", line)
    return _EMPHASIS.sub("", line).strip()


def _heading_type(heading: str) -> SegmentType | None:
    key = re.sub(r"[^a-z -]", "", heading.lower()).strip()
    key = re.sub(r"^(the|a|an)\s+", "", key)
    if key.startswith("step"):
        return SegmentType.DEMO
    return _TYPES.get(key)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its own punctuation."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


@dataclass
class _Section:
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(self.paragraphs)


def _sections(text: str, found: dict[str, str]) -> tuple[str | None, list[_Section]]:
    """The title (a level-1 heading before any text), and the sections under each heading."""
    title: str | None = None
    sections: list[_Section] = [_Section(heading=None)]
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            sections[-1].paragraphs.append(" ".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            close()
            level, words = len(heading.group(1)), _clean(heading.group(2))
            nothing_yet = len(sections) == 1 and not sections[0].paragraphs
            if level == 1 and title is None and nothing_yet:
                title = words
            else:
                sections.append(_Section(heading=words))
            continue
        matched = _FIELD.match(line)
        if matched and not paragraph:
            close()
            found[matched.group(1).lower()] = matched.group(2).strip()
            continue
        if not line or set(line) <= {"-", "*", "_", "="}:
            close()
            continue
        cleaned = _clean(line)
        if cleaned:
            paragraph.append(cleaned)
    close()
    return title, [s for s in sections if s.paragraphs]


def _segments(sections: list[_Section]) -> list[SourceSegment]:
    """Segments from sections; without headings, the first sentence is the hook, the last one
    the call to action and each paragraph between them a point."""
    if len(sections) == 1 and sections[0].heading is None:
        paragraphs = list(sections[0].paragraphs)
        first = split_sentences(paragraphs[0])
        if len(paragraphs) == 1 and len(first) < 2:
            raise ScriptFileError(
                "the script has one sentence; it needs at least two (the first is the hook, "
                "the last the call to action), or headings such as '## Hook' and '## Call to "
                "action'"
            )
        hook = first[0]
        paragraphs[0] = " ".join(first[1:])
        last = split_sentences(paragraphs[-1]) if paragraphs[-1] else []
        if len(paragraphs) == 1 and len(last) == 1:
            body, cta = [], last[0]
        else:
            cta = last[-1]
            paragraphs[-1] = " ".join(last[:-1])
            body = [p for p in paragraphs if p]
        return [
            SourceSegment(narration=hook),
            *(SourceSegment(narration=p) for p in body),
            SourceSegment(narration=cta),
        ]
    segments = []
    for section in sections:
        kind = _heading_type(section.heading) if section.heading else None
        named = kind is None and section.heading is not None
        segments.append(
            SourceSegment(
                narration=section.text(),
                type=kind,
                heading=section.heading,
                on_screen_text=section.heading if named else None,
            )
        )
    if len(segments) < 2:
        raise ScriptFileError(
            "the script has one section; it needs at least two (a hook first and a call to "
            "action last), e.g. '## Hook' and '## Call to action'"
        )
    # The first segment opens the video and the last closes it, whatever their headings say;
    # a hook or a call to action in the middle reads as an ordinary point there.
    for position, segment in enumerate(segments):
        edge = position in (0, len(segments) - 1)
        if edge and segment.type not in (SegmentType.HOOK, SegmentType.CTA):
            segments[position] = segment.model_copy(update={"type": None})
        elif not edge and segment.type in (SegmentType.HOOK, SegmentType.CTA):
            segments[position] = segment.model_copy(update={"type": SegmentType.POINT})
    if segments[0].type is SegmentType.CTA:
        segments[0] = segments[0].model_copy(update={"type": None})
    if segments[-1].type is SegmentType.HOOK:
        segments[-1] = segments[-1].model_copy(update={"type": None})
    return segments


def parse_script(text: str) -> ScriptFile:
    """A script's text as a ScriptSource; ScriptFileError says what is wrong."""
    if not text.strip():
        raise ScriptFileError("the script is empty: write the words the video should say")
    found: dict[str, str] = {}
    title, sections = _sections(text, found)
    if not sections:
        raise ScriptFileError(
            "the script has headings but no words under them: write the narration below each "
            "heading"
        )
    title = found.get("title") or title
    hashtags = (
        [t if t.startswith("#") else f"#{t}" for t in re.split(r"[\s,]+", found["hashtags"]) if t]
        if found.get("hashtags")
        else None
    )
    cta = found.get("cta") or found.get("call to action")
    try:
        source = ScriptSource(
            segments=_segments(sections), title=title, hashtags=hashtags, call_to_action=cta
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScriptFileError(f"the script cannot be used: {where}: {first['msg']}") from None
    return ScriptFile(source=source, brief=found.get("brief", ""))


def read_script(path: Path) -> ScriptFile:
    """Read and parse a script file; ScriptFileError names the file and the problem."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ScriptFileError(f"--script {path}: no such file (give a .md or .txt script)")
    if path.stat().st_size > MAX_SCRIPT_BYTES:
        raise ScriptFileError(
            f"--script {path}: {path.stat().st_size:,} bytes is more than a video script "
            f"(at most {MAX_SCRIPT_BYTES:,})"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScriptFileError(f"--script {path}: not UTF-8 text (save it as UTF-8)") from None
    try:
        return parse_script(text)
    except ScriptFileError as exc:
        raise ScriptFileError(f"--script {path}: {exc}") from None


def brief_text(brief: str, source: ScriptSource, fallback_topic: str | None = None) -> str:
    """A brief the parser reads: the creator's brief line, with the script's title as the topic
    when the line names none ('45 seconds, TikTok, calm')."""
    from video_generator.brief import BriefError, parse_brief

    brief = brief.strip()
    if brief:
        try:
            parse_brief(brief)
            return brief[:MAX_REQUEST_TEXT]
        except BriefError as exc:
            if exc.code != "no_topic":
                raise
    topic = source.title or fallback_topic
    if not topic:
        return brief  # the parser's own no-topic message follows
    topic = topic.strip().rstrip(".")
    return (f"Topic: {topic}. {brief}" if brief else f"Topic: {topic}.")[:MAX_REQUEST_TEXT]


def script_seconds(source: ScriptSource, brief: Brief, base_wpm: float) -> float:
    """How long a creator's script runs spoken at the brief's pace (from `base_wpm`, the
    settings' words per minute), pauses included (the pacing rules of core.pacing,
    docs/templates.md)."""
    # Imported on use: the engines package (its LLM client) is heavy, and the CLI reads a
    # script before any agent is needed.
    from video_generator.engines.english import word_count

    wpm = words_per_minute(brief.tone, brief.style, base_wpm)
    words = sum(word_count(s.narration) for s in source.segments)
    return max(1.0, float(round(spoken_seconds(words, wpm))))
