"""Workflow files as data: pydantic models, loading, and validation that reports every problem."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from a2a_mcp.workflow.refs import RefValue, compile_value

NODE_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$"


class SpecProblem(BaseModel):
    """One thing wrong with a workflow file, located by file, node id and field."""

    model_config = ConfigDict(frozen=True)

    file: str
    node: str | None = None
    field: str | None = None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.node is not None:
            where += f": node '{self.node}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class WorkflowSpecError(Exception):
    """A workflow file is not valid; `.problems` lists every problem found."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"workflow is not valid ({count} problem{'s' if count != 1 else ''}):"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class CacheSpec(BaseModel):
    """Whether a node's output may be cached, and which TTL kind applies (e.g. 'script')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    ttl: str | None = Field(default=None, description="TTL kind name; the runner maps it.")


class NodeSpec(BaseModel):
    """One node of a workflow as written in the file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=NODE_ID_PATTERN, description="Letters, digits, '_' and '-'.")
    description: str = ""
    agent: str | None = None
    skill: str | None = None
    step: str | None = Field(default=None, description="A local step; the runner decides.")
    needs: list[str] = Field(default_factory=list)
    inputs: dict[str, Any] = Field(default_factory=dict)
    for_each: str | None = Field(default=None, description="A reference to a list in the input.")
    when: str | None = Field(
        default=None,
        description="A reference into the run input; the node (and every node that depends "
        "on it) is left out of the plan when its value is falsy (null, false, empty).",
    )
    timeout_s: float | None = Field(default=None, gt=0)
    retries: int = Field(default=0, ge=0, le=100)
    optional: bool = False
    accepts_missing: list[str] = Field(default_factory=list)
    cache: CacheSpec = Field(default_factory=CacheSpec)
    estimate_s: float = Field(default=1.0, ge=0)

    @field_validator("needs", "accepts_missing", mode="before")
    @classmethod
    def _one_name_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("cache", mode="before")
    @classmethod
    def _cache_shorthand(cls, value: Any) -> Any:
        # `cache: false` reads better in YAML than `cache: {enabled: false}`.
        return {"enabled": value} if isinstance(value, bool) else value

    @model_validator(mode="after")
    def _target(self) -> NodeSpec:
        problem = target_problem(self.agent, self.skill, self.step)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def target(self) -> str:
        """What runs the node, for display: 'agent.skill' or 'step:name'."""
        return f"step:{self.step}" if self.step is not None else f"{self.agent}.{self.skill}"


def target_problem(agent: Any, skill: Any, step: Any) -> str | None:
    """What is wrong with a node's agent/skill/step combination, or None."""
    if step is not None and (agent is not None or skill is not None):
        return "give either a step, or an agent and a skill, not both"
    if step is None and agent is None and skill is None:
        return "give an agent and a skill, or a local step"
    if step is None and (agent is None or skill is None):
        return f"an agent node needs {'a skill' if agent is not None else 'an agent'} as well"
    return None


