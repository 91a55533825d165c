"""`when`: a node switched on or off by the run input when the plan is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2a_mcp.workflow import (
    WorkflowExecutor,
    WorkflowSpecError,
    load_workflow,
    parse_workflow,
    plan_workflow,
)
from a2a_mcp.workflow.__main__ import main

ROOT = Path(__file__).parent.parent.parent
VIDEO = ROOT / "workflows" / "video_generation.yaml"


def spec(**render_fields: object):
    return parse_workflow(
        {
            "name": "w",
            "nodes": [
                {"id": "make", "step": "make", "for_each": "${input.items}"},
                {
                    "id": "render",
                    "step": "render",
                    "when": "${input.render}",
                    "inputs": {"made": "${nodes.make.output}", "how": "${input.render}"},
                    **render_fields,
                },
                # Listed before what it depends on: the rule must not rely on file order.
                {"id": "upload", "step": "upload", "inputs": {"r": "${nodes.publish.output}"}},
                {"id": "publish", "step": "publish", "needs": ["render"]},
                {"id": "report", "step": "report", "needs": ["make"]},
            ],
        }
    )


@pytest.mark.parametrize("value", [None, False, {}, [], ""])
def test_a_falsy_switch_leaves_the_node_and_its_dependents_out(value: object) -> None:
    plan = plan_workflow(spec(), {"items": ["a", "b"], "render": value})
    assert set(plan.nodes) == {"make[a]", "make[b]", "report"}
    skipped = {s.id: s.reason for s in plan.skipped}
    assert list(skipped) == ["render", "upload", "publish"]
    assert skipped["render"].startswith("input.render is ")
    assert skipped["publish"] == "depends on skipped node 'render'"
    assert skipped["upload"] == "depends on skipped node 'publish'"


def test_an_absent_switch_counts_as_off_and_needs_no_input_checks() -> None:
    # "${input.render}" in the node's inputs is not checked: the node is not in the plan.
    plan = plan_workflow(spec(), {"items": ["a"]})
    assert "render" not in plan.nodes
    assert plan.skipped[0].reason == "input.render is not in the run input"


def test_a_truthy_switch_keeps_the_node_with_its_edges() -> None:
    plan = plan_workflow(spec(), {"items": ["a", "b"], "render": {"full_res": False}})
    assert plan.skipped == []
    assert set(plan.graph.predecessors("render")) == {"make[a]", "make[b]"}
    assert plan.levels[-1] == ["upload"]


def test_text_mermaid_and_dot_show_skipped_nodes() -> None:
    plan = plan_workflow(spec(), {"items": ["a"], "render": None})
    assert "skipped: render (input.render is null)" in plan.to_text()
    mermaid = plan.to_mermaid()
    assert "${" not in mermaid and 'skipped: input.render is null"]' in mermaid
    assert "skipped: depends on skipped node" in mermaid and "-.->" in mermaid
    assert "classDef skipped" in mermaid
    dot = plan.to_dot()
    assert '"render" [label="render\\nskipped: input.render is null", style=dotted' in dot
    assert '"make[a]" -> "render" [style=dotted];' in dot


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("${nodes.make.output}", "when cannot use another node's output"),
        ("${item}", "when cannot use ${item}"),
        ("render is ${input.render}", "exactly one reference into the run input"),
        ("yes", "exactly one reference into the run input"),
        ("${input.}", "not a valid reference"),
    ],
)
def test_when_must_be_one_reference_into_the_run_input(when: str, message: str) -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        spec(when=when)
    problems = [p for p in caught.value.problems if p.field == "when"]
    assert problems and problems[0].node == "render"
    assert message in problems[0].message
    assert "node 'render', field 'when': " in str(caught.value)


async def test_the_executor_runs_only_the_planned_nodes() -> None:
    ran: list[str] = []

    async def runner(node, inputs, progress):
        ran.append(node.id)
        return node.id

    plan = plan_workflow(spec(), {"items": ["a"], "render": False})
    result = await WorkflowExecutor(runner).start(plan, plan.run_input).result()
    assert result.status == "completed"
    assert sorted(ran) == ["make[a]", "report"]


def test_the_video_workflow_renders_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    video = load_workflow(VIDEO)
    brief = {"platforms": ["tiktok"]}
    assert (
        "render" not in plan_workflow(video, {"brief": brief, "render": None, "script": None}).nodes
    )
    on = plan_workflow(video, {"brief": brief, "render": {"full_res": False}, "script": None})
    assert on.levels[-1] == ["render"]
    assert main(["check", str(VIDEO)]) == 0
    assert (
        main(
            ["plan", str(VIDEO), "--input", '{"brief": {"platforms": ["tiktok"]}, "script": null}']
        )
        == 0
    )
    assert "skipped: render" in capsys.readouterr().out
