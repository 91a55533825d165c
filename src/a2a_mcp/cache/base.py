"""The Cache protocol every backend implements, its stats models and its errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field, computed_field


class CacheConfigError(ValueError):
    """The cache URL or an option is wrong; the message says what and how to fix it."""


class CacheUnavailableError(Exception):
    """The backend could not be reached or answered badly; callers skip the cache for this call."""


class AgentStats(BaseModel):
    """Counters for one agent, summed over every process that shares the backend."""

    hits: int = Field(default=0, description="Answered from a stored entry.")
    shared: int = Field(default=0, description="Answered by waiting on another caller's work.")
    misses: int = Field(default=0, description="Computed by this caller.")
    errors: int = Field(default=0, description="Cache operations that failed and were skipped.")
    bytes_stored: int = Field(default=0, description="Encoded bytes written.")
    bytes_served: int = Field(default=0, description="Encoded bytes read on hits.")
    seconds_saved: float = Field(default=0.0, description="Compute time avoided by hits/shares.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hit_ratio(self) -> float:
        """Share of requests that did not compute: (hits + shared) / all requests."""
        served = self.hits + self.shared
        total = served + self.misses
        return served / total if total else 0.0

    def add(self, other: AgentStats) -> AgentStats:
        return AgentStats(
            **{name: getattr(self, name) + getattr(other, name) for name in type(self).model_fields}
        )


class CacheStats(BaseModel):
    """What `vidgen cache stats` shows: backend facts and per-agent counters."""

    backend: str = Field(description="memory, redis or none.")
    entries: int | None = Field(default=None, description="Stored entries, if known.")
    stored_bytes: int | None = Field(default=None, description="Bytes held, if known.")
    agents: dict[str, AgentStats] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> AgentStats:
        out = AgentStats()
        for stats in self.agents.values():
            out = out.add(stats)
        return out


@runtime_checkable
class Cache(Protocol):
    """Bytes in, bytes out, with TTLs, tags and prefix invalidation; plus shared stat counters."""

    backend: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(
        self, key: str, value: bytes, ttl_s: float | None, tags: Sequence[str] = ()
    ) -> None: ...

    async def delete(self, key: str) -> bool: ...

    async def invalidate_prefix(self, prefix: str) -> int: ...

    async def invalidate_tag(self, tag: str) -> int: ...

    async def record(self, deltas: Mapping[str, AgentStats]) -> None:
        """Add per-agent counter deltas to the stored totals."""
        ...

    async def reset_stats(self, agent: str | None = None) -> None: ...

    async def stats(self) -> CacheStats: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class LockingCache(Cache, Protocol):
    """A backend shared between processes that offers short owner-token locks (Redis)."""

    async def try_lock(self, name: str, ttl_s: float) -> str | None:
        """Take the lock if free; return the owner token, or None when someone holds it."""
        ...

    async def renew_lock(self, name: str, token: str, ttl_s: float) -> bool: ...

    async def release_lock(self, name: str, token: str) -> bool: ...


@runtime_checkable
class InProcessCache(Protocol):
    """A backend with no I/O (memory, none) when `in_process` is true: nothing to time out."""

    in_process: bool


@runtime_checkable
class SelfTimedCache(Protocol):
    """A backend that bounds each of its operations by `timeout_s` itself (Redis)."""

    timeout_s: float
