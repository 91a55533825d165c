"""Planning: fan-out expansion, levels, critical path, text/Mermaid/DOT, reference resolution."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from a2a_mcp.workflow import WorkflowSpecError, load_workflow, parse_workflow, plan_workflow
from a2a_mcp.workflow.plan import item_key
from a2a_mcp.workflow.refs import RefError, Scope, compile_value

FIXTURES = Path(__file__).parent.parent / "fixtures" / "workflows"
VIDEO_INPUT = {"brief": "cold brew", "tone": "upbeat", "platforms": ["tiktok", "youtube"]}


@pytest.fixture
def video_plan():
    return plan_workflow(load_workflow(FIXTURES / "good.yaml"), VIDEO_INPUT)


def test_fan_out_expands_from_the_run_input(video_plan) -> None:
    adapt = [nid for nid in video_plan.nodes if nid.startswith("adapt")]
    assert adapt == ["adapt[tiktok]", "adapt[youtube]"]
    node = video_plan.nodes["adapt[youtube]"]
    assert (node.base_id, node.item, node.item_key) == ("adapt", "youtube", "youtube")
    # a dependency on a fanned-out node is on all its instances
    assert set(video_plan.nodes["package"].needs) == {"adapt[tiktok]", "adapt[youtube]", "render"}
    assert set(video_plan.graph.predecessors("adapt[tiktok]")) == {"scenes", "timing"}


def test_levels_are_bfs_from_roots_and_match_networkx(video_plan) -> None:
    assert video_plan.levels == [
        ["brief"],
        ["script"],
        ["scenes", "timing"],
        ["adapt[tiktok]", "adapt[youtube]", "render"],
        ["package"],
    ]
    generations = [set(g) for g in nx.topological_generations(video_plan.graph)]
    assert [set(level) for level in video_plan.levels] == generations
    assert video_plan.level_of("timing") == 2
    assert video_plan.nodes["package"].level == 4


def test_critical_path_uses_estimates(video_plan) -> None:
    path, total = video_plan.critical_path()
    assert path == ["brief", "script", "scenes", "render", "package"]
    assert total == pytest.approx(0.1 + 3 + 2 + 5 + 0.5)
    # estimates override by node id or by base id
    path, total = video_plan.critical_path({"render": 0.0, "adapt": 10.0, "timing": 4.0})
    assert path == ["brief", "script", "timing", "adapt[tiktok]", "package"]
    assert total == pytest.approx(0.1 + 3 + 4 + 10 + 0.5)


def test_text_mermaid_and_dot(video_plan) -> None:
    text = video_plan.to_text()
    assert "8 nodes in 5 levels (widest: 3)" in text
    assert "level 3 (width 3): adapt[tiktok], adapt[youtube], render" in text
    path = "brief -> script -> scenes -> render -> package"
    assert f"critical path (estimated 10.6 s): {path}" in text

    mermaid = video_plan.to_mermaid().splitlines()
    assert mermaid[0] == "flowchart LR"
    assert sum("-->" in line for line in mermaid) == video_plan.graph.number_of_edges()
    assert any('["adapt[tiktok]<br/>platform_adapter.adapt"]' in line for line in mermaid)
    assert any(line.strip().startswith("class ") and "optional" in line for line in mermaid)

    dot = video_plan.to_dot()
    assert dot.startswith('digraph "video_like" {') and dot.endswith("}")
    assert '"adapt[tiktok]" -> "package";' in dot
    assert dot.count("->") == video_plan.graph.number_of_edges()
    assert '{ rank=same; "scenes"; "timing"; }' in dot
    assert "style=dashed" in dot  # render is optional


def test_item_keys() -> None:
    assert item_key("tiktok", 0) == "tiktok"
    assert item_key(3, 0) == "3"
    assert item_key({"id": "a", "name": "b"}, 5) == "a"
    assert item_key({"name": "b"}, 5) == "b"
    assert item_key({"size": 1}, 5) == "5"


def fan_out_spec():
    return parse_workflow(
        {
            "name": "fan",
            "nodes": [
                {"id": "a", "step": "s", "for_each": "${input.things}", "inputs": {"x": "${item}"}},
                {"id": "b", "step": "s", "inputs": {"all": "${nodes.a.output}"}},
            ],
        },
        "fan.yaml",
    )


def test_fan_out_over_dicts_and_empty_list() -> None:
    plan = plan_workflow(fan_out_spec(), {"things": [{"name": "x"}, {"name": "y", "n": 2}]})
    assert list(plan.nodes) == ["a[x]", "a[y]", "b"]
    assert plan.nodes["a[y]"].item == {"name": "y", "n": 2}
    empty = plan_workflow(fan_out_spec(), {"things": []})
    assert list(empty.nodes) == ["b"]
    assert empty.nodes["b"].needs == ()


@pytest.mark.parametrize(
    ("run_input", "expected"),
    [
        ({"things": "abc"}, "must be a list"),
        ({}, "no field 'things'"),
        ({"things": ["x", "x"]}, "two items with key 'x'"),
    ],
)
def test_fan_out_problems_at_plan_time(run_input: dict, expected: str) -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        plan_workflow(fan_out_spec(), run_input)
    problem = caught.value.problems[0]
    assert (problem.file, problem.node, problem.field) == ("fan.yaml", "a", "for_each")
    assert expected in problem.message


def test_missing_run_input_is_reported_before_running() -> None:
    spec = load_workflow(FIXTURES / "good.yaml")
    with pytest.raises(WorkflowSpecError) as caught:
        plan_workflow(spec, {"brief": "x", "platforms": []})
    problem = caught.value.problems[0]
    assert (problem.node, problem.field) == ("script", "inputs.tone")
    assert "no field 'tone'" in problem.message


def test_reference_resolution_keeps_type_or_interpolates() -> None:
    outputs = {"script": {"title": "Cold brew", "beats": [1, 2]}, "n": 3}
    scope = Scope({"platforms": ["tiktok"], "meta": {"len": 45}}, {"id": "tiktok"}, outputs.get)

    def resolve(value):
        template, problems = compile_value(value)
        assert problems == []
        return template.resolve(scope)

    assert resolve("${nodes.script.output}") == outputs["script"]
    assert resolve("${nodes.script.output.beats.1}") == 2
    assert resolve("${input.meta.len}") == 45
    assert resolve("${ input.meta.len }") == 45
    assert resolve("${item.id}") == "tiktok"
    assert resolve("${nodes.n.output}") == 3
    assert resolve("len=${input.meta.len}s for ${item.id}") == "len=45s for tiktok"
    assert resolve("beats: ${nodes.script.output.beats}") == "beats: [1, 2]"
    assert resolve("costs $${input.x}") == "costs ${input.x}"
    assert resolve({"a": ["${input.meta.len}", "plain"], "b": 1}) == {"a": [45, "plain"], "b": 1}
    with pytest.raises(RefError, match="no field 'subtitle'"):
        resolve("${nodes.script.output.subtitle}")
    with pytest.raises(RefError, match="no index 5"):
        resolve("${nodes.script.output.beats.5}")
