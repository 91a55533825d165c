"""The one aiohttp ClientSession of the process: tuned connector, timeouts, connection metrics."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace
from typing import Any

import aiohttp
from aiohttp.client_proto import ResponseHandler
from pydantic import BaseModel

from a2a_mcp.client import metrics
from a2a_mcp.settings import HttpPoolSettings, pool_settings


class PoolStats(BaseModel):
    """Connection counts of one pool since it was made."""

    created: int = 0
    reused: int = 0
    closed: int = 0

    @property
    def reuse_ratio(self) -> float:
        """Share of requests that found an open connection: reused / (created + reused)."""
        total = self.created + self.reused
        return self.reused / total if total else 0.0


class HttpPool:
    """One aiohttp ClientSession per event loop; `session` creates it on first use."""

    def __init__(self, settings: HttpPoolSettings | None = None, *, name: str = "default") -> None:
        self.settings = settings or HttpPoolSettings()
        self.name = name
        self.stats = PoolStats()
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session (made in the running loop; remade if that loop changed)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = self._new_session()
            self._loop = loop
        return self._session

    def timeout(
        self, total_s: float | None = None, *, read_s: float | None = None
    ) -> aiohttp.ClientTimeout:
        """A ClientTimeout with this pool's connect limits and the given total/read limits."""
        return aiohttp.ClientTimeout(
            total=total_s,
            connect=self.settings.connect_timeout_s,
            sock_connect=self.settings.connect_timeout_s,
            sock_read=read_s if read_s is not None else self.settings.read_timeout_s,
        )

    def _new_session(self) -> aiohttp.ClientSession:
        settings = self.settings
        connector = aiohttp.TCPConnector(
            limit=settings.limit,
            limit_per_host=settings.limit_per_host,
            keepalive_timeout=settings.keepalive_s,
            ttl_dns_cache=settings.dns_ttl_s or None,
            use_dns_cache=settings.dns_ttl_s > 0,
        )
        self._count_closes(connector)
        return aiohttp.ClientSession(
            connector=connector,
            timeout=self.timeout(settings.total_timeout_s),
            trace_configs=[self._trace_config()],
            raise_for_status=False,
        )

    def _trace_config(self) -> aiohttp.TraceConfig:
        trace = aiohttp.TraceConfig()
        created = metrics.CONNECTIONS.labels(self.name, "created")
        reused = metrics.CONNECTIONS.labels(self.name, "reused")

        async def on_create(_: Any, __: SimpleNamespace, ___: Any) -> None:
            self.stats.created += 1
            created.inc()

        async def on_reuse(_: Any, __: SimpleNamespace, ___: Any) -> None:
            self.stats.reused += 1
            reused.inc()

        trace.on_connection_create_end.append(on_create)
        trace.on_connection_reuseconn.append(on_reuse)
        return trace

    def _count_closes(self, connector: aiohttp.TCPConnector) -> None:
        """aiohttp has no trace signal for a closed connection: count protocol connection_lost."""
        factory = getattr(connector, "_factory", None)
        if factory is None:
            return
        closed = metrics.CONNECTIONS.labels(self.name, "closed")
        stats = self.stats

        class CountingHandler(ResponseHandler):
            def connection_lost(self, exc: BaseException | None) -> None:
                stats.closed += 1
                closed.inc()
                super().connection_lost(exc)

        keywords = getattr(factory, "keywords", {})
        # aiohttp types its private factory as a partial; any callable making a handler works.
        connector._factory = lambda: CountingHandler(**keywords)  # type: ignore[assignment]

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            with contextlib.suppress(RuntimeError):  # its loop may already be gone
                await self._session.close()
        self._session = None


_pool: HttpPool | None = None


def get_pool() -> HttpPool:
    """The process-wide pool (with the settings given to a2a_mcp.settings.configure_pool)."""
    global _pool
    if _pool is None:
        _pool = HttpPool(pool_settings())
    return _pool


async def close_pool() -> None:
    """Close the process-wide pool (on shutdown)."""
    global _pool
    if _pool is not None:
        await _pool.aclose()
        _pool = None
