"""A workflow spec planned for one run input: fan-out expanded, a DiGraph, levels, critical path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
from pydantic import BaseModel

from a2a_mcp.workflow.refs import RefError, Scope, Template, as_text, compile_value
from a2a_mcp.workflow.spec import CacheSpec, NodeSpec, SpecProblem, WorkflowSpec, WorkflowSpecError


@dataclass(frozen=True, slots=True)
class Binding:
    """One input of a planned node: its compiled template and the node ids it reads."""

    name: str
    template: Template
    deps: frozenset[str]
    static: bool  # no reference to another node: resolvable from the run input alone


@dataclass(slots=True, eq=False)
class PlannedNode:
    """A node ready to run: the spec fields, its expanded id, fan-out item and level."""

    id: str
    base_id: str
    item: Any
    item_key: str | None
    agent: str | None
    skill: str | None
    step: str | None
    description: str
    needs: tuple[str, ...]
    inputs: dict[str, Any]
    for_each: str | None
    timeout_s: float | None
    retries: int
    optional: bool
    accepts_missing: frozenset[str]
    cache: CacheSpec
    estimate_s: float
    level: int = 0
    index: int = 0
    bindings: tuple[Binding, ...] = field(default=(), repr=False)

    @property
    def target(self) -> str:
        """What runs the node, for display: 'agent.skill' or 'step:name'."""
        return f"step:{self.step}" if self.step is not None else f"{self.agent}.{self.skill}"


def item_key(item: Any, index: int) -> str:
    """The key of a fan-out element: itself if text or a number, else its id or name, else index."""
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        return str(item)
    for name in ("id", "name"):
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return str(index)


@dataclass(frozen=True, slots=True)
class SkippedNode:
    """A node left out of the plan by its `when` condition, or by depending on such a node."""

    id: str
    reason: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexTables:
    """The plan as lists indexed by node position, built once, for the executor's hot path."""

    successors: list[list[int]]
    need_counts: list[int]
    levels: list[list[int]]
    outputs_of: dict[str, int | list[tuple[str, int]]]