class WorkflowSpec(BaseModel):
    """A named DAG of nodes, as loaded from workflows/*.yaml."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str = "1"
    description: str = ""
    nodes: list[NodeSpec] = Field(min_length=1)
    source: str = Field(default="<data>", exclude=True, description="File it came from.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # YAML reads `version: 1` as an int; a version is a label.
        return str(value) if isinstance(value, int | float) else value

    def node(self, node_id: str) -> NodeSpec:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: Any = "1"
    description: str = ""
    nodes: list[Any] = Field(min_length=1)


def load_workflow(path: str | Path) -> WorkflowSpec:
    """Read and validate a workflow YAML file; raise WorkflowSpecError naming every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkflowSpecError(
            [SpecProblem(file=source, message="file not found; check the path")]
        ) from None
    except OSError as exc:
        raise WorkflowSpecError(
            [SpecProblem(file=source, message=f"cannot read the file: {exc.strerror}")]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise WorkflowSpecError(
            [SpecProblem(file=source, message=f"not valid YAML{where}: {problem}")]
        ) from None
    return parse_workflow(data, source)


def parse_workflow(data: Any, source: str = "<data>") -> WorkflowSpec:
    """Validate workflow data (a dict as read from YAML) and return the spec.

    Needs implied by `${nodes.ID...}` references are added to each node's `needs`."""
    problems: list[SpecProblem] = []

    def problem(message: str, node: str | None = None, field: str | None = None) -> None:
        problems.append(SpecProblem(file=source, node=node, field=field, message=message))

    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        problem(f"a workflow file must be a mapping with name and nodes; this one is {kind}")
        raise WorkflowSpecError(problems)
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown field (known: name, version, description, nodes)"
            problem(message, field=_loc(err["loc"]) or None)
        listed = data.get("nodes")
        raw_nodes: list[Any] = listed if isinstance(listed, list) else []
    else:
        raw_nodes = header.nodes

    views = [_View.read(raw, index) for index, raw in enumerate(raw_nodes)]
    nodes = _validate_nodes(raw_nodes, views, problem)
    known = _known_ids(views, problem)
    for view in views:
        if view is not None:
            _check_references(view, known, problem)
    _check_cycles([v for v in views if v is not None], problem)
    if problems:
        raise WorkflowSpecError(problems)
    for node, view in nodes:
        node.needs = view.all_needs
    return WorkflowSpec(
        name=data["name"],
        version=data.get("version", "1"),
        description=data.get("description", ""),
        nodes=[node for node, _ in nodes],
        source=source,
    )


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass
class _View:
    """What the graph checks need from one node, read leniently from the raw mapping, so a
    node with a bad field still has its references and dependencies checked."""

    label: str
    has_id: bool
    needs: list[str]
    inputs: dict[str, Any]
    for_each: str | None
    accepts_missing: list[str]
    when: Any = None
    implied: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, raw: Any, index: int) -> _View | None:
        if not isinstance(raw, Mapping):
            return None
        node_id = raw.get("id")
        has_id = isinstance(node_id, str) and bool(node_id)
        inputs = raw.get("inputs")
        for_each = raw.get("for_each")
        return cls(
            label=node_id if isinstance(node_id, str) and has_id else f"#{index + 1}",
            has_id=has_id,
            needs=_names(raw.get("needs")),
            inputs=dict(inputs) if isinstance(inputs, Mapping) else {},
            for_each=for_each if isinstance(for_each, str) else None,
            accepts_missing=_names(raw.get("accepts_missing")),
            when=raw.get("when"),
        )

    @property
    def all_needs(self) -> list[str]:
        return list(dict.fromkeys([*self.needs, *self.implied]))


def _validate_nodes(
    raw_nodes: list[Any], views: list[_View | None], problem: Any
) -> list[tuple[NodeSpec, _View]]:
    nodes: list[tuple[NodeSpec, _View]] = []
    for index, (raw, view) in enumerate(zip(raw_nodes, views, strict=True)):
        if view is None:
            problem(f"a node must be a mapping, not a {type(raw).__name__}", node=f"#{index + 1}")
            continue
        try:
            nodes.append((NodeSpec.model_validate(raw), view))
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            for err in errors:
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] == "string_pattern_mismatch" and err["loc"] == ("id",):
                    message = (
                        "an id starts with a letter or '_' and has only letters, digits, '_', '-'"
                    )
                elif err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
                    message = f"unknown field (known: {', '.join(NodeSpec.model_fields)})"
                problem(message, node=view.label, field=_loc(err["loc"]) or None)
            # pydantic skips model checks when a field failed; the target check still applies.
            if all(err["loc"] for err in errors):
                target = target_problem(raw.get("agent"), raw.get("skill"), raw.get("step"))
                if target:
                    problem(target, node=view.label)
    return nodes


