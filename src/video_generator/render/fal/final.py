"""The final video from AI clips: frames (for image-to-video), clips, then the preview's assembly.

The preview renderer owns frames and assembly; this module only orders the steps and hands
the clips over. It takes the renderer's two entry points as arguments (the seam below), so it
does not guess their names and works with any renderer that offers them:

    FrameRenderer(pkg, out_dir, platforms) -> {"<platform>/<shot_id>": still image}
    ClipAssembler(pkg, out_dir, clips)     -> whatever the renderer reports
        clips: {platform: {shot_id: clip}}; each clip already has the shot's length, the
        cut's size and fps, and no audio. The assembler lays each clip where the preview lays
        the shot's still (same transitions, captions, voice-over and timing) into
        <out_dir>/<platform>/final.mp4.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from a2a_mcp.agent import Progress
from video_generator.core.models import VideoPackage
from video_generator.render.fal.clips import ClipsReport, generate_clips
from video_generator.render.fal.cost import check_budget, estimate_cost
from video_generator.render.fal.models import Mode, get_model
from video_generator.render.fal.queue import FalQueueClient

FrameRenderer = Callable[[VideoPackage, Path, list[str]], Awaitable[Mapping[str, Path]]]
ClipAssembler = Callable[[VideoPackage, Path, dict[str, dict[str, Path]]], Awaitable[Any]]


class FinalRender(BaseModel):
    """What render_with_clips made: the clips run and the assembler's own report."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    clips: ClipsReport
    assembly: Any = None


async def render_with_clips(
    pkg: VideoPackage,
    model_id: str,
    out_dir: Path,
    *,
    render_frames: FrameRenderer | None,
    assemble: ClipAssembler,
    budget_usd: float | None = None,
    max_concurrency: int = 4,
    on_progress: Progress | None = None,
    platforms: list[str] | None = None,
    resolutions: Mapping[str, tuple[int, int]] | None = None,
    client: FalQueueClient,
    paid_dir: Path | None = None,
) -> FinalRender:
    """Budget check, frames (only when the model can start from an image), clips, assembly.

    The budget is checked before any frame is drawn or call made. Frames are used whenever
    the model has an image-to-video endpoint, so the clips keep the preview's look.
    """
    model = get_model(model_id)
    platforms = platforms or [cut.platform for cut in pkg.cuts]
    with_frames = model.endpoint(Mode.IMAGE) is not None and render_frames is not None
    estimate = estimate_cost(pkg, model_id, platforms, assume_frames=with_frames)
    check_budget(estimate, budget_usd, pkg)
    frames: Mapping[str, Path] | None = None
    if with_frames and render_frames is not None:
        frames = await render_frames(pkg, Path(out_dir), platforms)
    report = await generate_clips(
        pkg,
        model_id,
        Path(out_dir),
        budget_usd=budget_usd,
        max_concurrency=max_concurrency,
        on_progress=on_progress,
        frames=frames,
        platforms=platforms,
        resolutions=resolutions,
        client=client,
        paid_dir=paid_dir,
    )
    clips = {platform: report.paths(platform) for platform in platforms}
    assembly = await assemble(pkg, Path(out_dir), clips)
    return FinalRender(clips=report, assembly=assembly)
