"""Fixtures for the mesh tests: all five agents served in this process on free loopback ports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from mesh_helpers import Mesh

from a2a_mcp.client import A2AClient, A2AClientSettings, HttpPool
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.serve import AgentServer, SkillWrapper
from video_generator.app.mesh import ORCHESTRATOR, build_agent
from video_generator.app.runtime import build_specialists

# Retries without waits, breakers that stay open for the whole test, no background checks.
CLIENT_SETTINGS: dict[str, Any] = {
    "health_interval_s": 0,
    "retry": {"attempts": 3, "initial_delay_s": 0, "jitter_s": 0},
    "breaker_failures": 3,
    "breaker_cooldown_s": 60,
    "call_timeout_s": 60,
}


@pytest.fixture
async def pool() -> AsyncIterator[HttpPool]:
    pool = HttpPool(name="mesh-tests")
    yield pool
    await pool.aclose()


@pytest.fixture
async def start_mesh(pool: HttpPool) -> AsyncIterator[Callable[..., Any]]:
    """start_mesh(replicas={name: n}, wrap=f(name, replica) -> SkillWrapper | None) -> Mesh:
    the specialists, then the orchestrator calling them over A2A; all stopped at the end."""
    meshes: list[Mesh] = []

    async def _start(
        *,
        replicas: dict[str, int] | None = None,
        wrap: Callable[[str, int], SkillWrapper | None] | None = None,
    ) -> Mesh:
        mesh = Mesh(pool=pool)
        meshes.append(mesh)
        for agent in build_specialists():
            for replica in range((replicas or {}).get(agent.name, 1)):
                server = AgentServer(
                    agent,
                    port=0,
                    skill_wrapper=wrap(agent.name, replica) if wrap else None,
                    drain_timeout_s=1,
                )
                mesh.servers.setdefault(agent.name, []).append(await server.start())
        registry = AgentRegistry(mesh.urls())
        mesh.inner = A2AClient(
            registry, session_pool=pool, settings=A2AClientSettings(**CLIENT_SETTINGS)
        )
        mesh.orchestrator = build_agent(ORCHESTRATOR, client=mesh.inner)
        server = AgentServer(mesh.orchestrator, port=0, drain_timeout_s=1)
        mesh.servers[ORCHESTRATOR] = [await server.start()]
        mesh.client = A2AClient(
            AgentRegistry({ORCHESTRATOR: [server.url]}),
            session_pool=pool,
            settings=A2AClientSettings(**CLIENT_SETTINGS),
        )
        return mesh

    yield _start
    for mesh in meshes:
        await mesh.stop()