def _known_ids(views: list[_View | None], problem: Any) -> set[str]:
    """Every id named in the file, including nodes that failed validation (so one bad node
    does not also turn every reference to it into an 'unknown node' problem)."""
    seen: dict[str, int] = {}
    for index, view in enumerate(views):
        if view is None or not view.has_id:
            continue
        if view.label in seen:
            problem(
                f"duplicate id '{view.label}': nodes #{seen[view.label] + 1} and #{index + 1} "
                "both use it; ids must be unique",
                node=view.label,
                field="id",
            )
        else:
            seen[view.label] = index
    return set(seen)


def _suggest(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_references(view: _View, known: set[str], problem: Any) -> None:
    for name, value in view.inputs.items():
        template, errors = compile_value(value, f"inputs.{name}")
        for field_path, message in errors:
            problem(message, node=view.label, field=field_path)
        for ref in template.refs():
            if ref.root == "item" and view.for_each is None:
                problem(
                    f"{ref.text} is only defined in a fan-out node (one with for_each)",
                    node=view.label,
                    field=f"inputs.{name}",
                )
            if ref.root == "nodes":
                assert ref.node is not None
                if ref.node not in known:
                    problem(
                        f"{ref.text} refers to unknown node '{ref.node}'"
                        + _suggest(ref.node, known),
                        node=view.label,
                        field=f"inputs.{name}",
                    )
                elif ref.node not in view.implied:
                    view.implied.append(ref.node)
    for dep in view.needs:
        if dep not in known:
            problem(
                f"depends on unknown node '{dep}'" + _suggest(dep, known),
                node=view.label,
                field="needs",
            )
    view.needs = [dep for dep in view.needs if dep in known]
    for name in view.accepts_missing:
        if name not in view.inputs:
            problem(
                f"accepts_missing names '{name}', which is not one of its inputs "
                f"({', '.join(view.inputs) or 'none'})",
                node=view.label,
                field="accepts_missing",
            )
    for name in _PLAN_TIME:
        if getattr(view, name) is not None:
            _check_plan_time_ref(view, name, problem)


# The fields read when the plan is made: (what the reference must point into, an example, why
# a node's output cannot be used, what to put in the run input instead).
_PLAN_TIME: dict[str, tuple[str, str, str, str]] = {
    "for_each": (
        "a list in the run input",
        "${input.platforms}",
        "fan-out is expanded when the plan is made",
        "the list",
    ),
    "when": (
        "the run input",
        "${input.render}",
        "the condition is decided when the plan is made",
        "the switch",
    ),
}


def _check_plan_time_ref(node: _View, name: str, problem: Any) -> None:
    """`for_each` and `when` are read when the plan is made: one reference into the run input."""
    expr = getattr(node, name)
    if not isinstance(expr, str):
        return  # the field's own type check has said so
    into, example, why, instead = _PLAN_TIME[name]
    template, errors = compile_value(expr)
    for _, message in errors:
        problem(message, node=node.label, field=name)
    if errors:
        return
    if not isinstance(template, RefValue):
        problem(
            f"{name} must be exactly one reference into {into}, like {example}; got {expr!r}",
            node=node.label,
            field=name,
        )
        return
    ref = template.ref
    if ref.root == "nodes":
        problem(
            f"{name} cannot use another node's output ({ref.text}): {why}, before any node "
            f"runs; put {instead} in the run input instead",
            node=node.label,
            field=name,
        )
    elif ref.root == "item":
        problem(
            f"{name} cannot use {ref.text}; it must be a reference into {into} (${{input.NAME}})",
            node=node.label,
            field=name,
        )


def _check_cycles(views: list[_View], problem: Any) -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    order: dict[str, int] = {}
    for view in views:
        if view.has_id and view.label not in order:
            order[view.label] = len(order)
            graph.add_node(view.label)
    for view in views:
        if view.has_id:
            graph.add_edges_from((dep, view.label) for dep in view.all_needs)
    for component in nx.strongly_connected_components(graph):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = nx.find_cycle(graph.subgraph(component), source=first)
        names = [edge[0] for edge in cycle] + [cycle[0][0]]
        problem(
            "dependency cycle: " + " -> ".join(names) + "; a workflow must be acyclic",
            node=first,
            field="needs",
        )
