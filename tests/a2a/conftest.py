"""Fixtures for the A2A tests: agent servers on free loopback ports, a pool and clients."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from a2a_mcp.agent import Agent
from a2a_mcp.client import A2AClient, A2AClientSettings, HttpPool
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.serve import AgentServer


@pytest.fixture
async def start() -> AsyncIterator[Callable[..., Any]]:
    """start(agent, **options) -> a running AgentServer on 127.0.0.1; all stopped at the end."""
    servers: list[AgentServer] = []

    async def _start(agent: Agent, **options: Any) -> AgentServer:
        options.setdefault("port", 0)
        server = AgentServer(agent, host="127.0.0.1", **options)
        await server.start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        await server.stop()


@pytest.fixture
async def pool() -> AsyncIterator[HttpPool]:
    pool = HttpPool(name="tests")
    yield pool
    await pool.aclose()


@pytest.fixture
async def make_client(pool: HttpPool) -> AsyncIterator[Callable[..., A2AClient]]:
    """make_client({"agent": [urls]}, **settings) -> an A2AClient on the test pool."""
    clients: list[A2AClient] = []

    def _make(urls: dict[str, list[str]], **settings: Any) -> A2AClient:
        settings.setdefault("health_interval_s", 0)
        settings.setdefault("retry", {"attempts": 3, "initial_delay_s": 0, "jitter_s": 0})
        client = A2AClient(
            AgentRegistry(urls), session_pool=pool, settings=A2AClientSettings(**settings)
        )
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of the session's own; skipped locally when PostgreSQL is absent, a
    failure in CI (CI set), where the Makefile installs it."""
    from postgres_server import PostgresServer, postgres_bin_dir

    if postgres_bin_dir() is None:
        message = "PostgreSQL is not installed (apt-get install -y postgresql)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it", pytrace=False)
        pytest.skip(message)
    with PostgresServer() as server:
        yield server.url
