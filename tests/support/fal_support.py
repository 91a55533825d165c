"""Helpers the fal tests share: fast client settings, a small package, the client factory type."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from a2a_mcp.resilience import RetryPolicy
from factories import make_three_shot_package
from video_generator.core.models import VideoPackage
from video_generator.render.fal.queue import FalQueueClient, FalSettings
from video_generator.render.tools import ffmpeg_exe

ClientFactory = Callable[..., FalQueueClient]
PackageFor = Callable[[list[str]], VideoPackage]


def fast_settings(**overrides: Any) -> FalSettings:
    values: dict[str, Any] = {
        "request_timeout_s": 2.0,
        "download_timeout_s": 5.0,
        "clip_timeout_s": 10.0,
        "poll_interval_s": 0.01,
        "max_poll_interval_s": 0.02,
        "cancel_timeout_s": 2.0,
        "retry": RetryPolicy(attempts=3, initial_delay_s=0.01, max_delay_s=0.05, jitter_s=0.01),
        "max_retry_wait_s": 5.0,
        "breaker_failures": 50,
        "breaker_cooldown_s": 30.0,
    }
    values.update(overrides)
    return FalSettings(**values)


def small_package(platforms: list[str] | None = None) -> VideoPackage:
    """Three shots (1.5 s, 1.45 s, 5.55 s) cut for each platform given."""
    return make_three_shot_package(platforms)


def make_tiny_clip(path: Path) -> Path:
    """A real 4 s, 64x36, 10 fps H.264 MP4 at `path`: what the stand-in hands out as a clip."""
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x36:rate=10:duration=4",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path
