"""The vidgen MCP server as `vidgen mcp` builds it: the video tools, or one agent's skills."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server

from a2a_mcp.agent import Agent
from a2a_mcp.mcp import ToolSet, build_server
from video_generator.mcp_server.resources import (
    MAKE_SHORT_VIDEO,
    DocumentResources,
    PackageResources,
)
from video_generator.mcp_server.tools import VidgenTools
from video_generator.settings import get_settings, server_api_keys

INSTRUCTIONS = (
    "vidgen turns a one-sentence brief into a short-video package (script, storyboard, "
    "captions, one cut per platform, preview videos). Start with make_video (or plan_video to "
    "see the steps); pass the `package` it returns to get_package, validate_package, "
    "render_package and estimate_cost. Files are resources under vidgen://packages/."
)


# Hints for clients (they may skip asking the user before a read-only call).
_READ = types.ToolAnnotations(read_only_hint=True, open_world_hint=False)
ANNOTATIONS = {
    "make_video": types.ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
    ),
    "render_package": types.ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
    ),
    **{
        name: _READ
        for name in (
            "plan_video",
            "estimate_cost",
            "validate_package",
            "get_package",
            "list_platforms",
            "list_models",
            "list_voices",
            "cache_stats",
        )
    },
}


def api_keys() -> tuple[str, ...]:
    """The keys the HTTP transport accepts: VG_API_KEYS, as the A2A services (none: open)."""
    return server_api_keys(get_settings())


def build_vidgen_server(
    *, remote: str | None = None, out_dir: Path | None = None
) -> tuple[Server[Any], Callable[[], Awaitable[None]]]:
    """vidgen's tools, resources and prompt; embedded, or in front of the mesh at `remote`
    ("" for the registry's orchestrator). Returns the server and what closes it."""
    settings = get_settings()
    tools = VidgenTools(remote=remote, out_dir=out_dir)
    server = build_server(
        "vidgen",
        ToolSet.of(tools, annotations=ANNOTATIONS),
        version=tools.version,
        instructions=INSTRUCTIONS,
        resources=[PackageResources(tools.out_dir), DocumentResources(settings.agents_dir)],
        prompts=[MAKE_SHORT_VIDEO],
    )

    async def close() -> None:
        from a2a_mcp.client import close_pool

        await tools.aclose()
        await close_pool()

    return server, close


def build_agent_server(name: str) -> tuple[Server[Any], Callable[[], Awaitable[None]]]:
    """One agent of the mesh (e.g. scene_designer) with its skills as tools, run in this
    process through the skill cache, as `vidgen agent NAME` serves them over A2A."""
    from video_generator.app.mesh import AGENTS, agent_class
    from video_generator.app.runtime import build_orchestrator, build_specialists, video_cache

    agent_class(name)  # a clear error for an unknown name
    agent: Agent
    cache = video_cache()
    if name == AGENTS[0]:
        # The embedded orchestrator answers from the cache itself (and its specialists too).
        agent, wrapper = build_orchestrator(cache=cache), None
    else:
        agent, wrapper = next(a for a in build_specialists() if a.name == name), cache
    server = build_server(
        name,
        ToolSet.of(agent, skill_wrapper=wrapper),
        version=agent.version,
        instructions=agent.description,
        resources=[DocumentResources(get_settings().agents_dir)],
    )

    async def close() -> None:
        from a2a_mcp.client import close_pool
        from video_generator.app.mesh import close_agent

        await close_agent(agent)
        await cache.aclose()
        await close_pool()

    return server, close
