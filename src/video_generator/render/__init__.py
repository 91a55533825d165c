"""Offline preview renderer (Pillow stills, ffmpeg motion, captions, espeak-ng voice-over).

Public API:

    await render_package(pkg, out_dir, *, full_res=False, platforms=None, max_workers=None,
                         on_progress=None) -> RenderReport
    await render_frames(pkg, out_dir, platforms) -> {"<platform>/<shot_id>": Path}
    await assemble(pkg, out_dir, clips) -> RenderReport        (writes <platform>/final.mp4)

fal.ai clips live in video_generator.render.fal and call render_frames / assemble.
"""

from __future__ import annotations

from video_generator.render.errors import RenderError
from video_generator.render.preview import assemble, render_frames, render_package
from video_generator.render.report import PlatformRender, RenderReport

__all__ = [
    "PlatformRender",
    "RenderError",
    "RenderReport",
    "assemble",
    "render_frames",
    "render_package",
]
