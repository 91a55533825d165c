"""pytest fixtures for a real redis-server (pytest_plugins = ["redis_fixtures"])."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from redis_server import RedisServer, redis_server_binary


def require_redis_server() -> None:
    """Skip when redis-server is absent locally; fail in CI (CI set), where it must be installed."""
    if redis_server_binary() is not None:
        return
    message = "redis-server is not installed (apt-get install -y redis-server)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_redis_server() -> Iterator[RedisServer]:
    """One redis-server for the whole session; use `redis_url` to get it flushed per test."""
    require_redis_server()
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def redis_url(shared_redis_server: RedisServer) -> Iterator[str]:
    """URL of the session's redis-server, emptied before the test."""
    with redis.Redis(
        host=shared_redis_server.host, port=shared_redis_server.port, socket_timeout=5
    ) as client:
        client.flushall()
    yield shared_redis_server.url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of the test's own, free to kill and restart; stopped when the test ends."""
    require_redis_server()
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.close()
