"""Loading and validating workflow files: every problem named with file, node and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2a_mcp.workflow import SpecProblem, WorkflowSpecError, load_workflow, parse_workflow

FIXTURES = Path(__file__).parent.parent / "fixtures" / "workflows"
ROOT = Path(__file__).parent.parent.parent


def problems_of(name: str) -> list[SpecProblem]:
    with pytest.raises(WorkflowSpecError) as caught:
        load_workflow(FIXTURES / name)
    return caught.value.problems


def only(problems: list[SpecProblem], node: str, field: str | None) -> SpecProblem:
    found = [p for p in problems if p.node == node and p.field == field]
    assert len(found) == 1, problems
    return found[0]


def test_good_file_loads_with_implied_needs() -> None:
    spec = load_workflow(FIXTURES / "good.yaml")
    assert spec.name == "video_like"
    assert spec.version == "2"  # YAML int read as a label
    assert spec.source.endswith("good.yaml")
    # `${nodes.brief.output.title}` in timing's inputs adds brief to its needs
    assert spec.node("timing").needs == ["script", "brief"]
    assert spec.node("package").needs == ["adapt", "render"]
    assert spec.node("render").needs == ["scenes"]
    assert spec.node("script").cache.ttl == "script"
    assert spec.node("render").cache.enabled is False  # `cache: false` shorthand
    assert spec.node("package").accepts_missing == ["preview"]


def test_example_workflow_is_valid() -> None:
    spec = load_workflow(ROOT / "workflows" / "example.yaml")
    assert {n.id for n in spec.nodes} == {"outline", "greet", "decorate", "collect"}
    assert all(n.step is not None for n in spec.nodes)


def test_unknown_dependency_names_node_field_and_suggests() -> None:
    problems = problems_of("unknown_dependency.yaml")
    problem = only(problems, "scenes", "needs")
    assert "unknown node 'scrip'" in problem.message
    assert "did you mean 'script'" in problem.message
    assert problem.file.endswith("unknown_dependency.yaml")


def test_duplicate_id() -> None:
    problem = only(problems_of("duplicate_id.yaml"), "script", "id")
    assert "duplicate id 'script'" in problem.message
    assert "#1 and #3" in problem.message


def test_cycle_names_the_nodes_in_it() -> None:
    problem = only(problems_of("cycle.yaml"), "a", "needs")
    assert "a -> b -> c -> a" in problem.message
    assert "start" not in problem.message


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        parse_workflow({"name": "w", "nodes": [{"id": "a", "step": "s", "needs": ["a"]}]})
    assert "dependency cycle: a -> a" in caught.value.problems[0].message


def test_unknown_node_and_unknown_output_references() -> None:
    problems = problems_of("unknown_reference.yaml")
    assert "unknown node 'scipt'" in only(problems, "scenes", "inputs.script").message
    output = only(problems, "timing", "inputs.script").message
    assert "unknown output 'result'" in output
    assert "${nodes.script.output}" in output


def test_bad_fan_out_expressions() -> None:
    problems = problems_of("bad_fan_out.yaml")
    from_node = only(problems, "adapt", "for_each").message
    assert "cannot use another node's output" in from_node
    assert "run input" in from_node
    not_ref = only(problems, "caption", "for_each").message
    assert "exactly one reference" in not_ref


@pytest.mark.parametrize(
    ("for_each", "expected"),
    [
        ("${item}", "cannot use ${item}"),
        ("${input.a} and ${input.b}", "exactly one reference"),
        ("${bogus.list}", "unknown root 'bogus'"),
        ("${input.list", "unterminated reference"),
    ],
)
def test_more_bad_fan_out_expressions(for_each: str, expected: str) -> None:
    data = {"name": "w", "nodes": [{"id": "a", "step": "s", "for_each": for_each}]}
    with pytest.raises(WorkflowSpecError) as caught:
        parse_workflow(data, "inline.yaml")
    assert any(expected in p.message and p.field == "for_each" for p in caught.value.problems)


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of("many_problems.yaml")
    assert only(problems, "script", "retries")
    assert "needs a skill" in only(problems, "script", None).message
    assert "unknown field" in only(problems, "scenes", "speed").message
    # scenes has a bad field, yet its unknown dependency is still reported
    assert "unknown node 'missing'" in only(problems, "scenes", "needs").message
    assert "fan-out node" in only(problems, "timing", "inputs.item").message
    assert "unterminated" in only(problems, "timing", "inputs.words").message
    assert len(problems) == 6


def test_error_text_lists_every_problem_one_per_line() -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        load_workflow(FIXTURES / "many_problems.yaml")
    lines = str(caught.value).splitlines()
    assert lines[0] == "workflow is not valid (6 problems):"
    assert len(lines) == 7
    assert all("many_problems.yaml: node '" in line for line in lines[1:])
    assert "node 'scenes', field 'needs'" in str(caught.value)


def test_yaml_syntax_error_gives_line() -> None:
    problem = problems_of("not_yaml.yaml")[0]
    assert "not valid YAML at line 5" in problem.message


def test_missing_file() -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        load_workflow(FIXTURES / "nope.yaml")
    assert "file not found" in str(caught.value)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"id": "a", "agent": "x", "skill": "y", "step": "z"}, "not both"),
        ({"id": "a"}, "give an agent and a skill, or a local step"),
        ({"id": "a", "skill": "y"}, "needs an agent as well"),
        ({"id": "a b", "step": "s"}, "an id starts with a letter"),
        ({"id": "a", "step": "s", "timeout_s": 0}, "greater than 0"),
        ({"id": "a", "step": "s", "accepts_missing": ["x"]}, "not one of its inputs"),
        ({"id": "a", "step": "s", "inputs": {"x": "${item.name}"}}, "fan-out node"),
        ({"id": "a", "step": "s", "inputs": {"x": "${nodes.a}"}}, "incomplete"),
        ({"id": "a", "step": "s", "inputs": {"x": "${in put}"}}, "not a valid reference"),
    ],
)
def test_node_level_problems(node: dict, expected: str) -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        parse_workflow({"name": "w", "nodes": [node]}, "inline.yaml")
    assert any(expected in p.message for p in caught.value.problems), caught.value.problems


def test_top_level_problems() -> None:
    with pytest.raises(WorkflowSpecError) as caught:
        parse_workflow({"nodes": [], "colour": "red"}, "top.yaml")
    fields = {p.field for p in caught.value.problems}
    assert {"name", "nodes", "colour"} <= fields
    with pytest.raises(WorkflowSpecError) as caught:
        parse_workflow(None, "empty.yaml")
    assert "this one is empty" in str(caught.value)


def test_needs_accepts_a_single_name_and_reference_in_needs_is_fine() -> None:
    spec = parse_workflow(
        {
            "name": "w",
            "nodes": [
                {"id": "a", "step": "s"},
                {"id": "b", "step": "s", "needs": "a", "inputs": {"x": "${nodes.a.output}"}},
            ],
        }
    )
    assert spec.node("b").needs == ["a"]
