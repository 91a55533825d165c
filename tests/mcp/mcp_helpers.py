"""Helpers of the MCP tests: a progress log, the cancel counter, a short brief."""

from __future__ import annotations

import asyncio

SHORT_BRIEF = "a 12 second TikTok about green tea for students"
# The plumbing is under test, not the voice: espeak-ng starts faster than Piper's model.
FAST_RENDER = {"voice": "espeak:en-us"}


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
