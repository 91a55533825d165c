"""build_server: a ToolSet, resource sources and prompts as one MCP server (the SDK's low level)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import mcp_types as types
import structlog
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from a2a_mcp.agent import Progress
from a2a_mcp.errors import AgentError
from a2a_mcp.mcp.resources import PromptSpec, ResourceNotFoundError, ResourceSource
from a2a_mcp.mcp.tools import ToolSet

RESOURCE_NOT_FOUND = -32002  # the MCP spec's code for resources/read of an unknown URI
PROGRESS_TOTAL = 100.0


def progress_reporter(ctx: ServerRequestContext[Any, Any]) -> Progress:
    """A skill's Progress as MCP progress notifications for this request (when the client sent a
    progress token). MCP wants each value above the last; several events share one fraction
    (a node starts, reports, ends), so equal values are nudged up by a hair, and a report past
    the total (after 100 %) is dropped: the result follows at once."""
    last = -1.0

    async def report(
        fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None:
        nonlocal last
        value = max(round(min(max(fraction, 0.0), 1.0) * PROGRESS_TOTAL, 3), last + 0.001)
        if value > PROGRESS_TOTAL:
            return
        last = value
        await ctx.session.report_progress(value, PROGRESS_TOTAL, message or None)

    return report


def build_server(
    name: str,
    tools: ToolSet,
    *,
    version: str = "",
    instructions: str | None = None,
    resources: Sequence[ResourceSource] = (),
    prompts: Sequence[PromptSpec] = (),
) -> Server[Any]:
    """An MCP server offering `tools`, the resources of `resources` and `prompts`."""
    by_prompt = {prompt.name: prompt for prompt in prompts}

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools.definitions())

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        # A cancelled request cancels this task, and with it the skill it awaits. Request ids
        # repeat from one connection to the next, so the call's task id is its own.
        with structlog.contextvars.bound_contextvars(
            task_id=f"mcp-{uuid.uuid4().hex}", request_id=ctx.request_id, tool=params.name
        ):
            return await tools.call(params.name, params.arguments, progress_reporter(ctx))

    def source_for(uri: str) -> ResourceSource:
        for source in resources:
            if uri.startswith(source.prefix):
                return source
        known = ", ".join(source.prefix for source in resources) or "none"
        raise MCPError(RESOURCE_NOT_FOUND, f"no resource {uri} (resource URIs start with {known})")

    async def list_resources(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[item for source in resources for item in source.resources()]
        )

    async def list_templates(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(
            resource_templates=[item for source in resources for item in source.templates()]
        )

    async def read_resource(
        ctx: ServerRequestContext[Any, Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        source = source_for(params.uri)
        try:
            return types.ReadResourceResult(contents=source.read(params.uri))
        except ResourceNotFoundError as exc:
            raise MCPError(RESOURCE_NOT_FOUND, exc.message) from None
        except AgentError as exc:
            raise MCPError(types.INVALID_PARAMS, exc.message) from None

    async def list_prompts(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[p.definition() for p in prompts])

    async def get_prompt(
        ctx: ServerRequestContext[Any, Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        prompt = by_prompt.get(params.name)
        if prompt is None:
            known = ", ".join(sorted(by_prompt)) or "none"
            raise MCPError(types.INVALID_PARAMS, f"no prompt '{params.name}' (prompts: {known})")
        arguments = params.arguments or {}
        missing = [a.name for a in prompt.arguments if a.required and not arguments.get(a.name)]
        if missing:
            raise MCPError(
                types.INVALID_PARAMS,
                f"prompt '{prompt.name}' needs the argument(s) {', '.join(missing)}",
            )
        text = prompt.render(arguments)
        return types.GetPromptResult(
            description=prompt.description,
            messages=[types.PromptMessage(role="user", content=types.TextContent(text=text))],
        )

    handlers: dict[str, Any] = {"on_list_tools": list_tools, "on_call_tool": call_tool}
    if resources:
        handlers |= {
            "on_list_resources": list_resources,
            "on_list_resource_templates": list_templates,
            "on_read_resource": read_resource,
        }
    if prompts:
        handlers |= {"on_list_prompts": list_prompts, "on_get_prompt": get_prompt}
    return Server(
        name,
        version=version,
        instructions=instructions,
        get_tool_input_schema=tools.input_schema,
        **handlers,
    )


async def serve_stdio(server: Server[Any]) -> None:
    """Serve over this process's stdin/stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
