"""Serving any Agent over A2A (a2a-sdk 1.3, protocol 1.0 with 0.3 compatibility)."""

from a2a_mcp.server.app import ServerState, build_app
from a2a_mcp.server.executor import SkillExecutor, SkillWrapper, run_skill
from a2a_mcp.server.run import AgentServer, PortInUseError, ServeError, serve, serve_async

__all__ = [
    "AgentServer",
    "PortInUseError",
    "ServeError",
    "ServerState",
    "SkillExecutor",
    "SkillWrapper",
    "build_app",
    "run_skill",
    "serve",
    "serve_async",
]
