"""The creator's own media (`--media DIR`): images and clips matched to shots, offline.

An item's words are its file name's, its folders' (relative to DIR) and its tags from an
optional tags file in DIR: `tags.json` ({"beach/sunset.jpg": ["sunset", "sea"]}) or `tags.txt`
(`beach/sunset.jpg: sunset, sea`, one file a line). A shot's words are its subject's and its
search terms'. Each shot takes, among the items used least so far, the one sharing the most
words with it (ties: the first by path), so every item is used once before any repeats.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

from video_generator.core.models import Shot

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
CLIP_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm", ".mkv")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of in on at to for with and or img dsc vid mov clip image photo".split()
)


def words_of(text: str) -> set[str]:
    """Lower-case words without stop words, plurals folded ("parents" -> "parent")."""
    out = set()
    for word in _WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()):
        if word in _STOP or word.isdigit():
            continue
        out.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return out


@dataclass
class MediaItem:
    path: Path
    relative: str  # as written in package.json: relative to DIR
    kind: str  # "still" or "clip"
    words: set[str] = field(default_factory=set)
    uses: int = 0


def _tags(folder: Path) -> dict[str, list[str]]:
    as_json = folder / "tags.json"
    if as_json.is_file():
        data = json.loads(as_json.read_text(encoding="utf-8"))
        return {str(k): [str(t) for t in v] for k, v in data.items()}
    as_text = folder / "tags.txt"
    tags: dict[str, list[str]] = {}
    if as_text.is_file():
        for line in as_text.read_text(encoding="utf-8").splitlines():
            name, sep, rest = line.partition(":")
            if sep and name.strip() and not line.lstrip().startswith("#"):
                tags[name.strip()] = [t.strip() for t in rest.split(",") if t.strip()]
    return tags


def scan_media(folder: Path) -> list[MediaItem]:
    """Every image and clip under `folder`, with its words."""
    folder = Path(folder)
    tags = _tags(folder)
    items = []
    for path in sorted(folder.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or path.name.startswith("."):
            continue
        kind = (
            "still" if suffix in IMAGE_EXTENSIONS else "clip" if suffix in CLIP_EXTENSIONS else ""
        )
        if not kind:
            continue
        relative = path.relative_to(folder).as_posix()
        words = words_of(" ".join(path.relative_to(folder).with_suffix("").parts))
        for tag in tags.get(relative, []) + tags.get(path.name, []):
            words |= words_of(tag)
        items.append(MediaItem(path, relative, kind, words))
    return items


def shot_words(shot: Shot) -> set[str]:
    return words_of(" ".join([shot.subject, *shot.search_terms]))


def match_media(shots: list[Shot], items: list[MediaItem]) -> dict[str, MediaItem]:
    """Shot id -> item: the best match among the least-used items (see the module docstring)."""
    chosen: dict[str, MediaItem] = {}
    if not items:
        return chosen
    for shot in shots:
        wanted = shot_words(shot)
        least = min(item.uses for item in items)
        pool = [item for item in items if item.uses == least]
        best = max(pool, key=lambda item: len(item.words & wanted))  # max keeps the first tie
        best.uses += 1
        chosen[shot.id] = best
    return chosen


def fit_still(source: Path, width: int, height: int, out: Path, fit: str = "cover") -> Path:
    """A photo cropped (centred) and scaled to cover the frame exactly: no letterbox, no
    stretching; EXIF rotation applied. fit="contain": the whole photo, letterboxed over a
    blurred copy of itself that fills the frame."""
    with Image.open(source) as image:
        photo = ImageOps.exif_transpose(image).convert("RGB")
        fitted = ImageOps.fit(photo, (width, height), Image.Resampling.LANCZOS)
        if fit == "contain":
            fitted = fitted.filter(ImageFilter.GaussianBlur(max(4, min(width, height) // 30)))
            whole = ImageOps.contain(photo, (width, height), Image.Resampling.LANCZOS)
            fitted.paste(whole, ((width - whole.width) // 2, (height - whole.height) // 2))
    out.parent.mkdir(parents=True, exist_ok=True)
    fitted.save(out, compress_level=1)
    return out
