"""In-process transport: calls Agent objects in this process, with the same contract as A2A."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, no_progress
from a2a_mcp.client.base import CallOptions
from a2a_mcp.errors import CallTimeoutError, UnknownAgentError
from a2a_mcp.offers import Closable

if TYPE_CHECKING:  # the server package is only needed to serve
    from a2a_mcp.server import SkillWrapper


class InProcessClient:
    """Calls agents held in this process; outputs come back as the skills' models (no JSON
    round trip: the data was validated where it was made, and is passed on as it is).

    With a skill_wrapper, every call goes through it as a served call would (the A2A server
    takes the same hook), so a cache in front of the agents works alike in both transports."""

    def __init__(
        self, agents: Iterable[Agent], *, skill_wrapper: SkillWrapper | None = None
    ) -> None:
        self.agents = {agent.name: agent for agent in agents}
        self.skill_wrapper = skill_wrapper

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
    ) -> BaseModel:
        options = options or CallOptions()
        target = self._agent(agent)
        progress = on_progress or no_progress
        work: Awaitable[BaseModel]
        if self.skill_wrapper is None:
            work = target.run(skill, input, progress)
        else:
            chosen = target.get_skill(skill)
            model = target.parse_input(skill, input)
            # The same call switches the A2A server reads from the message metadata.
            work = self.skill_wrapper(
                target, chosen, model, progress, {"no_cache": options.no_cache}
            )
        try:
            output = await asyncio.wait_for(work, options.timeout_s)
        except TimeoutError:
            raise CallTimeoutError(
                f"{agent}.{skill} did not answer within {options.timeout_s} s"
            ) from None
        return output

    async def aclose(self) -> None:
        """Let the wrapper release what it holds for this event loop (a cache's connections)."""
        # Seen as `object` first: mypy takes a callback Protocol and Closable as disjoint.
        wrapper: object = self.skill_wrapper
        if isinstance(wrapper, Closable):
            await wrapper.aclose()
