"""Failures: a RenderError names the platform and step; cancelling kills ffmpeg; bad platforms."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from render_support import tiny_package

from video_generator.render import RenderError, render_package
from video_generator.render import preview as preview_module
from video_generator.render.graph import Encoding
from video_generator.render.tools import ffmpeg_exe, run_tool


async def test_ffmpeg_failure_names_platform_and_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview_module, "DRAFT", Encoding(preset="no-such-preset", crf=28))
    with pytest.raises(RenderError) as caught:
        await render_package(tiny_package(["tiktok"]), tmp_path)
    error = caught.value
    assert error.platform == "tiktok" and error.step == "encode video"
    assert "tiktok" in str(error) and "encode video" in str(error)
    assert error.stderr_tail, "ffmpeg's own words are kept"
    assert not (tmp_path / "tiktok" / "preview.mp4").exists()


async def test_unknown_platform_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="no cut for linkedin"):
        await render_package(tiny_package(["tiktok"]), tmp_path, platforms=["linkedin"])
    assert os.listdir(tmp_path) == []


async def test_run_tool_times_out_and_kills(tmp_path: Path) -> None:
    args = [
        ffmpeg_exe(),
        "-hide_banner",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "nullsrc=d=30",
        "-f",
        "null",
        "-",
    ]
    with pytest.raises(RenderError, match="did not finish"):
        await run_tool(args, step="slow", platform="x", timeout_s=0.5)


async def test_cancelling_a_render_kills_ffmpeg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    encoding = asyncio.Event()
    real_exec = asyncio.create_subprocess_exec

    async def spying_exec(*args: Any, **kwargs: Any) -> Any:
        proc = await real_exec(*args, **kwargs)
        if "-filter_complex" in args:
            started.append(proc)
            encoding.set()
        return proc

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spying_exec)
    # Full resolution: long enough to be cancelled in the middle of encoding.
    task = asyncio.create_task(render_package(tiny_package(["tiktok"]), tmp_path, full_res=True))
    async with asyncio.timeout(30):
        await encoding.wait()
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    proc = started[0]
    assert proc.returncode is not None, "ffmpeg was left running"
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)
    assert not (tmp_path / "tiktok" / "preview.mp4").exists()
