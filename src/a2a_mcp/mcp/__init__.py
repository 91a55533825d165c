"""Serving Agents over MCP (the official `mcp` SDK): skills as tools, resources, prompts, HTTP."""

from a2a_mcp.mcp.resources import (
    PromptSpec,
    ResourceNotFoundError,
    ResourceSource,
    file_contents,
)
from a2a_mcp.mcp.server import build_server, serve_stdio
from a2a_mcp.mcp.tools import ResourceRef, SkillTool, ToolSet, agent_tools

__all__ = [
    "PromptSpec",
    "ResourceNotFoundError",
    "ResourceRef",
    "ResourceSource",
    "SkillTool",
    "ToolSet",
    "agent_tools",
    "build_server",
    "file_contents",
    "serve_stdio",
]
