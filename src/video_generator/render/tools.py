"""The outside programs (ffmpeg from imageio-ffmpeg, espeak-ng) and one way to run them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections import deque
from collections.abc import Callable, Sequence
from functools import lru_cache

from video_generator.render.errors import RenderError

STDERR_TAIL_LINES = 12


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The static ffmpeg the imageio-ffmpeg wheel ships (or IMAGEIO_FFMPEG_EXE when set)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise RenderError(
            "the imageio-ffmpeg package is missing; install it with `pip install imageio-ffmpeg`",
            step="find ffmpeg",
        ) from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise RenderError(str(exc), step="find ffmpeg") from None


def espeak_exe() -> str | None:
    """espeak-ng on the current PATH, or None (looked up each call: PATH may change)."""
    return shutil.which("espeak-ng")


def cpu_count() -> int:
    """Cores this process may use (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


async def run_tool(
    args: Sequence[str],
    *,
    step: str,
    platform: str | None,
    timeout_s: float,
    on_stdout_line: Callable[[str], None] | None = None,
) -> str:
    """Run a program to completion; return its stderr. Killed on timeout or cancellation.

    Raises RenderError naming the step and the program's last stderr lines when it fails.
    """
    try:
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise RenderError(
            f"could not start {args[0]}: {exc}", platform=platform, step=step
        ) from None

    tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    stderr_parts: list[str] = []

    async def read_stdout() -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            if on_stdout_line is not None:
                on_stdout_line(raw.decode("utf-8", "replace").rstrip())

    async def read_stderr() -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            stderr_parts.append(line)
            if line:
                tail.append(line)

    try:
        async with asyncio.timeout(timeout_s):
            await asyncio.gather(read_stdout(), read_stderr())
            code = await proc.wait()
    except TimeoutError:
        await _kill(proc)
        raise RenderError(
            f"{os.path.basename(args[0])} did not finish within {timeout_s:.0f} s",
            platform=platform,
            step=step,
            stderr_tail=list(tail),
        ) from None
    except BaseException:
        # Cancelled (or anything else): never leave the program running behind us.
        await _kill(proc)
        raise
    if code != 0:
        raise RenderError(
            f"{os.path.basename(args[0])} exited with code {code}",
            platform=platform,
            step=step,
            stderr_tail=list(tail),
        )
    return "\n".join(stderr_parts)


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.shield(proc.wait())
