"""Fixtures for the fal tests: a tiny real MP4, the loopback stand-in, a fast client, packages."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from a2a_mcp.client.pool import HttpPool
from a2a_mcp.resilience import CircuitBreaker
from factories import make_package
from fal_standin import KEY, FalStandIn
from fal_support import ClientFactory, fast_settings, make_tiny_clip, small_package
from video_generator.core.models import VideoPackage
from video_generator.render.fal.queue import FalQueueClient
from video_generator.render.tools import ffmpeg_exe


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 4 s, 64x36, 10 fps H.264 MP4: what the stand-in hands out as every clip."""
    return make_tiny_clip(tmp_path_factory.mktemp("media") / "clip.mp4")


@pytest.fixture
def frame(tmp_path: Path) -> Path:
    """A small PNG (any bytes with a .png name would do for the stand-in; this one is real)."""
    path = tmp_path / "frame.png"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=orange:s=36x64",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture
async def standin(tiny_clip: Path) -> AsyncIterator[FalStandIn]:
    server = await FalStandIn(tiny_clip).start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def pool() -> AsyncIterator[HttpPool]:
    http = HttpPool(name="fal-test")
    try:
        yield http
    finally:
        await http.aclose()


@pytest.fixture
def make_client(standin: FalStandIn, pool: HttpPool) -> ClientFactory:
    def build(
        key: str = KEY, breaker: CircuitBreaker | None = None, **settings: Any
    ) -> FalQueueClient:
        options = fast_settings(**settings)
        return FalQueueClient(
            key,
            settings=options,
            pool=pool,
            breaker=breaker or CircuitBreaker(options.breaker_failures, options.breaker_cooldown_s),
            queue_url=standin.url,
            rest_url=standin.url,
            cdn_url=standin.url,
        )

    return build


@pytest.fixture
def package_for() -> Callable[[list[str]], VideoPackage]:
    return small_package


@pytest.fixture
def pkg() -> VideoPackage:
    return small_package()


@pytest.fixture
def cold_brew() -> VideoPackage:
    return make_package()
