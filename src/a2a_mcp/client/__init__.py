"""Clients that call agents: one interface, an in-process and an A2A transport."""

from a2a_mcp.client.a2a import A2AClient, A2AClientSettings, FileArtifact
from a2a_mcp.client.base import AgentClient, CallOptions
from a2a_mcp.client.inprocess import InProcessClient
from a2a_mcp.client.pool import HttpPool, HttpPoolSettings, PoolStats, close_pool, get_pool
from a2a_mcp.client.transport import AiohttpJsonRpcTransport, register_aiohttp_transport

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
    "get_pool",
    "register_aiohttp_transport",
]
