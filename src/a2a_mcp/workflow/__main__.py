"""Command line for workflow files: `check` them, or print a `plan` as text, Mermaid or DOT."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from a2a_mcp.workflow.plan import plan_workflow
from a2a_mcp.workflow.spec import WorkflowSpecError, load_workflow


def _run_input(args: argparse.Namespace) -> dict[str, Any]:
    text = args.input
    source = "--input"
    if args.input_file is not None:
        source = str(args.input_file)
        try:
            text = Path(args.input_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise SystemExit(f"error: cannot read {source}: {exc.strerror}") from None
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: {source} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"error: {source} must be a JSON object, not {type(data).__name__}")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m a2a_mcp.workflow", description="Check and plan workflow files."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate workflow files, listing every problem")
    check.add_argument("files", nargs="+", type=Path)
    plan = commands.add_parser("plan", help="print the plan of a workflow for a run input")
    plan.add_argument("file", type=Path)
    plan.add_argument("--input", help="the run input as a JSON object")
    plan.add_argument("--input-file", type=Path, help="a file holding the run input as JSON")
    plan.add_argument("--format", choices=("text", "mermaid", "dot"), default="text")
    args = parser.parse_args(argv)

    if args.command == "check":
        failed = 0
        for path in args.files:
            try:
                spec = load_workflow(path)
            except WorkflowSpecError as exc:
                failed += 1
                print(exc, file=sys.stderr)
            else:
                print(f"ok: {path} ({spec.name} v{spec.version}, {len(spec.nodes)} nodes)")
        return 1 if failed else 0

    try:
        planned = plan_workflow(load_workflow(args.file), _run_input(args))
    except WorkflowSpecError as exc:
        print(exc, file=sys.stderr)
        return 1
    render = {"text": planned.to_text, "mermaid": planned.to_mermaid, "dot": planned.to_dot}
    print(render[args.format]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
