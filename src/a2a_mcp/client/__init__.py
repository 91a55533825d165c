"""Clients that call agents: one interface, an in-process and an A2A transport."""

from a2a_mcp.client.base import AgentClient, CallOptions
from a2a_mcp.client.inprocess import InProcessClient

__all__ = ["AgentClient", "CallOptions", "InProcessClient"]
