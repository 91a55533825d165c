"""Pillow drawings: one still per shot, caption overlays, the contact sheet."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from video_generator.core.models import Shot
from video_generator.render.spans import ZOOM

FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Debian's fonts-dejavu-core (the Makefile's system-deps installs it); Pillow's own font else.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
_FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}

# A pan or tilt scales the still by ZOOM and slides a frame-sized window across it, so this
# share of each edge (in still coordinates) is off screen at one end of the move or the other.
MOTION_EDGE = (ZOOM - 1) / ZOOM
CONTACT_GAP = 8
CONTACT_LABEL = 26


def fonts_dir() -> Path | None:
    """The folder holding the bold caption font (libass is pointed at it), if any."""
    for folder in _FONT_DIRS:
        if (folder / _FONT_FILES["bold"]).is_file():
            return folder
    return None


@lru_cache(maxsize=64)
def font(weight: str, size: int) -> FontT:
    name = _FONT_FILES[weight]
    for folder in _FONT_DIRS:
        path = folder / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return (40, 40, 48)


def _luma(rgb: tuple[int, int, int]) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _scale(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    r, g, b = rgb
    return (int(r * factor), int(g * factor), int(b * factor))


def palette_roles(
    palette: list[str],
) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """(dark background top, background bottom, accent) from a scene's palette.

    The background is the palette's darkest colour pushed dark enough for white text to read
    at phone size; the accent is its most colourful one.
    """
    colours = [_rgb(c) for c in palette] or [(40, 40, 48)]
    darkest = min(colours, key=_luma)
    top = _scale(darkest, min(1.0, 60 / max(_luma(darkest), 1.0)))
    bottom = _scale(darkest, min(1.0, 25 / max(_luma(darkest), 1.0)))
    accent = max(colours, key=lambda c: max(c) - min(c))
    return top, bottom, accent


def wrap(text: str, face: FontT, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if not line or face.getlength(trial) <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return [line for line in lines if line] or [""]


def _clip_lines(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    kept = lines[: max(limit, 1)]
    kept[-1] = kept[-1].rstrip(" .,;:") + "…"
    return kept


def _gradient(width: int, height: int, top: tuple, bottom: tuple) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata(
        [
            tuple(int(t + (b - t) * i / 255) for t, b in zip(top, bottom, strict=True))
            for i in range(256)
        ]
    )
    return column.resize((width, height), Image.Resampling.BILINEAR)


def draw_still(shot: Shot, width: int, height: int, path: Path) -> Path:
    """The shot as a readable card: type, on-screen text, subject, description, in its palette.

    Text stays in the upper part of the frame (above 62% of the height), clear of where every
    platform's captions go, so one still serves every platform of the same size.
    """
    top, bottom, accent = palette_roles(shot.palette)
    image = _gradient(width, height, top, bottom)
    draw = ImageDraw.Draw(image, "RGBA")
    base = min(width, height)
    # A soft disc in the accent colour stands in for the subject.
    radius = int(base * 0.42)
    cx, cy = int(width * 0.72), int(height * 0.70)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(*accent, 70))
    draw.ellipse(
        (cx - radius // 2, cy - radius // 2, cx + radius // 2, cy + radius // 2),
        fill=(*accent, 110),
    )

    # Text starts past the motion edge plus some air, and below the platforms' top bars.
    margin = int(width * (MOTION_EDGE + 0.045))
    text_w = width - 2 * margin
    y = int(height * (MOTION_EDGE + (0.065 if height > width else 0.045)))
    limit = int(height * (0.62 if height > width else 0.70))

    badge_font = font("bold", max(10, int(base * 0.040)))
    label = shot.type.value.replace("_", " ").upper()
    move = shot.camera_movement.value.replace("_", " ")
    pad = int(base * 0.014)
    badge_w = int(badge_font.getlength(label)) + 2 * pad
    badge_h = int(base * 0.040) + 2 * pad
    draw.rounded_rectangle((margin, y, margin + badge_w, y + badge_h), radius=pad, fill=accent)
    ink = (20, 20, 24) if _luma(accent) > 140 else (255, 255, 255)
    draw.text((margin + pad, y + pad), label, font=badge_font, fill=ink)
    small = font("regular", max(9, int(base * 0.034)))
    draw.text(
        (margin + badge_w + pad, y + pad), f"{move} · {shot.id}", font=small, fill=(230, 230, 235)
    )
    y += badge_h + int(base * 0.05)

    if shot.on_screen_text.strip():
        osd = font("bold", max(12, int(base * 0.085)))
        for line in _clip_lines(wrap(shot.on_screen_text, osd, text_w), 3):
            draw.text(
                (margin, y),
                line,
                font=osd,
                fill=(255, 255, 255),
                stroke_width=2,
                stroke_fill=(0, 0, 0),
            )
            y += int(base * 0.10)
        y += int(base * 0.03)

    subject = font("bold", max(11, int(base * 0.055)))
    for line in _clip_lines(wrap(shot.subject[:1].upper() + shot.subject[1:], subject, text_w), 2):
        draw.text(
            (margin, y), line, font=subject, fill=accent if _luma(accent) > 90 else (255,) * 3
        )
        y += int(base * 0.066)
    y += int(base * 0.02)

    body = font("regular", max(10, int(base * 0.040)))
    step = int(base * 0.052)
    room = max(0, (limit - y) // step)
    for line in _clip_lines(wrap(shot.visual_description, body, text_w), room):
        if room <= 0:
            break
        draw.text((margin, y), line, font=body, fill=(235, 235, 240))
        y += step
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, compress_level=1)
    return path


def draw_caption(text: str, width: int, height: int, path: Path | None) -> Image.Image:
    """A transparent overlay the size of the caption box: the cue's lines, centred, on a band."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    lines = [line for line in text.splitlines() if line.strip()]
    if lines:
        size = max(8, int(height / (len(lines) * 1.25 + 0.3)))
        face = font("bold", size)
        while size > 8 and max(face.getlength(line) for line in lines) > width * 0.94:
            size -= 1
            face = font("bold", size)
        line_h = int(size * 1.22)
        block_h = line_h * len(lines)
        block_w = int(max(face.getlength(line) for line in lines))
        y0 = (height - block_h) // 2
        pad = max(2, size // 4)
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle(
            (
                (width - block_w) // 2 - pad,
                y0 - pad // 2,
                (width + block_w) // 2 + pad,
                y0 + block_h + pad // 2,
            ),
            radius=pad,
            fill=(0, 0, 0, 150),
        )
        for n, line in enumerate(lines):
            x = (width - face.getlength(line)) / 2
            draw.text(
                (x, y0 + n * line_h),
                line,
                font=face,
                fill=(255, 255, 255, 255),
                stroke_width=max(1, size // 14),
                stroke_fill=(0, 0, 0, 255),
            )
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, compress_level=1)
    return image


def contact_layout(count: int, width: int, height: int) -> tuple[int, int, int, int]:
    """(columns, rows, tile width, tile height) of a contact sheet of `count` shots."""
    columns = min(count, 6 if height > width else 4)
    rows = math.ceil(count / max(columns, 1))
    tile_w = 180 if height > width else 320
    tile_h = round(tile_w * height / width)
    return columns, rows, tile_w, tile_h


def contact_size(count: int, width: int, height: int) -> tuple[int, int]:
    columns, rows, tile_w, tile_h = contact_layout(count, width, height)
    return (
        columns * tile_w + (columns + 1) * CONTACT_GAP,
        rows * (tile_h + CONTACT_LABEL) + (rows + 1) * CONTACT_GAP,
    )


def draw_contact(tiles: list[tuple[Path, str]], width: int, height: int, path: Path) -> Path:
    """Every shot of a cut on one sheet, in order, each labelled (number, id, times)."""
    columns, _rows, tile_w, tile_h = contact_layout(len(tiles), width, height)
    sheet = Image.new("RGB", contact_size(len(tiles), width, height), (18, 18, 22))
    draw = ImageDraw.Draw(sheet)
    label_font = font("regular", 13)
    for n, (still, label) in enumerate(tiles):
        col, row = n % columns, n // columns
        x = CONTACT_GAP + col * (tile_w + CONTACT_GAP)
        y = CONTACT_GAP + row * (tile_h + CONTACT_LABEL + CONTACT_GAP)
        with Image.open(still) as image:
            sheet.paste(
                image.convert("RGB").resize((tile_w, tile_h), Image.Resampling.BILINEAR), (x, y)
            )
        draw.text((x + 2, y + tile_h + 5), label, font=label_font, fill=(220, 220, 225))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, optimize=False)
    return path
