"""storyboard.html: one self-contained page (inline CSS, no script, no external assets).

The page is polyglot markup: valid HTML5 that is also well-formed XML, so the tests can parse it
strictly with the standard library. Every user-derived string passes through html.escape, and
colours reach a style attribute only after matching a hex pattern.
"""

from __future__ import annotations

import re
from html import escape

from video_generator.core.models import PlatformCut, Scene, Shot, VideoPackage
from video_generator.core.origin import describe_text
from video_generator.output.common import (
    DRAFT_NOTE,
    HEX_COLOUR,
    Index,
    clock,
    draft_lines,
    hashtag,
    platform_name,
    segment_label,
    span,
    words,
)

_CSS = """
:root {
  --bg: #f6f7f9; --card: #ffffff; --ink: #1c1f24; --muted: #5d6570; --line: #e3e6eb;
  --accent: #3456d1; --pass: #1d7a46; --fail: #b3261e; --code: #eef1f6;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417; --card: #1b1e23; --ink: #e8eaed; --muted: #9aa3ad; --line: #2c3139;
    --accent: #8fa8ff; --pass: #5cc98a; --fail: #ff8a80; --code: #252a31;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji";
}
.wrap { max-width: 1180px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: clamp(1.6rem, 4vw, 2.4rem); line-height: 1.15; margin: 4px 0 12px; }
h2 { font-size: 1.3rem; margin: 40px 0 12px; }
h3 { font-size: 1.1rem; margin: 0; }
h4 { font-size: .78rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 14px 0 4px; }
code { font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--code); padding: 1px 6px; border-radius: 5px; }
.eyebrow { color: var(--muted); font-size: .9rem; margin: 0; }
.brief { margin: 0 0 18px; padding: 12px 16px; border-left: 4px solid var(--accent);
  background: var(--card); border-radius: 0 10px 10px 0; font-size: 1.05rem; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
  grid-auto-flow: dense;
  gap: 10px; margin: 0; }
.facts .wide { grid-column: span 2; }
.facts div { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 8px 12px; }
.facts dt { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: 2px 9px;
  border-radius: 999px; background: var(--code); color: var(--ink); white-space: nowrap; }
.pass { color: var(--pass); } .fail { color: var(--fail); }
.status { margin: 16px 0 0; font-weight: 600; }
.hook { background: var(--card); border: 1px solid var(--line); border-radius: 14px;
  padding: 16px 20px; }
.hook .line { font-size: 1.25rem; font-weight: 650; margin: 0 0 6px; }
.timeline { display: flex; height: 44px; border-radius: 10px; overflow: hidden;
  border: 1px solid var(--line); }
.timeline a { flex-basis: 0; min-width: 3px; border-right: 1px solid rgba(255,255,255,.6);
  display: block; }
.timeline a:hover { opacity: .8; }
.timeline a.scene-start { border-left: 3px solid var(--bg); }
.timeline a.scene-start:first-child { border-left: 0; }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: .8rem;
  margin-top: 4px; }
.scene { background: var(--card); border: 1px solid var(--line); border-radius: 16px;
  padding: 18px 20px; margin: 0 0 18px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.scene > header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
.num { display: inline-grid; place-items: center; width: 30px; height: 30px;
  border-radius: 50%; background: var(--accent); color: #fff; font-weight: 700;
  font-size: .9rem; }
.time { color: var(--muted); font-variant-numeric: tabular-nums; font-size: .9rem; }
.narration { font-size: 1.02rem; margin: 12px 0 6px; }
mark.draft { background: #fff1c2; color: inherit; border-bottom: 2px dotted #c98a00;
  padding: 0 2px; }
.draft-note { background: #fff8e0; border: 1px solid #f0d58a; border-radius: 10px;
  padding: 10px 14px; margin: 14px 0 0; }
.meta { color: var(--muted); font-size: .9rem; margin: 6px 0 0; display: flex; flex-wrap: wrap;
  align-items: center; gap: 6px 14px; }
.swatches { display: inline-flex; flex-wrap: wrap; gap: 4px; vertical-align: middle; }
.swatch { display: inline-block; font: .72rem/1 ui-monospace, Menlo, Consolas, monospace;
  padding: 5px 7px; border-radius: 6px; border: 1px solid rgba(0,0,0,.12); }
.shots { display: grid; gap: 14px; margin-top: 16px;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
.shot { border: 1px solid var(--line); border-radius: 12px; padding: 14px; min-width: 0; }
.shot > header { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap;
  align-items: baseline; }
.panel { margin: 12px 0 4px; }
.panel.portrait { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 14px;
  align-items: start; }
.panel.portrait .frame { height: 200px; }
.panel.landscape .frame { width: 100%; margin-bottom: 8px; }
.panel .fields { margin: 0; }
.frame { max-width: 100%; border-radius: 8px;
  display: flex; align-items: flex-end; justify-content: center; padding: 8px;
  text-align: center; overflow: hidden; box-shadow: inset 0 0 0 1px rgba(0,0,0,.08); }
.frame .caption { background: rgba(0,0,0,.68); color: #fff; border-radius: 6px;
  padding: 3px 7px; font-weight: 700; font-size: .78rem; line-height: 1.25;
  overflow-wrap: anywhere; max-width: 100%; }
.frame.empty { align-items: center; }
.frame.empty .caption { font-weight: 500; background: rgba(0,0,0,.45); }
.fields { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 0;
  font-size: .9rem; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; overflow-wrap: anywhere; }
.prompt { background: var(--code); border-radius: 8px; padding: 10px 12px; margin: 0;
  font-size: .9rem; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin-top: 8px; font-size: .9rem; }
summary { cursor: pointer; color: var(--accent); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 12px;
  background: var(--card); }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
td.n { font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td { background: rgba(179, 38, 30, .07); }
footer { color: var(--muted); font-size: .8rem; margin-top: 40px; }
@media (max-width: 560px) {
  .wrap { padding: 16px 12px 48px; }
  .scene { padding: 14px; }
  .panel.portrait .frame { height: 168px; }
}
"""


