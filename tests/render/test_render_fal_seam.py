"""The seam render_with_clips uses: stills per shot, and clips assembled like the preview."""

from __future__ import annotations

import asyncio
from pathlib import Path

from render_support import tiny_package

from video_generator.render import assemble, render_frames
from video_generator.render.probe import probe
from video_generator.render.tools import ffmpeg_exe, run_tool


async def test_render_frames_gives_one_still_per_shot(tmp_path: Path) -> None:
    pkg = tiny_package(["tiktok", "youtube"])
    frames = await render_frames(pkg, tmp_path, ["tiktok", "youtube"])
    expected = {f"{c.platform}/{s.shot_id}" for c in pkg.cuts for s in c.shots}
    assert set(frames) == expected
    for key, path in frames.items():
        platform = key.split("/")[0]
        cut = pkg.cut(platform)
        assert path.is_file() and path.suffix == ".png"
        assert f"{cut.resolution.width}x{cut.resolution.height}" in str(path)


async def _testsrc(path: Path, seconds: float) -> Path:
    await run_tool(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size=270x480:rate=30:duration={seconds:.3f}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        step="test clip",
        platform=None,
        timeout_s=60,
    )
    return path


async def test_assemble_lays_clips_on_the_cuts_timeline(tmp_path: Path) -> None:
    pkg = tiny_package(["tiktok"])
    cut = pkg.cut("tiktok")
    shots = cut.shots
    # The last shot has no clip: the still stands in for it, and the report says so.
    made = await asyncio.gather(
        *(_testsrc(tmp_path / f"{s.shot_id}.mp4", s.end_s - s.start_s) for s in shots[:-1])
    )
    clips = {"tiktok": {s.shot_id: p for s, p in zip(shots[:-1], made, strict=True)}}
    report = await assemble(pkg, tmp_path, clips, full_res=False)
    final = tmp_path / "tiktok" / "final.mp4"
    assert report.get("tiktok").preview == final
    info = await probe(final)
    assert abs(info.duration_s - cut.duration_s) <= 0.1
    assert (info.width, info.height, info.fps) == (540, 960, 30) and info.has_audio
    assert any(shots[-1].shot_id in w for w in report.get("tiktok").warnings)
    assert (tmp_path / "final.json").is_file()
