"""A disabled cache (none://): stores nothing, so every call computes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from a2a_mcp.cache.base import AgentStats, CacheStats


class NullCache:
    """Every get misses and every write is dropped; stats are kept so the CLI still reports."""

    backend = "none"
    in_process = True  # no I/O: SkillCache need not time its calls out

    def __init__(self) -> None:
        self._agents: dict[str, AgentStats] = {}

    async def get(self, key: str) -> bytes | None:
        return None

    async def set(
        self, key: str, value: bytes, ttl_s: float | None, tags: Sequence[str] = ()
    ) -> None:
        return None

    async def delete(self, key: str) -> bool:
        return False

    async def invalidate_prefix(self, prefix: str) -> int:
        return 0

    async def invalidate_tag(self, tag: str) -> int:
        return 0

    async def record(self, deltas: Mapping[str, AgentStats]) -> None:
        for agent, delta in deltas.items():
            self._agents[agent] = self._agents.get(agent, AgentStats()).add(delta)

    async def reset_stats(self, agent: str | None = None) -> None:
        if agent is None:
            self._agents.clear()
        else:
            self._agents.pop(agent, None)

    async def stats(self) -> CacheStats:
        return CacheStats(
            backend=self.backend, entries=0, stored_bytes=0, agents=dict(self._agents)
        )

    async def aclose(self) -> None:
        return None
