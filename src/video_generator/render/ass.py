"""Word-level captions as ASS (Advanced SubStation Alpha): the word being spoken highlighted.

The words, with their times from the voice (render.voice), are grouped into short pages (1-3
words that fit one line of the caption box), shown centred in the platform's caption box, which
lies inside its safe zone. Styles (`--caption-style`):

- pop      upper-case white words, the one being spoken yellow and a little larger (one event
           per word, so the highlight moves exactly when the word starts)
- karaoke  one line per page, each word filled from white to yellow as it is said (\\kf)
- boxed    white text on a dark box, the word being spoken in green
- cues     no word captions: the timing sheet's caption cues, as in earlier versions

Format: http://www.tcax.org/docs/ass-specs.htm (libass renders it: https://github.com/libass).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from video_generator.render.frames import font
from video_generator.render.speech import Word

MAX_WORDS = 3
PAGE_GAP_S = 0.45  # a pause this long starts a new page
HOLD_S = 0.3  # a page stays up this long after its last word (unless the next one starts)
WHITE = "&H00FFFFFF"
YELLOW = "&H0000D8FF"  # ASS colours are &HAABBGGRR: RGB (255, 216, 0)
GREEN = "&H0044FF7A"  # RGB (122, 255, 68)
BLACK = "&H00000000"
BOX = "&H00141414"  # near-black, opaque: boxes of neighbouring words overlap without a seam


@dataclass(frozen=True)
class Box:
    """Where captions go, in the video's own pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Page:
    words: list[Word]
    start_s: float
    end_s: float


def _stamp(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    h, rem = divmod(cs, 360000)
    m, rem = divmod(rem, 6000)
    s, cs = divmod(rem, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _shown(text: str, style: str) -> str:
    clean = text.replace("{", "(").replace("}", ")").replace("\\", "/")
    return clean.upper() if style == "pop" else clean


def font_size(box: Box) -> int:
    """One line of caption, as large as short-video captions are: most of the box's height,
    but at least eight letters across its width."""
    return max(12, min(int(box.height * 0.6), int(box.width / 8)))


def paginate(words: list[Word], box: Box, size: int, style: str) -> list[Page]:
    """1-3 words a page, one line that fits the box, a new page after a sentence or a pause."""
    face = font("bold", size)
    room = box.width * 0.82  # the highlighted word grows by 12%
    pages: list[list[Word]] = []
    for word in words:
        page = pages[-1] if pages else None
        if page:
            line = " ".join(_shown(w.text, style) for w in [*page, word])
            ends_sentence = page[-1].text.rstrip("\"')»").endswith((".", "!", "?", ":", ";"))
            if (
                len(page) < MAX_WORDS
                and face.getlength(line) <= room
                and not ends_sentence
                and word.start_s - page[-1].end_s < PAGE_GAP_S
            ):
                page.append(word)
                continue
        pages.append([word])
    out = []
    for n, page in enumerate(pages):
        end = page[-1].end_s + HOLD_S
        if n + 1 < len(pages):
            end = min(end, pages[n + 1][0].start_s)
        out.append(Page(page, page[0].start_s, max(end, page[-1].end_s)))
    return out


def _header(width: int, height: int, size: int, style: str) -> list[str]:
    if style == "boxed":
        # BorderStyle 3: an opaque box behind the text, in the outline colour.
        look = f"{WHITE},{WHITE},{BOX},{BOX},-1,0,0,0,100,100,0,0,3,{max(2, size // 6)},0"
    elif style == "karaoke":
        # \kf fills from SecondaryColour (not yet said) to PrimaryColour (said).
        look = f"{YELLOW},{WHITE},{BLACK},{BLACK},-1,0,0,0,100,100,0,0,1,{max(2, size // 9)},1"
    else:
        look = f"{WHITE},{WHITE},{BLACK},{BLACK},-1,0,0,0,100,100,1,0,1,{max(2, size // 8)},1"
    return [
        "[Script Info]",
        "; word-level captions written by vidgen",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 2",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: {style},DejaVu Sans,{size},{look},5,10,10,10,1",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]


def _event(start: float, end: float, style: str, text: str) -> str:
    return f"Dialogue: 0,{_stamp(start)},{_stamp(end)},{style},,0,0,0,,{text}"


def build_ass(words: list[Word], style: str, width: int, height: int, box: Box) -> str:
    """The ASS file for these words, centred in `box` of a width x height video."""
    size = font_size(box)
    pos = f"{{\\an5\\pos({box.x + box.width // 2},{box.y + box.height // 2})}}"
    lines = _header(width, height, size, style)
    highlight = GREEN if style == "boxed" else YELLOW
    for page in paginate(words, box, size, style):
        if style == "karaoke":
            parts, cursor = [], page.start_s
            for word in page.words:
                gap = round((word.start_s - cursor) * 100)
                if gap > 0:
                    parts.append(f"{{\\k{gap}}}")
                said = max(1, round((word.end_s - max(word.start_s, cursor)) * 100))
                parts.append(f"{{\\kf{said}}}{_shown(word.text, style)} ")
                cursor = max(word.start_s, cursor) + said / 100
            lines.append(_event(page.start_s, page.end_s, style, pos + "".join(parts).rstrip()))
            continue
        for k, word in enumerate(page.words):
            start = page.start_s if k == 0 else word.start_s
            end = page.words[k + 1].start_s if k + 1 < len(page.words) else page.end_s
            if end <= start:
                continue
            shown = []
            for j, other in enumerate(page.words):
                text = _shown(other.text, style)
                if j == k:
                    grow = "\\fscx112\\fscy112" if style == "pop" else ""
                    text = f"{{\\c{highlight}{grow}}}{text}{{\\c{WHITE}\\fscx100\\fscy100}}"
                shown.append(text)
            lines.append(_event(start, end, style, pos + " ".join(shown)))
    return "\n".join(lines) + "\n"


def write_ass(words: list[Word], style: str, width: int, height: int, box: Box, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_ass(words, style, width, height, box), encoding="utf-8")
    return path


def words_from_cues(cues: list[tuple[float, float, str]]) -> list[Word]:
    """Word times for a silent preview: each cue's words spread over its span by letters."""
    out: list[Word] = []
    for start, end, text in cues:
        words = [w for w in text.split() if w.strip()]
        if not words:
            continue
        weights = [max(1, len(w)) for w in words]
        total, cursor = sum(weights), start
        for word, weight in zip(words, weights, strict=True):
            length = (end - start) * weight / total
            out.append(Word(word, cursor, cursor + length * 0.95))
            cursor += length
    return out
