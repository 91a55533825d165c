"""In-process transport: calls Agent objects in this process, with the same contract as A2A."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, no_progress
from a2a_mcp.client.base import CallOptions
from a2a_mcp.errors import CallTimeoutError, UnknownAgentError


class InProcessClient:
    """Calls agents held in this process; outputs are dumped to JSON-ready data like over A2A."""

    def __init__(self, agents: Iterable[Agent]) -> None:
        self.agents = {agent.name: agent for agent in agents}

    def _agent(self, name: str) -> Agent:
        try:
            return self.agents[name]
        except KeyError:
            known = ", ".join(sorted(self.agents)) or "none"
            raise UnknownAgentError(f"no agent named '{name}' (known: {known})") from None

    async def call(
        self,
        agent: str,
        skill: str,
        input: BaseModel | Mapping[str, Any],
        on_progress: Progress | None = None,
        options: CallOptions | None = None,
    ) -> dict[str, Any]:
        options = options or CallOptions()
        work = self._agent(agent).run(skill, input, on_progress or no_progress)
        try:
            output = await asyncio.wait_for(work, options.timeout_s)
        except TimeoutError:
            raise CallTimeoutError(
                f"{agent}.{skill} did not answer within {options.timeout_s} s"
            ) from None
        return output.model_dump(mode="json")

    async def aclose(self) -> None:
        """Nothing to release in-process."""
