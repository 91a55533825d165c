"""Prometheus metrics of an MCP server: tool calls by outcome, call time, calls running."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from a2a_mcp.observability import REGISTRY

TOOL_CALLS = Counter(
    "mcp_tool_calls",
    "MCP tool calls finished by this process, by outcome (ok, error, cancelled).",
    ["tool", "outcome"],
    registry=REGISTRY,
)
TOOL_SECONDS = Histogram(
    "mcp_tool_call_seconds",
    "Time from receiving an MCP tool call to its result.",
    ["tool"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
RUNNING = Gauge("mcp_tool_calls_running", "MCP tool calls running now.", registry=REGISTRY)
