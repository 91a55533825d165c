"""Expose an Agent as an A2A service: build_app (ASGI) and serve (uvicorn); see a2a_mcp.server."""

from a2a_mcp.server import (
    AgentServer,
    PortInUseError,
    ServeError,
    SkillWrapper,
    build_app,
    run_skill,
    serve,
    serve_async,
)

__all__ = [
    "AgentServer",
    "PortInUseError",
    "ServeError",
    "SkillWrapper",
    "build_app",
    "run_skill",
    "serve",
    "serve_async",
]
