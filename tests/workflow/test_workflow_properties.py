"""Property tests over random DAGs: each node once, after its dependencies; levels; modes agree."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a2a_mcp.workflow import (
    PlannedNode,
    RunStatus,
    WorkflowExecutor,
    parse_workflow,
    plan_workflow,
)


@st.composite
def random_dags(draw: st.DrawFn) -> dict[str, Any]:
    """A workflow of 1-24 nodes; node j may depend on any earlier node, by a reference in its
    inputs or by `needs` alone; some nodes fan out; each node yields to the loop a few times."""
    count = draw(st.integers(1, 24))
    nodes: list[dict[str, Any]] = []
    for j in range(count):
        deps = draw(st.sets(st.integers(0, j - 1), max_size=4)) if j else set()
        inputs: dict[str, Any] = {"own": j}
        needs: list[str] = []
        for d in sorted(deps):
            if draw(st.booleans()):
                inputs[f"from_{d}"] = f"${{nodes.n{d}.output}}"
            else:
                needs.append(f"n{d}")
        node: dict[str, Any] = {
            "id": f"n{j}",
            "step": "work",
            "needs": needs,
            "inputs": inputs,
            "estimate_s": draw(st.floats(0, 5)),
        }
        if draw(st.integers(0, 5)) == 0:
            node["for_each"] = "${input.items}"
            inputs["item"] = "${item}"
        nodes.append(node)
    return {
        "spec": {"name": "random", "nodes": nodes},
        "items": draw(st.lists(st.sampled_from("abcde"), max_size=3, unique=True)),
        "yields": draw(st.lists(st.integers(0, 3), min_size=count, max_size=count)),
        "limit": draw(st.sampled_from([None, 1, 2, 3])),
    }


class Recorder:
    """A runner whose output is a pure function of the node and its inputs."""

    def __init__(self, plan: Any, yields: list[int]) -> None:
        self.plan = plan
        self.yields = yields
        self.runs: list[str] = []
        self.done: set[str] = set()
        self.violations: list[str] = []
        self.running = 0
        self.peak = 0

    async def __call__(self, node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        self.runs.append(node.id)
        self.running += 1
        self.peak = max(self.peak, self.running)
        missing = [d for d in self.plan.graph.predecessors(node.id) if d not in self.done]
        if missing:
            self.violations.append(f"{node.id} started before {missing}")
        for _ in range(self.yields[int(node.base_id[1:])]):
            await asyncio.sleep(0)
        self.done.add(node.id)
        self.running -= 1
        return {"id": node.id, "inputs": inputs}


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_random_dags(case: dict[str, Any]) -> None:
    spec = parse_workflow(case["spec"], "random.yaml")
    plan = plan_workflow(spec, {"items": case["items"]})

    # levels equal networkx's topological generations
    assert [set(level) for level in plan.levels] == [
        set(g) for g in nx.topological_generations(plan.graph)
    ]
    for nid in plan.nodes:
        preds = [plan.level_of(p) for p in plan.graph.predecessors(nid)]
        assert plan.level_of(nid) == (max(preds) + 1 if preds else 0)

    # the critical path is a real chain, and no chain costs more (checked by a plain DP)
    path, total = plan.critical_path()
    best: dict[str, float] = {}
    for nid in nx.topological_sort(plan.graph):
        before = [best[p] for p in plan.graph.predecessors(nid)]
        best[nid] = plan.nodes[nid].estimate_s + max(before, default=0.0)
    assert total == pytest.approx(max(best.values(), default=0.0))
    assert total == pytest.approx(sum(plan.nodes[n].estimate_s for n in path))
    assert all(plan.graph.has_edge(a, b) for a, b in itertools.pairwise(path))

    async def run_modes() -> list[tuple[Any, Recorder]]:
        out = []
        for mode, limit in (("eager", None), ("levels", None), ("eager", case["limit"])):
            recorder = Recorder(plan, case["yields"])
            executor = WorkflowExecutor(recorder, max_concurrency=limit)
            out.append((await executor.execute(plan, mode=mode), recorder))  # type: ignore[arg-type]
        return out

    runs = asyncio.run(run_modes())
    for result, rec in runs:
        assert result.status is RunStatus.COMPLETED
        assert sorted(rec.runs) == sorted(plan.nodes)  # every node exactly once
        assert rec.violations == []  # and only after all its dependencies
    eager, levels, limited = (result for result, _ in runs)
    assert eager.outputs == levels.outputs == limited.outputs
    if case["limit"] is not None:
        assert runs[2][1].peak <= case["limit"]
