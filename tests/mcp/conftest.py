"""Fixtures for the MCP tests: vidgen's MCP server writing into a temporary package folder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from video_generator.settings import get_settings

SHORT_BRIEF = "a 12 second TikTok about green tea for students"


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


class ProgressLog:
    """A progress_callback that keeps every notification."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, float | None, str | None]] = []
        self.changed = asyncio.Event()

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.seen.append((progress, total, message))
        self.changed.set()

    async def wait_for(self, text: str) -> None:
        """Until a notification's message holds `text`."""
        while not any(text in message for message in self.messages):
            self.changed.clear()
            await self.changed.wait()

    @property
    def messages(self) -> list[str]:
        return [message or "" for _, _, message in self.seen]


@pytest.fixture
def progress_log() -> ProgressLog:
    return ProgressLog()


def cancelled_calls(tool: str) -> float:
    """How many calls of `tool` this process's MCP servers saw cancelled (their metric)."""
    from a2a_mcp.observability import REGISTRY

    labels = {"tool": tool, "outcome": "cancelled"}
    return REGISTRY.get_sample_value("mcp_tool_calls_total", labels) or 0.0


async def wait_cancelled(tool: str, before: float, timeout_s: float = 20.0) -> None:
    """Until the server has seen one more cancelled call of `tool` than `before`."""
    for _ in range(int(timeout_s / 0.02)):
        if cancelled_calls(tool) > before:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the server did not cancel {tool} within {timeout_s} s")
