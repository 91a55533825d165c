"""Helpers for the mesh tests: the running mesh and recording wrappers (the stock a2a-sdk
client and its stream helpers are in tests/support/a2a_helpers.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.client import A2AClient, HttpPool
from a2a_mcp.serve import AgentServer

EXAMPLE = (
    "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'"
)


@dataclass
class Mesh:
    """Five agents served in this process; `client` calls the orchestrator as any caller would,
    `inner` is the orchestrator's own client to the specialists."""

    pool: HttpPool
    servers: dict[str, list[AgentServer]] = field(default_factory=dict)
    orchestrator: Any = None
    inner: A2AClient | None = None
    client: A2AClient | None = None

    def urls(self) -> dict[str, list[str]]:
        return {name: [s.url for s in found] for name, found in self.servers.items()}

    def url(self, name: str) -> str:
        return self.servers[name][0].url

    async def stop(self) -> None:
        """Every server at once: a test's runs are over by now (`vidgen up` stops in order)."""
        await asyncio.gather(*(s.stop() for found in self.servers.values() for s in found))
        for client in (self.client, self.inner):
            if client is not None:
                await client.aclose()


class Recorder:
    """A skill wrapper that counts calls and, when `hold` is set, blocks each call until
    released or cancelled, recording what happened."""

    def __init__(self, *, hold: bool = False) -> None:
        self.hold = hold
        self.calls = 0
        self.finished = 0
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(
        self,
        agent: Agent,
        skill: Skill,
        input: BaseModel,
        progress: Progress,
        call_meta: dict[str, Any],
    ) -> BaseModel:
        self.calls += 1
        self.started.set()
        if self.hold:
            try:
                await progress(0.1, "held by the test")
                await asyncio.wait_for(self.release.wait(), 30)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
        output = await agent.run(skill.id, input, progress)
        self.finished += 1
        return output
