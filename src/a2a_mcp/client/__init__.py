"""Clients that call agents: one interface, an in-process and an A2A transport.

The names load on first use (PEP 562): `from a2a_mcp.client.base import CallOptions` must not
pay for aiohttp and a2a-sdk's client, which a command that never calls over A2A does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from a2a_mcp.client.a2a import A2AClient, FileArtifact
    from a2a_mcp.client.base import AgentClient, CallOptions
    from a2a_mcp.client.inprocess import InProcessClient
    from a2a_mcp.client.pool import (
        HttpPool,
        PoolStats,
        close_pool,
        get_pool,
    )
    from a2a_mcp.client.transport import AiohttpJsonRpcTransport, register_aiohttp_transport
    from a2a_mcp.settings import A2AClientSettings, HttpPoolSettings, configure_pool

_WHERE = {
    "A2AClient": "a2a_mcp.client.a2a",
    "A2AClientSettings": "a2a_mcp.settings",
    "FileArtifact": "a2a_mcp.client.a2a",
    "AgentClient": "a2a_mcp.client.base",
    "CallOptions": "a2a_mcp.client.base",
    "InProcessClient": "a2a_mcp.client.inprocess",
    "HttpPool": "a2a_mcp.client.pool",
    "HttpPoolSettings": "a2a_mcp.settings",
    "PoolStats": "a2a_mcp.client.pool",
    "close_pool": "a2a_mcp.client.pool",
    "configure_pool": "a2a_mcp.settings",
    "get_pool": "a2a_mcp.client.pool",
    "AiohttpJsonRpcTransport": "a2a_mcp.client.transport",
    "register_aiohttp_transport": "a2a_mcp.client.transport",
}

__all__ = [
    "A2AClient",
    "A2AClientSettings",
    "AgentClient",
    "AiohttpJsonRpcTransport",
    "CallOptions",
    "FileArtifact",
    "HttpPool",
    "HttpPoolSettings",
    "InProcessClient",
    "PoolStats",
    "close_pool",
    "configure_pool",
    "get_pool",
    "register_aiohttp_transport",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'a2a_mcp.client' has no attribute '{name}'")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value