class Plan:
    """The DAG of one run: `graph` (nx.DiGraph over node ids), `nodes`, `levels`."""

    def __init__(
        self,
        spec: WorkflowSpec,
        run_input: dict[str, Any],
        nodes: dict[str, PlannedNode],
        graph: nx.DiGraph,
        levels: list[list[str]],
        outputs_of: dict[str, str | list[tuple[str, str]]],
        skipped: list[SkippedNode] | None = None,
    ) -> None:
        self.spec = spec
        self.run_input = run_input
        self.nodes = nodes
        self.graph = graph
        self.levels = levels
        # base id -> the one node id, or [(item key, node id)] for a fan-out node
        self.outputs_of = outputs_of
        # Nodes the run input switched off (`when`), in spec order, each with the reason.
        self.skipped: list[SkippedNode] = list(skipped or [])

    @property
    def name(self) -> str:
        return self.spec.name

    def level_of(self, node_id: str) -> int:
        return self.nodes[node_id].level

    def _estimate(self, estimates: Mapping[str, float] | None) -> dict[str, float]:
        estimates = estimates or {}
        return {
            nid: float(estimates.get(nid, estimates.get(n.base_id, n.estimate_s)))
            for nid, n in self.nodes.items()
        }

    def critical_path(
        self, estimates: Mapping[str, float] | None = None
    ) -> tuple[list[str], float]:
        """The longest chain by estimated seconds (estimate_s unless given by node or base id)."""
        cost = self._estimate(estimates)
        finish: dict[str, float] = {}
        via: dict[str, str | None] = {}
        for nid in self._topo_order:
            best, before = 0.0, None
            for pred in self.graph.predecessors(nid):
                if before is None or finish[pred] > best:
                    best, before = finish[pred], pred
            finish[nid] = best + cost[nid]
            via[nid] = before
        if not finish:
            return [], 0.0
        end = max(self._topo_order, key=lambda n: finish[n])
        path: list[str] = []
        cursor: str | None = end
        while cursor is not None:
            path.append(cursor)
            cursor = via[cursor]
        return path[::-1], finish[end]

    def remaining_path(self, estimates: Mapping[str, float] | None = None) -> dict[str, float]:
        """For each node, the longest estimated chain from its start to the end of the run."""
        cost = self._estimate(estimates)
        tail: dict[str, float] = {}
        for nid in reversed(self._topo_order):
            tail[nid] = cost[nid] + max((tail[s] for s in self.graph.successors(nid)), default=0.0)
        return tail

    @cached_property
    def tables(self) -> IndexTables:
        """Index-based adjacency for the executor (cached: a plan may be run many times)."""
        index = {nid: node.index for nid, node in self.nodes.items()}
        successors = [[index[s] for s in self.graph.successors(nid)] for nid in self.nodes]
        need_counts = [len(node.needs) for node in self.nodes.values()]
        levels = [[index[nid] for nid in level] for level in self.levels]
        outputs_of: dict[str, int | list[tuple[str, int]]] = {
            base: index[out] if isinstance(out, str) else [(k, index[nid]) for k, nid in out]
            for base, out in self.outputs_of.items()
        }
        return IndexTables(successors, need_counts, levels, outputs_of)

    @cached_property
    def _topo_order(self) -> list[str]:
        return [nid for level in self.levels for nid in level]

    def to_text(self) -> str:
        """Levels with their widths and the critical path, for people."""
        widest = max((len(level) for level in self.levels), default=0)
        lines = [
            f"workflow '{self.name}' v{self.spec.version}: {len(self.nodes)} nodes in "
            f"{len(self.levels)} levels (widest: {widest})"
        ]
        for number, level in enumerate(self.levels):
            lines.append(f"  level {number} (width {len(level)}): {', '.join(level)}")
        path, total = self.critical_path()
        lines.append(f"critical path (estimated {total:g} s): {' -> '.join(path) or '(empty)'}")
        for skipped in self.skipped:
            lines.append(f"skipped: {skipped.id} ({skipped.reason})")
        return "\n".join(lines)

    def _skipped_edges(self) -> list[tuple[str, str]]:
        """Edges into left-out nodes, from the planned ids (or left-out ids) they depend on."""
        edges: list[tuple[str, str]] = []
        for skipped in self.skipped:
            for dep in skipped.needs:
                out = self.outputs_of.get(dep, dep)
                sources = [out] if isinstance(out, str) else [nid for _, nid in out]
                edges.extend((src, skipped.id) for src in sources)
        return edges

    def to_mermaid(self) -> str:
        """A Mermaid flowchart; optional nodes are dashed."""
        names = {nid: f"n{i}" for i, nid in enumerate(self.nodes)}
        lines = ["flowchart LR"]
        for nid, node in self.nodes.items():
            label = f"{nid}<br/>{node.target}".replace('"', "#quot;")
            lines.append(f'  {names[nid]}["{label}"]')
        for src, dst in self.graph.edges:
            lines.append(f"  {names[src]} --> {names[dst]}")
        optional = [names[nid] for nid, node in self.nodes.items() if node.optional]
        if optional:
            lines.append("  classDef optional stroke-dasharray: 5 5")
            lines.append(f"  class {','.join(optional)} optional")
        if self.skipped:
            for i, skipped in enumerate(self.skipped):
                names[skipped.id] = f"s{i}"
                label = f"{skipped.id}<br/>skipped: {skipped.reason}".replace('"', "#quot;")
                lines.append(f'  s{i}["{label}"]')
            for src, dst in self._skipped_edges():
                lines.append(f"  {names[src]} -.-> {names[dst]}")
            lines.append("  classDef skipped stroke-dasharray: 2 4, color: #888")
            lines.append(f"  class {','.join(names[s.id] for s in self.skipped)} skipped")
        return "\n".join(lines)

    def to_dot(self) -> str:
        """Graphviz DOT; nodes of one level share a rank, optional nodes are dashed."""

        def esc(text: str) -> str:
            return text.replace("\\", "\\\\").replace('"', '\\"')

        def q(text: str) -> str:
            return f'"{esc(text)}"'

        lines = [f"digraph {q(self.name)} {{", "  rankdir=LR;", "  node [shape=box];"]
        for nid, node in self.nodes.items():
            style = ", style=dashed" if node.optional else ""
            lines.append(f'  {q(nid)} [label="{esc(nid)}\\n{esc(node.target)}"{style}];')
        for src, dst in self.graph.edges:
            lines.append(f"  {q(src)} -> {q(dst)};")
        for skipped in self.skipped:
            label = f"{esc(skipped.id)}\\nskipped: {esc(skipped.reason)}"
            lines.append(f'  {q(skipped.id)} [label="{label}", style=dotted, fontcolor=gray];')
        for src, dst in self._skipped_edges():
            lines.append(f"  {q(src)} -> {q(dst)} [style=dotted];")
        for level in self.levels:
            if len(level) > 1:
                lines.append("  { rank=same; " + " ".join(f"{q(n)};" for n in level) + " }")
        lines.append("}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Plan {self.name}: {len(self.nodes)} nodes, {len(self.levels)} levels>"


def plan_workflow(
    spec: WorkflowSpec, run_input: Mapping[str, Any] | BaseModel | None = None
) -> Plan:
    """Expand fan-out from the run input, build the DiGraph and group the nodes into levels.

    Raises WorkflowSpecError when the run input does not fit the workflow (a fan-out over
    something that is not a list, or a `${input...}` reference to a field that is absent)."""
    if isinstance(run_input, BaseModel):
        run_input = run_input.model_dump()
    data: dict[str, Any] = dict(run_input or {})
    problems: list[SpecProblem] = []

    def problem(message: str, node: str, field: str) -> None:
        problems.append(SpecProblem(file=spec.source, node=node, field=field, message=message))

    skipped = _left_out(spec, data)
    left_out = {s.id for s in skipped}
    kept = [node for node in spec.nodes if node.id not in left_out]
    expanded = _expand(kept, data, problem)
    outputs_of: dict[str, str | list[tuple[str, str]]] = {}
    for node in kept:
        items = expanded.get(node.id)
        if node.for_each is None:
            outputs_of[node.id] = node.id
        else:
            outputs_of[node.id] = [(key, f"{node.id}[{key}]") for key, _ in items or []]

    def ids_of(base: str) -> list[str]:
        out = outputs_of[base]
        return [out] if isinstance(out, str) else [nid for _, nid in out]

    nodes: dict[str, PlannedNode] = {}
    for node in kept:
        bindings = _bindings(node, ids_of)
        needs = tuple(dict.fromkeys(nid for dep in node.needs for nid in ids_of(dep)))
        instances = (
            [(None, None, node.id)]
            if node.for_each is None
            else [(key, item, f"{node.id}[{key}]") for key, item in expanded.get(node.id) or []]
        )
        for key, item, nid in instances:
            planned = _planned(node, nid, key, item, needs, bindings)
            _check_static_refs(planned, data, problem)
            nodes[nid] = planned
    if problems:
        raise WorkflowSpecError(problems)

    graph: nx.DiGraph[str] = nx.DiGraph()
    for nid in nodes:
        graph.add_node(nid)
    for nid, planned in nodes.items():
        graph.add_edges_from((dep, nid) for dep in planned.needs)
    levels = _levels(nodes, graph)
    for index, nid in enumerate(nodes):
        nodes[nid].index = index
    return Plan(spec, data, nodes, graph, levels, outputs_of, skipped)


def _falsy_reason(node: NodeSpec, data: dict[str, Any]) -> str | None:
    """Why the node's `when` switches it off for this run input, or None when it stays."""
    if node.when is None:
        return None
    template, _ = compile_value(node.when)
    # Named as people read it ("input.render"), not as the file writes it ("${input.render}"),
    # which also keeps the reason plain text in Mermaid and DOT labels.
    switch = node.when.strip()
    if switch.startswith("${") and switch.endswith("}") and switch.count("${") == 1:
        switch = switch[2:-1].strip()
    try:
        value = template.resolve(Scope(data, None))
    except RefError:
        # An absent switch is an unset one: a run input need not name every optional step.
        return f"{switch} is not in the run input"
    if not value:
        return f"{switch} is {'null' if value is None else as_text(value)}"
    return None


def _left_out(spec: WorkflowSpec, data: dict[str, Any]) -> list[SkippedNode]:
    """Nodes whose `when` is falsy, and every node that depends on one, in spec order."""
    reasons: dict[str, str] = {}
    for node in spec.nodes:
        reason = _falsy_reason(node, data)
        if reason is not None:
            reasons[node.id] = reason
    changed = bool(reasons)
    while changed:  # the spec's order need not be topological: repeat until nothing moves
        changed = False
        for node in spec.nodes:
            if node.id in reasons:
                continue
            off = [dep for dep in node.needs if dep in reasons]
            if off:
                reasons[node.id] = f"depends on skipped node '{off[0]}'"
                changed = True
    return [
        SkippedNode(node.id, reasons[node.id], tuple(node.needs))
        for node in spec.nodes
        if node.id in reasons
    ]


def _expand(
    nodes: list[NodeSpec], data: dict[str, Any], problem: Any
) -> dict[str, list[tuple[str, Any]]]:
    expanded: dict[str, list[tuple[str, Any]]] = {}
    for node in nodes:
        if node.for_each is None:
            continue
        template, _ = compile_value(node.for_each)
        try:
            items = template.resolve(Scope(data, None))
        except RefError as exc:
            problem(f"{exc}; give it in the run input", node.id, "for_each")
            continue
        if not isinstance(items, list | tuple):
            problem(
                f"for_each {node.for_each} must be a list, but the run input has a "
                f"{type(items).__name__} there",
                node.id,
                "for_each",
            )
            continue
        keyed = [(item_key(item, i), item) for i, item in enumerate(items)]
        seen: set[str] = set()
        for key, _ in keyed:
            if key in seen:
                problem(
                    f"for_each {node.for_each} has two items with key '{key}'; each item "
                    "needs a distinct value, id or name",
                    node.id,
                    "for_each",
                )
            seen.add(key)
        expanded[node.id] = keyed
    return expanded


def _bindings(node: NodeSpec, ids_of: Any) -> tuple[Binding, ...]:
    out = []
    for name, value in node.inputs.items():
        template, _ = compile_value(value, f"inputs.{name}")
        deps = frozenset(
            nid for ref in template.refs() if ref.root == "nodes" for nid in ids_of(ref.node)
        )
        static = not any(ref.root == "nodes" for ref in template.refs())
        out.append(Binding(name, template, deps, static))
    return tuple(out)


def _planned(
    node: NodeSpec,
    nid: str,
    key: str | None,
    item: Any,
    needs: tuple[str, ...],
    bindings: tuple[Binding, ...],
) -> PlannedNode:
    return PlannedNode(
        id=nid,
        base_id=node.id,
        item=item,
        item_key=key,
        agent=node.agent,
        skill=node.skill,
        step=node.step,
        description=node.description,
        needs=needs,
        inputs=node.inputs,
        for_each=node.for_each,
        timeout_s=node.timeout_s,
        retries=node.retries,
        optional=node.optional,
        accepts_missing=frozenset(node.accepts_missing),
        cache=node.cache,
        estimate_s=node.estimate_s,
        bindings=bindings,
    )


def _check_static_refs(planned: PlannedNode, data: dict[str, Any], problem: Any) -> None:
    """References to the run input and the fan-out item are checked before anything runs."""
    scope = Scope(data, planned.item)
    for binding in planned.bindings:
        for ref in binding.template.refs():
            if ref.root == "nodes":
                continue
            try:
                scope.lookup(ref)
            except RefError as exc:
                problem(str(exc), planned.id, f"inputs.{binding.name}")


def _levels(nodes: dict[str, PlannedNode], graph: nx.DiGraph) -> list[list[str]]:
    """BFS from the roots: a node's level is one more than the deepest of its dependencies."""
    waiting = {nid: graph.in_degree(nid) for nid in nodes}
    frontier = [nid for nid in nodes if waiting[nid] == 0]
    levels: list[list[str]] = []
    order = {nid: i for i, nid in enumerate(nodes)}
    while frontier:
        levels.append(frontier)
        following: list[str] = []
        for nid in frontier:
            nodes[nid].level = len(levels) - 1
            for succ in graph.successors(nid):
                waiting[succ] -= 1
                if waiting[succ] == 0:
                    following.append(succ)
        frontier = sorted(following, key=order.__getitem__)
    return levels
