"""In-process cache backend: a bounded LRU with per-entry TTL, tags and prefix invalidation."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from a2a_mcp.cache.base import AgentStats, CacheConfigError, CacheStats


@dataclass(slots=True)
class _Entry:
    value: bytes
    expires_at: float | None
    tags: tuple[str, ...]


class MemoryCache:
    """The embedded default. Single process, so no cross-process locks: local single flight only."""

    backend = "memory"
    in_process = True  # no I/O: SkillCache need not time its calls out

    def __init__(
        self,
        max_entries: int = 10_000,
        max_bytes: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise CacheConfigError(f"max_entries must be at least 1, got {max_entries}")
        if max_bytes is not None and max_bytes < 1:
            raise CacheConfigError(f"max_bytes must be at least 1, got {max_bytes}")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._tags: dict[str, set[str]] = {}
        self._bytes = 0
        self._agents: dict[str, AgentStats] = {}

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at is not None and entry.expires_at <= self._clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.value

    async def set(
        self, key: str, value: bytes, ttl_s: float | None, tags: Sequence[str] = ()
    ) -> None:
        self._drop(key)
        if ttl_s is not None and ttl_s <= 0:
            return  # a non-positive TTL means "do not keep", like Redis refusing PX 0
        if self.max_bytes is not None and len(value) > self.max_bytes:
            return  # could never fit; storing it would evict everything else for nothing
        expires_at = None if ttl_s is None else self._clock() + ttl_s
        self._entries[key] = _Entry(value, expires_at, tuple(tags))
        self._bytes += len(value)
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)
        self._evict()

    async def delete(self, key: str) -> bool:
        return self._drop(key)

    async def invalidate_prefix(self, prefix: str) -> int:
        self._purge_expired()  # count only entries that were still alive
        doomed = [key for key in self._entries if key.startswith(prefix)]
        for key in doomed:
            self._drop(key)
        return len(doomed)

    async def invalidate_tag(self, tag: str) -> int:
        self._purge_expired()
        keys = self._tags.pop(tag, set())
        return sum(self._drop(key) for key in keys)

    async def record(self, deltas: Mapping[str, AgentStats]) -> None:
        for agent, delta in deltas.items():
            self._agents[agent] = self._agents.get(agent, AgentStats()).add(delta)

    async def reset_stats(self, agent: str | None = None) -> None:
        if agent is None:
            self._agents.clear()
        else:
            self._agents.pop(agent, None)

    async def stats(self) -> CacheStats:
        self._purge_expired()
        return CacheStats(
            backend=self.backend,
            entries=len(self._entries),
            stored_bytes=self._bytes,
            agents={name: stats.model_copy() for name, stats in self._agents.items()},
        )

    async def aclose(self) -> None:
        self._entries.clear()
        self._tags.clear()
        self._bytes = 0

    def _drop(self, key: str) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        self._bytes -= len(entry.value)
        for tag in entry.tags:
            keys = self._tags.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tags[tag]
        return True

    def _evict(self) -> None:
        # Least recently used first; expired entries are found lazily on get or here by age.
        while len(self._entries) > self.max_entries or (
            self.max_bytes is not None and self._bytes > self.max_bytes
        ):
            oldest = next(iter(self._entries))
            self._drop(oldest)

    def _purge_expired(self) -> None:
        now = self._clock()
        expired = [
            key
            for key, entry in self._entries.items()
            if entry.expires_at is not None and entry.expires_at <= now
        ]
        for key in expired:
            self._drop(key)
