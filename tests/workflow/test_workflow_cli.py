"""`python -m a2a_mcp.workflow`: check files and print plans, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2a_mcp.workflow.__main__ import main

ROOT = Path(__file__).parent.parent.parent
EXAMPLE = ROOT / "workflows" / "example.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"


def test_check_lists_problems_and_sets_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE)]) == 0
    assert "ok:" in capsys.readouterr().out
    assert main(["check", str(EXAMPLE), str(FIXTURES / "cycle.yaml")]) == 1
    err = capsys.readouterr().err
    assert "dependency cycle: a -> b -> c -> a" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "level 1 (width 3): greet[en], greet[de], decorate"),
        ("mermaid", "flowchart LR"),
        ("dot", 'digraph "example"'),
    ],
)
def test_plan_formats(fmt: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    run_input = '{"topic": "tea", "languages": ["en", "de"]}'
    assert main(["plan", str(EXAMPLE), "--input", run_input, "--format", fmt]) == 0
    assert expected in capsys.readouterr().out


def test_plan_reports_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE), "--input", '{"topic": "tea"}']) == 1
    assert "no field 'languages'" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="not valid JSON"):
        main(["plan", str(EXAMPLE), "--input", "{oops"])
