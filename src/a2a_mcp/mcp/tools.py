"""An Agent's skills as MCP tools: the pydantic models are the schemas, AgentError a tool error."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import mcp_types as types
from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, Skill, no_progress
from a2a_mcp.errors import AgentError, SkillFailedError, UnknownSkillError
from a2a_mcp.mcp import metrics
from a2a_mcp.observability import get_logger
from a2a_mcp.offers import McpResourceLinks, McpSummary
from a2a_mcp.server.executor import SkillWrapper, run_skill

log = get_logger("a2a_mcp.mcp")


@dataclass(frozen=True)
class ResourceRef:
    """A file or document an output points at; becomes an MCP resource link in the result."""

    uri: str
    name: str
    mime_type: str | None = None
    description: str | None = None
    size: int | None = None

    def link(self) -> types.ResourceLink:
        return types.ResourceLink(
            uri=self.uri,
            name=self.name,
            mime_type=self.mime_type,
            description=self.description,
            size=self.size,
        )


@dataclass(frozen=True)
class SkillTool:
    """One skill of one agent, offered as an MCP tool named `name`."""

    name: str
    agent: Agent
    skill: Skill
    annotations: types.ToolAnnotations | None = None  # hints: read-only, idempotent ...

    def definition(self) -> types.Tool:
        """The tool as tools/list shows it: the skill's input and output JSON schemas."""
        description = self.skill.description or self.skill.name
        if self.skill.examples:
            description += "\nExamples: " + "; ".join(self.skill.examples[:3])
        return types.Tool(
            name=self.name,
            title=self.skill.name,
            description=description,
            input_schema=self.skill.input_model.model_json_schema(),
            output_schema=self.skill.output_model.model_json_schema(mode="serialization"),
            annotations=self.annotations,
        )


def agent_tools(agent: Agent, *, prefix: str = "") -> list[SkillTool]:
    """Every skill of `agent` as a tool, named `<prefix><skill id>`."""
    return [
        SkillTool(f"{prefix}{skill.id}", agent, skill)
        for skill in sorted(agent.skills.values(), key=lambda s: s.id)
    ]


def error_result(error: AgentError) -> types.CallToolResult:
    """A user-facing failure: isError with the one-paragraph message (never a traceback)."""
    return types.CallToolResult(
        content=[types.TextContent(text=f"error ({error.code}): {error.message}")],
        is_error=True,
    )


def output_result(output: BaseModel) -> types.CallToolResult:
    """structuredContent is the output model; text content repeats it (the spec's fallback for
    clients without structured output), after the output's own summary when it has one."""
    content: list[types.ContentBlock] = []
    if isinstance(output, McpSummary):
        content.append(types.TextContent(text=output.mcp_summary()))
    content.append(types.TextContent(text=output.model_dump_json(indent=1)))
    if isinstance(output, McpResourceLinks):
        content.extend(ref.link() for ref in output.mcp_resource_links())
    return types.CallToolResult(content=content, structured_content=output.model_dump(mode="json"))


class ToolSet:
    """The tools one MCP server offers, by name; calls run through the skill wrapper (a cache)."""

    def __init__(
        self, tools: Iterable[SkillTool], *, skill_wrapper: SkillWrapper | None = None
    ) -> None:
        self.tools: dict[str, SkillTool] = {}
        for tool in tools:
            if tool.name in self.tools:
                raise ValueError(f"two tools are named '{tool.name}'; give one agent a prefix")
            self.tools[tool.name] = tool
        self.skill_wrapper = skill_wrapper or run_skill
        self._definitions: list[types.Tool] | None = None

    @classmethod
    def of(
        cls,
        *agents: Agent,
        skill_wrapper: SkillWrapper | None = None,
        annotations: Mapping[str, types.ToolAnnotations] | None = None,
    ) -> ToolSet:
        """Every skill of every agent; prefixed `<agent>.` only when two agents share an id.
        `annotations` gives tools (by name) their hints for clients, e.g. read_only_hint."""
        ids = [skill for agent in agents for skill in agent.skills]
        clash = len(ids) != len(set(ids))
        tools = [t for a in agents for t in agent_tools(a, prefix=f"{a.name}." if clash else "")]
        hints = dict(annotations or {})
        unknown = sorted(set(hints) - {t.name for t in tools})
        if unknown:
            raise ValueError(f"annotations for tools that do not exist: {', '.join(unknown)}")
        tools = [replace(t, annotations=hints.get(t.name)) for t in tools]
        return cls(tools, skill_wrapper=skill_wrapper)

    def definitions(self) -> list[types.Tool]:
        """The tools as tools/list shows them (built once: 20 ms of schema work for ten)."""
        if self._definitions is None:
            self._definitions = [tool.definition() for tool in self.tools.values()]
        return self._definitions

    def input_schema(self, name: str) -> dict[str, Any] | None:
        """One tool's input schema (the SDK checks Mcp-Param-* headers against it)."""
        return next((d.input_schema for d in self.definitions() if d.name == name), None)

    def get(self, name: str) -> SkillTool:
        try:
            return self.tools[name]
        except KeyError:
            known = ", ".join(sorted(self.tools)) or "none"
            raise UnknownSkillError(f"there is no tool '{name}' (tools: {known})") from None

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        progress: Progress = no_progress,
    ) -> types.CallToolResult:
        """Validate, run and wrap: the output as structured content, or a tool error."""
        label = name if name in self.tools else "(unknown)"  # no label per made-up name
        started = time.perf_counter()
        outcome = "error"
        metrics.RUNNING.inc()
        try:
            tool = self.get(name)
            request = tool.agent.parse_input(tool.skill.id, dict(arguments or {}))
            output = await self.skill_wrapper(tool.agent, tool.skill, request, progress, {})
            outcome = "ok"
        except AgentError as error:
            log.info("tool failed", tool=name, code=error.code, reason=error.message)
            return error_result(error)
        except asyncio.CancelledError:
            # The client cancelled (or went away): the skill's task is cancelled with us.
            outcome = "cancelled"
            log.info("tool cancelled", tool=name)
            raise
        except Exception as exc:
            # A bug, not the user's mistake: the log keeps the stack, the client gets one line.
            log.exception("tool raised", tool=name)
            return error_result(SkillFailedError(f"{name} failed: {type(exc).__name__}: {exc}"))
        finally:
            metrics.RUNNING.dec()
            metrics.TOOL_CALLS.labels(label, outcome).inc()
            metrics.TOOL_SECONDS.labels(label).observe(time.perf_counter() - started)
        return output_result(output)