def e(value: object) -> str:
    """Escape any user-derived value for text or a quoted attribute."""
    return escape(str(value), quote=True)


def _anchor(prefix: str, raw_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", raw_id)
    return safe if safe.startswith(f"{prefix}-") else f"{prefix}-{safe}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _colours(palette: list[str]) -> list[str]:
    return [c for c in palette if HEX_COLOUR.fullmatch(c)]


def _ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on the colour (WCAG relative luminance)."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(ch * 2 for ch in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


def _swatches(palette: list[str]) -> str:
    chips = []
    for colour in palette:
        if HEX_COLOUR.fullmatch(colour):
            style = f"background:{colour};color:{_ink_on(colour)}"
            chips.append(f'<span class="swatch" style="{style}">{e(colour)}</span>')
        else:
            chips.append(f'<span class="swatch">{e(colour)}</span>')
    return f'<span class="swatches">{"".join(chips)}</span>'


def _fields(rows: list[tuple[str, str]]) -> str:
    items = "".join(f'<dt>{e(name)}</dt><dd dir="auto">{e(value)}</dd>' for name, value in rows)
    return f'<dl class="fields">{items}</dl>'


def _frame(shot: Shot, aspect: tuple[int, int]) -> str:
    colours = _colours(shot.palette) or ["#8a94a6"]
    stops = ", ".join(colours) if len(colours) > 1 else f"{colours[0]}, {colours[0]}"
    style = f"aspect-ratio:{aspect[0]} / {aspect[1]};background:linear-gradient(135deg, {stops})"
    if shot.on_screen_text:
        # A dark pill, like a burned-in caption: readable on any palette.
        text = f'<span class="caption" dir="auto">{e(shot.on_screen_text)}</span>'
        return f'<div class="frame" style="{style}">{text}</div>'
    label = f"{words(shot.type.value)} · {words(shot.camera_movement.value)}"
    return f'<div class="frame empty" style="{style}"><span class="caption">{e(label)}</span></div>'


def _shot(shot: Shot, scene: Scene, index: Index, aspect: tuple[int, int]) -> str:
    timed = index.shot_times.get(shot.id)
    when = span(timed.start_s, timed.end_s) if timed else "untimed"
    prompts = shot.prompts
    # Tall and square frames sit beside the fields, like a storyboard panel; wide ones on top.
    shape = "landscape" if aspect[0] > aspect[1] else "portrait"
    palette = (
        f'<div class="meta">Palette {_swatches(shot.palette)}</div>'
        if shot.palette != scene.palette
        else ""
    )
    return (
        f'<section class="shot" id="{e(_anchor("shot", shot.id))}">'
        f'<header><code>{e(shot.id)}</code><span class="time">{e(when)}</span></header>'
        f'<div class="panel {shape}">{_frame(shot, aspect)}'
        + _fields(
            [
                ("Shot", words(shot.type.value)),
                ("Camera", words(shot.camera_movement.value)),
                ("Composition", words(shot.composition)),
                ("Transition out", words(shot.transition.value)),
                ("Subject", shot.subject),
                ("Mood", shot.mood),
            ]
            + ([("On screen", shot.on_screen_text)] if shot.on_screen_text else [])
        )
        + "</div>"
        f'<p dir="auto">{e(shot.visual_description)}</p>'
        f"{palette}"
        f'<h4>Prompt</h4><p class="prompt" dir="auto">{e(prompts.prompt)}</p>'
        "<details><summary>Motion and negative prompts</summary>"
        f'<h4>Motion</h4><p class="prompt" dir="auto">{e(prompts.motion_prompt)}</p>'
        f'<h4>Negative</h4><p class="prompt" dir="auto">{e(prompts.negative_prompt)}</p>'
        "</details></section>"
    )


def _marked(text: str, drafts: list[str]) -> str:
    """Narration as HTML with each draft line highlighted (for the creator to replace)."""
    html = e(text)
    for line in dict.fromkeys(drafts):
        if line:
            mark = f'<mark class="draft" title="generic draft line: replace it">{e(line)}</mark>'
            html = html.replace(e(line), mark, 1)
    return html


def _scene(number: int, scene: Scene, index: Index, aspect: tuple[int, int]) -> str:
    timed = index.segment_times.get(scene.segment_id)
    segment = index.segments.get(scene.segment_id)
    parts = [
        f'<article class="scene" id="{e(_anchor("scene", scene.id))}"><header>',
        f'<span class="num">{number}</span><h3 dir="auto">{e(scene.title)}</h3>',
    ]
    if segment:
        parts.append(f'<span class="badge">{e(segment_label(segment.type.value))}</span>')
    if timed:
        parts.append(f'<span class="time">{e(span(timed.start_s, timed.end_s))}</span>')
    parts.append("</header>")
    if segment:
        narration = _marked(segment.narration, segment.draft_lines)
        parts.append(f'<p class="narration" dir="auto">{narration}</p>')
    meta = [
        f"<span><code>{e(scene.id)}</code> · <code>{e(scene.segment_id)}</code></span>",
        f'<span dir="auto">Mood: {e(scene.mood)}</span>',
        f"<span>Palette {_swatches(scene.palette)}</span>",
    ]
    if segment and segment.on_screen_text:
        text = e(segment.on_screen_text)
        meta.append(f'<span dir="auto">On screen: <strong>{text}</strong></span>')
    parts.append(f'<div class="meta">{"".join(meta)}</div>')
    parts.append('<div class="shots">')
    parts += [_shot(shot, scene, index, aspect) for shot in scene.shots]
    parts.append("</div></article>")
    return "".join(parts)


def _timeline(pkg: VideoPackage, index: Index) -> str:
    links = []
    for scene in pkg.storyboard.scenes:
        for number, shot in enumerate(scene.shots):
            timed = index.shot_times.get(shot.id)
            if timed is None or timed.end_s <= timed.start_s:
                continue
            colours = _colours(shot.palette) or ["#8a94a6"]
            style = f"flex-grow:{timed.end_s - timed.start_s:.3f};background:{colours[0]}"
            title = f"{scene.title}, {shot.id}: {span(timed.start_s, timed.end_s)}"
            # A scene's first shot gets a wider gap before it, so scenes read as groups.
            start = ' class="scene-start"' if number == 0 else ""
            links.append(
                f'<a href="#{e(_anchor("shot", shot.id))}"{start} style="{style}" '
                f'title="{e(title)}"></a>'
            )
    if not links:
        return "<p>No shot is timed yet.</p>"
    return (
        f'<div class="timeline">{"".join(links)}</div>'
        f'<div class="axis"><span>0:00.0</span><span>{e(clock(pkg.timing.total_s))}</span></div>'
    )


def _trimmed(cut: PlatformCut) -> str:
    edits = [f"{ed.segment_id} ({ed.action.value})" for ed in cut.edits if ed.action != "kept"]
    return ", ".join(edits or cut.trimmed_segments) or "none"


def _table(head: str, rows: list[str]) -> str:
    body = "".join(rows)
    return f'<div class="scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'


def _platform_table(pkg: VideoPackage) -> str:
    head = (
        "<tr><th>Platform</th><th>Format</th><th>Length</th><th>Hook ends</th>"
        "<th>Kept segments</th><th>Trimmed</th><th>Shots</th><th>Captions</th></tr>"
    )
    rows = []
    for cut in pkg.cuts:
        rows.append(
            "<tr>"
            f"<td><strong>{e(platform_name(cut.platform))}</strong></td>"
            f'<td class="n">{e(cut.aspect)} · {cut.resolution.width}×{cut.resolution.height}'
            f" · {cut.fps} fps</td>"
            f'<td class="n">{e(clock(cut.duration_s))}</td>'
            f'<td class="n">{e(clock(cut.hook_end_s))}</td>'
            f"<td>{e(', '.join(cut.kept_segments) or 'none')}</td>"
            f"<td>{e(_trimmed(cut))}</td>"
            f'<td class="n">{len(cut.shots)}</td>'
            f'<td class="n">{len(cut.captions)}</td>'
            "</tr>"
        )
    return _table(head, rows)


def _render_table(pkg: VideoPackage) -> str:
    """Per rendered platform: voice, music, loudness, and each shot's picture with its licence."""
    assert pkg.render is not None
    head = (
        "<tr><th>Platform</th><th>Shot</th><th>Source</th><th>File or id</th>"
        "<th>Licence and credit</th><th>Cost</th></tr>"
    )
    rows, notes = [], []
    for item in pkg.render.platforms:
        sound = [item.voice_name or "no voice"]
        if item.music:
            sound.append(f"music {item.music}")
        if item.loudness_lufs is not None:
            sound.append(f"{item.loudness_lufs:g} LUFS, {item.true_peak_dbtp:g} dBTP")
        if item.caption_style:
            sound.append(f"captions: {item.caption_style}")
        notes.append(
            f"<li><strong>{e(platform_name(item.platform))}</strong>: {e(' · '.join(sound))}</li>"
        )
        for shot in item.shots:
            credit = shot.licence + (f" · {shot.attribution}" if shot.attribution else "")
            where = shot.file or shot.id or ""
            link = f'<a href="{e(shot.url)}">{e(where)}</a>' if shot.url else e(where)
            rows.append(
                f"<tr><td>{e(item.platform)}</td><td>{e(shot.shot_id)}</td>"
                f"<td>{e(shot.source)} ({e(shot.kind)})</td><td>{link}</td>"
                f'<td dir="auto">{e(credit)}</td><td class="n">${shot.cost_usd:.2f}</td></tr>'
            )
    return f"<ul>{''.join(notes)}</ul>" + _table(head, rows)


def _quality_table(pkg: VideoPackage) -> str:
    if not pkg.quality.gates:
        return "<p>No gate was run.</p>"
    head = (
        "<tr><th>Gate</th><th>Scope</th><th>Value</th><th>Limit</th><th>Result</th>"
        "<th>Detail</th></tr>"
    )
    rows = []
    # Failures first: they are what a reader opens this table for.
    for gate in sorted(pkg.quality.gates, key=lambda g: g.passed):
        verdict = "pass" if gate.passed else "fail"
        result = f'<span class="{verdict}">{verdict}</span>'
        rows.append(
            f'<tr class="{"passed" if gate.passed else "failed"}">'
            f"<td>{e(words(gate.gate))}</td><td>{e(gate.scope)}</td>"
            f'<td class="n">{e(f"{gate.value:g}")} {e(gate.unit)}</td>'
            f'<td class="n">{e(gate.limit)}</td><td>{result}</td>'
            f'<td dir="auto">{e(gate.detail)}</td></tr>'
        )
    return _table(head, rows)


def _aspect(pkg: VideoPackage) -> tuple[int, int]:
    # Frames take the first cut's shape, so a vertical-first brief looks vertical.
    resolution = pkg.cuts[0].resolution
    return resolution.width, resolution.height


def storyboard_html(pkg: VideoPackage) -> str:
    """The whole page as a string (UTF-8 when written)."""
    brief, script, board, quality = pkg.brief, pkg.script, pkg.storyboard, pkg.quality
    index = Index.of(pkg)
    shots = board.shots()
    aspect = _aspect(pkg)
    failures = quality.failures()
    gates = _plural(len(quality.gates), "gate")
    status = (
        f'<p class="status pass">Quality: {gates} checked, all passed</p>'
        if quality.passed
        else f'<p class="status fail">Quality: {len(failures)} of {gates} failed</p>'
    )
    facts = [
        ("Topic", brief.topic),
        ("Audience", brief.audience),
        ("Tone", brief.tone.value),
        ("Style", brief.style.value),
        ("Platforms", ", ".join(platform_name(p) for p in brief.platforms)),
        ("Length", f"{clock(pkg.timing.total_s)} (target {brief.duration_s:g} s)"),
        ("Narration", f"{script.total_words} words at {script.words_per_minute:g} wpm"),
        ("Language", brief.language),
    ]
    # Long values (several platforms, a long audience) get two columns, not a tall box.
    wide = ' class="wide"'
    fact_html = "".join(
        f'<div{wide if len(v) > 24 else ""}><dt>{e(k)}</dt><dd dir="auto">{e(v)}</dd></div>'
        for k, v in facts
    )
    tags = " ".join(hashtag(t) for t in script.hashtags)
    engine = " · ".join(f"{k}: {v}" for k, v in pkg.engine.items())
    body = [
        '<div class="wrap"><header>',
        f'<p class="eyebrow">Storyboard · {e(board.style.value)} · {len(board.scenes)} scenes · '
        f"{len(shots)} shots · {e(clock(pkg.timing.total_s))}</p>",
        f'<h1 dir="auto">{e(script.title)}</h1>',
        f'<p class="eyebrow" id="text-origin">Words: '
        f"{e(describe_text(script.origin, board.origin))}</p>",
        f'<blockquote class="brief" dir="auto">{e(brief.text)}</blockquote>',
        f'<dl class="facts">{fact_html}</dl>',
        status,
        *([f'<p class="draft-note">{e(DRAFT_NOTE)}</p>'] if draft_lines(script) else []),
        "</header><main>",
        '<h2>Hook and call to action</h2><div class="hook">',
        f'<p class="line" dir="auto">'
        f"{_marked(script.hook.text, [script.hook.text] if script.hook.draft else [])}</p>",
        f'<p class="meta">Pattern: {e(words(script.hook.pattern))}</p>',
        f'<h4>Call to action</h4><p dir="auto">'
        f"{_marked(script.call_to_action, [script.call_to_action] if script.cta_draft else [])}"
        "</p>",
    ]
    if tags:
        body.append(f'<h4>Hashtags</h4><p dir="auto">{e(tags)}</p>')
    body += [
        "</div>",
        "<h2>Timeline</h2>",
        _timeline(pkg, index),
        "<h2>Scenes</h2>",
        *(_scene(n, scene, index, aspect) for n, scene in enumerate(board.scenes, start=1)),
        "<h2>Platforms</h2>",
        _platform_table(pkg),
        *(["<h2>Pictures and sound</h2>", _render_table(pkg)] if pkg.render else []),
        "<h2>Quality gates</h2>",
        _quality_table(pkg),
        "</main>",
        f"<footer>Package version {e(pkg.version)}" + (f" · {e(engine)}" if engine else ""),
        " · made by vidgen</footer></div>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(brief.language)}">\n<head>\n'
        '<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{e(script.title)} · storyboard</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
