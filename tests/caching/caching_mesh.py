"""The mesh for caching tests: every agent served on loopback behind a VideoCache on Redis."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from a2a_mcp.client import A2AClient, A2AClientSettings, HttpPool
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.serve import AgentServer
from video_generator.app.agent_cache import VideoCache
from video_generator.app.runtime import build_orchestrator, build_specialists

SETTINGS = A2AClientSettings(
    health_interval_s=0,
    retry={"attempts": 2, "initial_delay_s": 0, "jitter_s": 0},
    call_timeout_s=60,
)


@dataclass
class CachedMesh:
    """Specialists and orchestrator served in this process, each behind `cache`."""

    cache: VideoCache
    pool: HttpPool
    servers: dict[str, AgentServer] = field(default_factory=dict)
    inner: A2AClient | None = None

    async def start(self) -> CachedMesh:
        for agent in build_specialists():
            server = AgentServer(agent, port=0, skill_wrapper=self.cache, drain_timeout_s=2)
            self.servers[agent.name] = await server.start()
        registry = AgentRegistry({name: [s.url] for name, s in self.servers.items()})
        self.inner = A2AClient(registry, session_pool=self.pool, settings=SETTINGS)
        orchestrator = build_orchestrator(client=self.inner)
        server = AgentServer(orchestrator, port=0, skill_wrapper=self.cache, drain_timeout_s=2)
        self.servers["orchestrator"] = await server.start()
        return self

    def url(self, name: str = "orchestrator") -> str:
        return self.servers[name].url

    async def stop(self) -> None:
        await self.servers["orchestrator"].stop()
        others = [s for name, s in self.servers.items() if name != "orchestrator"]
        await asyncio.gather(*(s.stop() for s in others))
        if self.inner is not None:
            await self.inner.aclose()
        await self.cache.aclose()


def client_for(urls: dict[str, list[str]], pool: HttpPool, **settings: Any) -> A2AClient:
    return A2AClient(
        AgentRegistry(urls),
        session_pool=pool,
        settings=A2AClientSettings.model_validate({**SETTINGS.model_dump(), **settings}),
    )
