"""script.md and storyboard.md: the script and the storyboard as Markdown a person reads."""

from __future__ import annotations

import re

from video_generator.core.models import Shot, VideoPackage
from video_generator.output.common import (
    DRAFT_NOTE,
    Index,
    clock,
    draft_lines,
    hashtag,
    platform_name,
    segment_label,
    span,
    words,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=[A-Za-z#])")
# What would start a block at the head of a line: heading, quote, list item, rule, setext line.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$)|[-=](?=[-=\s]*$))")
_ORDERED_START = re.compile(r"^(\d+)([.)])(?=\s|$)")


def md(text: str) -> str:
    """User text as one line of literal Markdown: no emphasis, links, HTML or headings sneak in."""
    text = " ".join(text.split())
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _BLOCK_START.sub(lambda m: "\\" + m.group(0), text)
    return _ORDERED_START.sub(r"\1\\\2", text)


def code(text: str) -> str:
    """An inline code span that holds any text, backticks included."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(text: str, info: str = "text") -> str:
    """A code block fenced longer than any backtick run inside, so the text stays verbatim."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.strip()}\n{fence}"


def _table(rows: list[tuple[str, str]]) -> list[str]:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows if value]
    return lines


def script_markdown(pkg: VideoPackage) -> str:
    """Title, brief, hook, every segment with type, narration, on-screen text and timing, CTA."""
    brief, script, timing = pkg.brief, pkg.script, pkg.timing
    index = Index.of(pkg)
    out = [f"# {md(script.title)}", "", f"> {md(brief.text)}", ""]
    out += _table(
        [
            ("Topic", md(brief.topic)),
            ("Audience", md(brief.audience)),
            ("Tone, style", f"{brief.tone.value}, {brief.style.value}"),
            ("Platforms", md(", ".join(platform_name(p) for p in brief.platforms))),
            (
                "Length",
                f"{timing.total_s:.1f} s timed (target {brief.duration_s:g} s); "
                f"{script.total_words} words at {script.words_per_minute:g} wpm",
            ),
            ("Language", md(script.language)),
        ]
    )
    if draft_lines(script):
        out += ["", f"**{md(DRAFT_NOTE)}**"]
    out += ["", "## Hook", "", f"**{md(script.hook.text)}**", ""]
    out += [f"Pattern: {md(script.hook.pattern)}" + (" · draft" if script.hook.draft else ""), ""]
    out += ["## Segments", ""]
    for number, seg in enumerate(script.segments, start=1):
        timed = index.segment_times.get(seg.id)
        when = span(timed.start_s, timed.end_s) if timed else f"~{seg.estimated_s:.1f} s (untimed)"
        out += [f"### {number}. {segment_label(seg.type.value)} · {code(seg.id)} · {when}", ""]
        out += [md(seg.narration) or "_(no narration)_", ""]
        if seg.draft_lines:
            # Beside the narration, not inside it: the creator edits the paragraph above.
            out += ["Draft: " + " · ".join(f"“{md(line)}”" for line in seg.draft_lines), ""]
        if seg.on_screen_text:
            out += [f"On screen: **{md(seg.on_screen_text)}**", ""]
        facts = [f"{seg.word_count} words", f"{seg.shot_count} shot(s)"]
        if seg.key_point:
            facts.append(f"key point: {md(seg.key_point)}")
        if seg.optional:
            facts.append("optional (may be dropped on short platforms)")
        out += ["_" + "; ".join(facts) + "_", ""]
    cta = md(script.call_to_action) + (" _(draft)_" if script.cta_draft else "")
    out += ["## Call to action", "", cta, ""]
    if script.hashtags:
        out += ["## Hashtags", "", md(" ".join(hashtag(t) for t in script.hashtags)), ""]
    return "\n".join(out)


def _shot_markdown(shot: Shot, index: Index) -> list[str]:
    timed = index.shot_times.get(shot.id)
    when = span(timed.start_s, timed.end_s) if timed else "untimed"
    out = [f"### Shot {code(shot.id)} · {when}", ""]
    out += _table(
        [
            ("Shot type", words(shot.type.value)),
            ("Camera", words(shot.camera_movement.value)),
            ("Composition", md(words(shot.composition))),
            ("Transition out", words(shot.transition.value)),
            ("Subject", md(shot.subject)),
            ("Mood", md(shot.mood)),
            ("Palette", md(" ".join(shot.palette))),
            ("On screen", md(shot.on_screen_text)),
        ]
    )
    out += ["", md(shot.visual_description), ""]
    out += ["Prompt:", "", fenced(shot.prompts.prompt), ""]
    out += ["Motion prompt:", "", fenced(shot.prompts.motion_prompt), ""]
    out += ["Negative prompt:", "", fenced(shot.prompts.negative_prompt), ""]
    return out


def storyboard_markdown(pkg: VideoPackage) -> str:
    """Every scene and shot with its fields, timings and generation prompts."""
    board = pkg.storyboard
    index = Index.of(pkg)
    shots = board.shots()
    out = [f"# Storyboard: {md(board.title)}", ""]
    out += [
        f"{board.style.value.capitalize()}; {len(board.scenes)} scenes, {len(shots)} shots, "
        f"{clock(pkg.timing.total_s)} in all.",
        "",
    ]
    for number, scene in enumerate(board.scenes, start=1):
        timed = index.segment_times.get(scene.segment_id)
        when = f" · {span(timed.start_s, timed.end_s)}" if timed else ""
        out += [f"## Scene {number}: {md(scene.title)} · {code(scene.id)}{when}", ""]
        segment = index.segments.get(scene.segment_id)
        if segment:
            kind = words(segment.type.value)
            out += [f"Segment {code(segment.id)} ({kind}): {md(segment.narration)}", ""]
        out += [f"Mood: {md(scene.mood)}; palette: {md(' '.join(scene.palette))}", ""]
        for shot in scene.shots:
            out += _shot_markdown(shot, index)
    return "\n".join(out)
