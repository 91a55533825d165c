"""Usage counts and effectiveness scores per template, behind a tiny async store protocol."""

from __future__ import annotations

import asyncio
from typing import Protocol

from pydantic import BaseModel, Field


class TemplateStats(BaseModel):
    """How often a template was used and how well it did (scores 0..1 reported by callers)."""

    uses: int = Field(default=0, ge=0)
    score_sum: float = 0.0
    score_count: int = Field(default=0, ge=0)

    @property
    def effectiveness(self) -> float | None:
        """Mean score, or None before any score was given."""
        return self.score_sum / self.score_count if self.score_count else None


class UsageStore(Protocol):
    """Where usage lives: memory now, Redis later (HINCRBY / HINCRBYFLOAT / HGETALL fit it)."""

    async def incr_use(self, template_id: str, n: int = 1) -> int:
        """Add n uses; returns the new count."""
        ...

    async def add_score(self, template_id: str, value: float) -> None:
        """Add one effectiveness score (0..1)."""
        ...

    async def snapshot(self) -> dict[str, TemplateStats]:
        """Stats of every template used or scored so far."""
        ...


class InMemoryUsageStore:
    """The per-process store (the embedded default)."""

    def __init__(self) -> None:
        self._stats: dict[str, TemplateStats] = {}
        self._lock = asyncio.Lock()

    async def incr_use(self, template_id: str, n: int = 1) -> int:
        async with self._lock:
            stats = self._stats.setdefault(template_id, TemplateStats())
            stats.uses += n
            return stats.uses

    async def add_score(self, template_id: str, value: float) -> None:
        async with self._lock:
            stats = self._stats.setdefault(template_id, TemplateStats())
            stats.score_sum += value
            stats.score_count += 1

    async def snapshot(self) -> dict[str, TemplateStats]:
        async with self._lock:
            return {key: stats.model_copy() for key, stats in self._stats.items()}
