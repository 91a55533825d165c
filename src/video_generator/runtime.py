"""Builds the agents and the orchestrator for a process: embedded (in-process) or remote (A2A)."""

from __future__ import annotations

from typing import Any

from a2a_mcp.agent import Agent
from a2a_mcp.client import InProcessClient
from a2a_mcp.client.base import AgentClient
from video_generator.agents.orchestrator import Orchestrator
from video_generator.agents.platform_adapter import PlatformAdapter
from video_generator.agents.scene_designer import SceneDesigner
from video_generator.agents.script_writer import ScriptWriter
from video_generator.agents.timing_coordinator import TimingCoordinator
from video_generator.engines import make_engine
from video_generator.settings import Settings, get_settings
from video_generator.templates import get_templates

SPECIALISTS = ("script_writer", "scene_designer", "timing_coordinator", "platform_adapter")


def build_specialists(settings: Settings | None = None) -> list[Agent]:
    """The four specialist agents, sharing one text engine and one template cache."""
    settings = settings or get_settings()
    engine = make_engine(settings)
    templates = get_templates()
    return [
        ScriptWriter(engine=engine, templates=templates),
        SceneDesigner(engine=engine, templates=templates),
        TimingCoordinator(),
        PlatformAdapter(),
    ]


def engine_info(settings: Settings | None = None) -> dict[str, Any]:
    """Which engine and template library made a package (recorded in it, and in cache keys)."""
    settings = settings or get_settings()
    engine = make_engine(settings)
    return {
        "engine": engine.id,
        "engine_version": engine.version,
        "templates_version": get_templates().version,
    }


def build_orchestrator(client: AgentClient | None = None, **options: Any) -> Orchestrator:
    """The orchestrator over `client`; by default every specialist runs in this process."""
    client = client or InProcessClient(build_specialists())
    return Orchestrator(client, engine_info=engine_info(), **options)


def all_agents() -> list[Agent]:
    """Every agent of the mesh, orchestrator first (for cards and `vidgen up`)."""
    specialists = build_specialists()
    return [build_orchestrator(InProcessClient(specialists)), *specialists]
