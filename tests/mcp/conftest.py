"""Fixtures for the MCP tests: vidgen's MCP server writing into a temporary package folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp_helpers import ProgressLog

from video_generator.settings import get_settings


@pytest.fixture
def out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """VG_OUT_DIR (and the render work folder under it) in a temporary folder."""
    out = tmp_path / "out"
    monkeypatch.setenv("VG_OUT_DIR", str(out))
    monkeypatch.delenv("VG_RENDER_DIR", raising=False)
    monkeypatch.delenv("VG_API_KEYS", raising=False)
    get_settings.cache_clear()
    yield out
    get_settings.cache_clear()


@pytest.fixture
async def vidgen_server(out_dir: Path) -> AsyncIterator[Any]:
    from video_generator.mcp_server.app import build_vidgen_server

    server, close = build_vidgen_server()
    yield server
    await close()


@pytest.fixture
def progress_log() -> ProgressLog:
    return ProgressLog()
