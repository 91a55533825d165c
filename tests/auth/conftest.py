"""Fixtures for the auth and limits tests: a tiny agent served on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import BaseModel, Field

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.client import HttpPool
from a2a_mcp.serve import AgentServer


class Words(BaseModel):
    text: str = Field(max_length=1000)


class Count(BaseModel):
    words: int


class Counter(Agent):
    name = "counter"
    description = "Counts words."

    @skill(id="count")
    async def count(self, request: Words, progress: Progress) -> Count:
        """Count the words of a text."""
        return Count(words=len(request.text.split()))


@pytest.fixture
async def pool() -> AsyncIterator[HttpPool]:
    pool = HttpPool(name="auth-tests")
    yield pool
    await pool.aclose()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    """serve(**AgentServer options) -> a running Counter server on 127.0.0.1; stopped after."""
    servers: list[AgentServer] = []

    async def _serve(agent: Agent | None = None, **options: Any) -> AgentServer:
        server = AgentServer(agent or Counter(), port=0, drain_timeout_s=1, **options)
        servers.append(await server.start())
        return server

    yield _serve
    for server in servers:
        await server.stop()
