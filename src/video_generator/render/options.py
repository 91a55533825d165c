"""What a creator chose for a render beyond the package: voice, caption style, music, media."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from video_generator.render.services import RenderServices

CAPTION_STYLES = ("pop", "karaoke", "boxed", "cues")
DEFAULT_CAPTION_STYLE = "pop"


@dataclass(frozen=True)
class RenderOptions:
    voice: str | None = None  # a name from `vidgen voices`; None: the best installed
    caption_style: str = DEFAULT_CAPTION_STYLE  # one of CAPTION_STYLES
    music: Path | None = None  # a file, or a folder to pick from
    media: Path | None = None  # the creator's own images and clips
    stock: bool = True  # search Pexels/Pixabay when their keys are set
    fit: str = "cover"  # "contain": media and stock shown whole, letterboxed over a blur
    keyframes: str | None = None  # a fal text-to-image model id (FLUX): AI keyframes
    paid_dir: Path | None = None  # where paid AI pictures are kept (default: out_dir/clips)
    # The stock and fal endpoints and keys, from the settings (render_video); none by default.
    services: RenderServices = field(default_factory=RenderServices)
