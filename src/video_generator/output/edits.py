"""A package folder's hand edits read back: script.md narration and package.json, as a script.

`vidgen render DIR` sends what this returns to the orchestrator as the creator's own script, so
captions, timing and cuts are made again from the words as they now stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from video_generator.brief.script_file import ScriptFileError, _heading_type
from video_generator.core.models import (
    Script,
    ScriptSource,
    SegmentType,
    SourceSegment,
    VideoPackage,
)
from video_generator.output.package import edited_files, read_package

_SEGMENT = re.compile(r"^###\s+(?:\d+\.\s+)?(?P<label>[^·`]*?)\s*(?:·\s*`(?P<id>[^`]+)`.*)?$")
_ESCAPE = re.compile(r"\\(.)")
_FACTS = re.compile(r"^_.*_$")
_META = ("Draft: ", "On screen: ", "Pattern: ")


def unescape(text: str) -> str:
    """Markdown as script.md writes it (md() in output/markdown.py) back to the plain words."""
    return _ESCAPE.sub(r"\1", text.strip())


@dataclass
class _Part:
    label: str
    id: str | None
    narration: list[str] = field(default_factory=list)
    on_screen: str | None = None


@dataclass
class ScriptMd:
    """What script.md says now: title, each segment's words in order, hook and CTA sections."""

    title: str | None = None
    segments: list[_Part] = field(default_factory=list)
    hook: str | None = None
    call_to_action: str | None = None


def parse_script_md(text: str) -> ScriptMd:
    """Read script.md as vidgen writes it, with the creator's edits: narration paragraphs under
    each `### n. Type · `seg-NN`` heading (a new heading without an id is a new segment; a
    removed one is gone), the on-screen line, the hook and call-to-action sections."""
    found = ScriptMd()
    section = ""
    part: _Part | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# ") and found.title is None and not section:
            found.title = unescape(line[2:])
            continue
        if line.startswith("## "):
            section = line[3:].strip().lower()
            part = None
            continue
        if section == "segments" and line.startswith("### "):
            matched = _SEGMENT.match(line)
            label = matched.group("label").strip() if matched else line[4:].strip()
            part = _Part(label=label, id=matched.group("id") if matched else None)
            found.segments.append(part)
            continue
        if not line or line.startswith(">") or line.startswith("|"):
            continue
        if section == "hook" and line.startswith("**") and found.hook is None:
            found.hook = unescape(line.strip("*"))
        elif section == "call to action" and found.call_to_action is None:
            found.call_to_action = unescape(line.replace("_(draft)_", ""))
        elif section == "segments" and part is not None:
            if line.startswith("On screen: "):
                part.on_screen = unescape(line[len("On screen: ") :].strip("*"))
            elif line.startswith(_META) or _FACTS.match(line) or line == "_(no narration)_":
                continue
            else:
                part.narration.append(unescape(line))
    return found


def _type_of(label: str) -> SegmentType | None:
    try:
        return SegmentType(label.lower())
    except ValueError:
        return _heading_type(label)


def source_from_script(script: Script) -> ScriptSource:
    """A package's script as the creator's own: ids, types and words kept, draft marks kept for
    the lines still there."""
    last = script.segments[-1]
    cta = script.call_to_action if script.call_to_action in last.narration else None
    return ScriptSource(
        segments=[
            SourceSegment(
                id=s.id,
                type=s.type,
                narration=s.narration,
                on_screen_text=s.on_screen_text or None,
                key_point=s.key_point,
                draft_lines=list(s.draft_lines),
            )
            for s in script.segments
        ],
        title=script.title,
        call_to_action=cta,
        hashtags=list(script.hashtags) or None,
    )


def _apply_script_md(script: Script, edits: ScriptMd) -> ScriptSource:
    """The script with script.md's words in place of package.json's."""
    by_id = {s.id: s for s in script.segments}
    segments: list[SourceSegment] = []
    for part in edits.segments:
        narration = " ".join(part.narration).strip()
        if not narration:
            continue  # a segment whose words were deleted is gone
        old = by_id.get(part.id or "")
        if old is not None:
            segments.append(
                SourceSegment(
                    id=old.id,
                    type=old.type,
                    narration=narration,
                    on_screen_text=part.on_screen if part.on_screen is not None else None,
                    key_point=old.key_point,
                    draft_lines=[d for d in old.draft_lines if d in narration],
                )
            )
        else:
            segments.append(
                SourceSegment(narration=narration, type=_type_of(part.label), heading=part.label)
            )
    if edits.hook and segments and by_id.get(segments[0].id or ""):
        first = by_id[segments[0].id or ""]
        if segments[0].narration == first.narration and edits.hook != script.hook.text:
            segments[0] = segments[0].model_copy(update={"narration": edits.hook})
    # The first segment opens and the last closes the video, whatever was moved.
    if segments and segments[0].type not in (None, SegmentType.HOOK):
        segments[0] = segments[0].model_copy(update={"type": None})
    if segments and segments[-1].type not in (None, SegmentType.CTA):
        segments[-1] = segments[-1].model_copy(update={"type": None})
    for i in range(1, len(segments) - 1):
        if segments[i].type in (SegmentType.HOOK, SegmentType.CTA):
            segments[i] = segments[i].model_copy(update={"type": SegmentType.POINT})
    if len(segments) < 2:
        raise ScriptFileError(
            "script.md has fewer than two segments with words; keep a hook and a call to action"
        )
    cta = edits.call_to_action
    if cta is None or cta == script.call_to_action:
        cta = script.call_to_action
    cta = cta if cta and cta in segments[-1].narration else None
    return ScriptSource(
        segments=segments,
        title=edits.title or script.title,
        call_to_action=cta,
        hashtags=list(script.hashtags) or None,
    )


@dataclass
class Edits:
    """A package folder as its creator left it: the package, which files changed, the words."""

    package: VideoPackage
    edited: list[str]
    source: ScriptSource


def read_edits(folder: Path) -> Edits:
    """The package in `folder` with its hand edits: package.json as it is now (PackageReadError
    when it no longer reads), then script.md's words when script.md was edited."""
    folder = Path(folder)
    package = read_package(folder)
    edited = edited_files(folder)
    source = source_from_script(package.script)
    if "script.md" in edited and (folder / "script.md").is_file():
        text = (folder / "script.md").read_text(encoding="utf-8", errors="replace")
        source = _apply_script_md(package.script, parse_script_md(text))
    return Edits(package=package, edited=edited, source=source)
