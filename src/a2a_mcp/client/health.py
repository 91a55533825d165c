"""Background health checks: every replica's /health/ready, on a fixed interval."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from a2a_mcp.client import metrics
from a2a_mcp.client.pool import HttpPool
from a2a_mcp.client.replicas import Replica, ReplicaSet
from a2a_mcp.observability import get_logger

log = get_logger("a2a_mcp.client")


class HealthChecker:
    """Marks replicas healthy or not from their readiness endpoint; choice skips unhealthy ones."""

    def __init__(self, pool: HttpPool, *, interval_s: float = 5.0, timeout_s: float = 2.0) -> None:
        self.pool = pool
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self._sets: list[ReplicaSet] = []
        self._task: asyncio.Task[None] | None = None

    def watch(self, replicas: ReplicaSet) -> None:
        if replicas not in self._sets:
            self._sets.append(replicas)

    def start(self) -> None:
        """Start checking in the background (in the running loop); does nothing if running."""
        if self.interval_s <= 0:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="a2a-health-checks")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.check_once()

    async def check_once(self) -> None:
        """Check every watched replica once, concurrently."""
        replicas = [replica for group in self._sets for replica in group.replicas]
        await asyncio.gather(*(self._check(replica) for replica in replicas))

    async def _check(self, replica: Replica) -> None:
        try:
            async with self.pool.session.get(
                f"{replica.url}/health/ready",
                timeout=self.pool.timeout(self.timeout_s, read_s=self.timeout_s),
            ) as response:
                healthy = response.status == 200
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            healthy = False
        if healthy != replica.healthy:
            log.info(
                "replica health changed", agent=replica.agent, replica=replica.url, healthy=healthy
            )
        replica.healthy = healthy
        metrics.HEALTHY.labels(replica.agent, replica.url).set(1 if healthy else 0)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
