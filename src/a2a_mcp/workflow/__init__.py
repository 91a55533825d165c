"""Workflows as data: load and validate a DAG spec, plan it, and run it with an injected runner."""

from a2a_mcp.workflow.executor import Mode, NodeRunner, WorkflowExecutor, WorkflowRun
from a2a_mcp.workflow.plan import Plan, PlannedNode, SkippedNode, plan_workflow
from a2a_mcp.workflow.refs import RefError
from a2a_mcp.workflow.results import (
    CachedOutput,
    NodeResult,
    NodeStatus,
    NodeTimeoutError,
    RunResult,
    RunStatus,
)
from a2a_mcp.workflow.spec import (
    CacheSpec,
    NodeSpec,
    SpecProblem,
    WorkflowSpec,
    WorkflowSpecError,
    load_workflow,
    parse_workflow,
)

__all__ = [
    "CacheSpec",
    "CachedOutput",
    "Mode",
    "NodeResult",
    "NodeRunner",
    "NodeSpec",
    "NodeStatus",
    "NodeTimeoutError",
    "Plan",
    "PlannedNode",
    "RefError",
    "RunResult",
    "RunStatus",
    "SkippedNode",
    "SpecProblem",
    "WorkflowExecutor",
    "WorkflowRun",
    "WorkflowSpec",
    "WorkflowSpecError",
    "load_workflow",
    "parse_workflow",
    "plan_workflow",
]
