"""RedisUsageStore: template usage counts and scores in Redis hashes shared by every process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.exceptions import RedisError

from a2a_mcp.cache import CacheUnavailableError, RedisCache, open_cache, redact_url
from a2a_mcp.observability import get_logger
from video_generator.app.loop_local import LoopLocal
from video_generator.templates.usage import InMemoryUsageStore, TemplateStats

log = get_logger("templates")
T = TypeVar("T")


class RedisUsageStore:
    """Uses in `{ns}:tpl:uses`, scores in `{ns}:tpl:score_sum` / `{ns}:tpl:score_count`.

    Redis being down never fails the skill recording a use: the operation is skipped (logged),
    counted in this process's memory instead, and Redis is tried again after recover_after_s.
    """

    def __init__(self, url: str, *, timeout_s: float = 0.25, recover_after_s: float = 1.0) -> None:
        probe = open_cache(url)  # raises CacheConfigError for a bad URL
        if not isinstance(probe, RedisCache):
            raise ValueError(f"RedisUsageStore needs a redis:// URL, got {redact_url(url)!r}")
        self.url = url
        self.namespace = probe.namespace
        self.timeout_s = timeout_s
        self.recover_after_s = recover_after_s
        prefix = f"{self.namespace}:tpl:"
        self.uses_key, self.sum_key, self.count_key = (
            prefix + "uses",
            prefix + "score_sum",
            prefix + "score_count",
        )
        self._unused: RedisCache | None = probe
        self._caches: LoopLocal[RedisCache] = LoopLocal(self._new_cache)
        self.fallback = InMemoryUsageStore()
        self._down_until = 0.0

    def _new_cache(self) -> RedisCache:
        if self._unused is not None:
            unused, self._unused = self._unused, None
            return unused
        cache = open_cache(self.url)
        assert isinstance(cache, RedisCache)
        return cache

    async def _op(self, name: str, call: Callable[[Any], Awaitable[T]]) -> T | None:
        """Run one Redis call under the timeout; None when skipped or failed (then logged)."""
        if self._down_until and time.monotonic() < self._down_until:
            return None
        try:
            cache = self._caches.get()
            async with asyncio.timeout(self.timeout_s):
                # A slot per pooled connection: a burst of uses waits for one instead of
                # failing with "Too many connections".
                async with cache.slots:
                    result = await call(cache.client)
        except (RedisError, OSError, TimeoutError, CacheUnavailableError) as exc:
            log.warning(
                "template_usage_unavailable",
                op=name,
                backend=redact_url(self.url),
                error=str(exc) or "timed out",
                retry_in_s=self.recover_after_s,
            )
            self._down_until = time.monotonic() + self.recover_after_s
            return None
        self._down_until = 0.0
        return result

    async def incr_use(self, template_id: str, n: int = 1) -> int:
        count = await self._op("incr_use", lambda r: r.hincrby(self.uses_key, template_id, n))
        if count is None:
            return await self.fallback.incr_use(template_id, n)
        return int(count)

    async def add_score(self, template_id: str, value: float) -> None:
        async def both(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=True)  # sum and count move together
            pipe.hincrbyfloat(self.sum_key, template_id, value)
            pipe.hincrby(self.count_key, template_id, 1)
            return await pipe.execute()

        if await self._op("add_score", both) is None:
            await self.fallback.add_score(template_id, value)

    async def snapshot(self) -> dict[str, TemplateStats]:
        async def read(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=False)
            for key in (self.uses_key, self.sum_key, self.count_key):
                pipe.hgetall(key)
            return await pipe.execute()

        rows = await self._op("snapshot", read)
        if rows is None:
            return await self.fallback.snapshot()
        uses, sums, counts = ({k.decode(): v.decode() for k, v in row.items()} for row in rows)
        return {
            template_id: TemplateStats(
                uses=int(uses.get(template_id, 0)),
                score_sum=float(sums.get(template_id, 0.0)),
                score_count=int(counts.get(template_id, 0)),
            )
            for template_id in sorted({*uses, *sums, *counts})
        }

    async def clear(self) -> None:
        """Forget every count and score (tests, and `vidgen templates --reset`)."""
        await self._op("clear", lambda r: r.delete(self.uses_key, self.sum_key, self.count_key))

    async def aclose(self) -> None:
        """Close the running loop's connections (reopened on next use)."""
        cache = self._caches.pop()
        if cache is not None:
            await cache.aclose()
