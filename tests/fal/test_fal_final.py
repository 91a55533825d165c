"""render_with_clips: budget first, frames only for image models, clips handed to the assembly."""

from __future__ import annotations

import shutil
from pathlib import Path

import imageio_ffmpeg
import pytest

from fal_standin import FalStandIn
from fal_support import ClientFactory
from video_generator.core.models import VideoPackage
from video_generator.render.fal import BudgetExceededError, estimate_cost, render_with_clips
from video_generator.render.tools import ffmpeg_exe, run_tool

SMALL = {"tiktok": (72, 128), "youtube": (128, 72)}


class FrameStub:
    """Draws (copies) one still per platform and shot, as the preview renderer would."""

    def __init__(self, still: Path) -> None:
        self.still = still
        self.calls = 0

    async def __call__(self, pkg: VideoPackage, out_dir: Path, platforms: list[str]):
        self.calls += 1
        frames = {}
        for platform in platforms:
            folder = out_dir / "frames" / platform
            folder.mkdir(parents=True, exist_ok=True)
            for timed in pkg.cut(platform).shots:
                path = folder / f"{timed.shot_id}.png"
                shutil.copyfile(self.still, path)
                frames[f"{platform}/{timed.shot_id}"] = path
        return frames


async def concat_assembler(pkg: VideoPackage, out_dir: Path, clips: dict[str, dict[str, Path]]):
    """The simplest assembly: the clips back to back (hard cuts), one final.mp4 per platform."""
    finals = {}
    for platform, by_shot in clips.items():
        listing = out_dir / platform / "clips.txt"
        listing.parent.mkdir(parents=True, exist_ok=True)
        order = [timed.shot_id for timed in pkg.cut(platform).shots]
        listing.write_text("".join(f"file '{by_shot[shot]}'\n" for shot in order))
        final = out_dir / platform / "final.mp4"
        await run_tool(
            [
                ffmpeg_exe(),
                "-y",
                "-v",
                "error",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                str(listing),
                "-c",
                "copy",
                str(final),
            ],
            step="concat",
            platform=platform,
            timeout_s=60,
        )
        finals[platform] = final
    return finals


async def test_final_video_has_the_cuts_timing(
    standin: FalStandIn,
    make_client: ClientFactory,
    pkg: VideoPackage,
    frame: Path,
    tmp_path: Path,
) -> None:
    frames = FrameStub(frame)
    result = await render_with_clips(
        pkg,
        "hailuo-02-standard",
        tmp_path,
        render_frames=frames,
        assemble=concat_assembler,
        client=make_client(),
        resolutions=SMALL,
        budget_usd=5.0,
    )
    assert frames.calls == 1  # Hailuo can start from an image: the preview's frames are used
    assert all("image_url" in body for body in standin.bodies())
    for cut in pkg.cuts:
        final = result.assembly[cut.platform]
        seconds = imageio_ffmpeg.count_frames_and_secs(str(final))[1]
        assert seconds == pytest.approx(cut.duration_s, abs=0.1)
    # The frames are the same picture for both cuts: one upload, clips shared across cuts.
    assert standin.count("upload") == 1
    assert result.clips.requests == 3


async def test_text_models_draw_no_frames(
    standin: FalStandIn,
    make_client: ClientFactory,
    pkg: VideoPackage,
    frame: Path,
    tmp_path: Path,
) -> None:
    frames = FrameStub(frame)
    await render_with_clips(
        pkg,
        "veo-3-fast",
        tmp_path,
        render_frames=frames,
        assemble=concat_assembler,
        client=make_client(),
        resolutions=SMALL,
    )
    assert frames.calls == 0 and standin.count("upload") == 0


async def test_budget_is_checked_before_frames_or_calls(
    standin: FalStandIn,
    make_client: ClientFactory,
    pkg: VideoPackage,
    frame: Path,
    tmp_path: Path,
) -> None:
    frames = FrameStub(frame)
    estimate = estimate_cost(pkg, "kling-2.1-pro", assume_frames=True)
    with pytest.raises(BudgetExceededError):
        await render_with_clips(
            pkg,
            "kling-2.1-pro",
            tmp_path,
            render_frames=frames,
            assemble=concat_assembler,
            client=make_client(),
            budget_usd=estimate.total_usd / 2,
        )
    assert frames.calls == 0 and standin.seen == []
