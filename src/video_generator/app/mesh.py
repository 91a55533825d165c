"""The agent mesh: which agents there are, where each listens, and each one built for serving."""

from __future__ import annotations

import os
from collections.abc import Mapping

from a2a_mcp.agent import Agent
from a2a_mcp.client import A2AClient
from a2a_mcp.client.base import AgentClient
from a2a_mcp.errors import UnknownAgentError
from a2a_mcp.registry import AgentRegistry
from video_generator.agents.orchestrator import Orchestrator
from video_generator.agents.platform_adapter import PlatformAdapter
from video_generator.agents.scene_designer import SceneDesigner
from video_generator.agents.script_writer import ScriptWriter
from video_generator.agents.timing_coordinator import TimingCoordinator
from video_generator.app.runtime import SPECIALISTS, build_orchestrator, build_specialists
from video_generator.settings import (
    AGENT_URLS_PREFIX,
    Settings,
    a2a_client_settings,
    agent_urls_variable,
    get_settings,
)

ORCHESTRATOR = Orchestrator.name
# The order `vidgen up` starts them in is SPECIALISTS, then the orchestrator.
AGENTS: tuple[str, ...] = (ORCHESTRATOR, *SPECIALISTS)
_CLASSES: dict[str, type[Agent]] = {
    cls.name: cls
    for cls in (Orchestrator, ScriptWriter, SceneDesigner, TimingCoordinator, PlatformAdapter)
}


def default_port(name: str) -> int:
    """The port an agent listens on by default (Agent.default_port; also in agents/*.json)."""
    port = agent_class(name).default_port
    if port is None:
        raise UnknownAgentError(f"agent '{name}' has no default port")
    return port


def agent_class(name: str) -> type[Agent]:
    try:
        return _CLASSES[name]
    except KeyError:
        known = ", ".join(AGENTS)
        raise UnknownAgentError(f"no agent named '{name}' (known: {known})") from None


def mesh_registry(
    environ: Mapping[str, str] | None = None, settings: Settings | None = None
) -> AgentRegistry:
    """Where every agent lives: the cards in VG_AGENTS_DIR, overridden by VG_AGENT_<NAME>_URLS."""
    settings = settings or get_settings()
    registry = AgentRegistry.from_cards_dir(settings.agents_dir)
    return registry.with_env(os.environ if environ is None else environ, prefix=AGENT_URLS_PREFIX)


def replica_env(urls: Mapping[str, list[str]]) -> dict[str, str]:
    """The environment that points a process at these agents' replicas."""
    return {agent_urls_variable(name): ",".join(found) for name, found in urls.items()}


def build_agent(
    name: str,
    *,
    registry: AgentRegistry | None = None,
    client: AgentClient | None = None,
) -> Agent:
    """The agent `name` as one process serves it. The orchestrator calls the specialists over
    A2A (`client`, by default an A2AClient over `registry` or mesh_registry())."""
    agent_class(name)  # a clear error for an unknown name
    if name == ORCHESTRATOR:
        if client is None:
            # The specialists may want a key (VG_API_KEYS): the client sends this process's.
            client = A2AClient(registry or mesh_registry(), settings=a2a_client_settings())
        return build_orchestrator(client=client)
    for agent in build_specialists():
        if agent.name == name:
            return agent
    raise UnknownAgentError(f"agent '{name}' is not one of the specialists {SPECIALISTS}")


async def close_agent(agent: Agent) -> None:
    """Release what a served agent holds (the orchestrator's client and its health checks)."""
    if isinstance(agent, Orchestrator):
        await agent.client.aclose()
