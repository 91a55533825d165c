"""`vidgen validate`, `platforms`, `plan` and `cards`: look at the pieces without making a video."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from video_generator.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UserError,
    add_command,
    quality_exit,
)
from video_generator.settings import get_settings


def register(commands: Any) -> None:
    validate = add_command(commands, "validate", cmd_validate, "re-check a package folder")
    validate.add_argument("folder", type=Path)

    platforms = add_command(commands, "platforms", cmd_platforms, "list the platform registry")
    platforms.add_argument("--json", action="store_true")

    plan = add_command(commands, "plan", cmd_plan, "print the workflow DAG's levels for a brief")
    plan.add_argument("brief", nargs="?", default=None, help="a brief (default: the example)")
    plan.add_argument("--format", choices=("text", "mermaid", "dot"), default="text")
    plan.add_argument(
        "--render", action="store_true", help="the plan of `vidgen make --render` (with its node)"
    )

    cards = add_command(commands, "cards", cmd_cards, "write (or --check) agents/*.json cards")
    cards.add_argument("--check", action="store_true", help="fail if the cards drifted")
    cards.add_argument("--dir", type=Path, help="cards folder (default: VG_AGENTS_DIR)")


def cmd_validate(args: argparse.Namespace) -> int:
    from video_generator.core.quality import check_package_model
    from video_generator.output.package import PackageReadError, check_files, read_package

    try:
        package = read_package(args.folder)
    except PackageReadError as exc:
        raise UserError(str(exc)) from None
    report = check_package_model(package)
    for gate in report.gates:
        mark = "ok  " if gate.passed else "FAIL"
        print(
            f"{mark} {gate.scope:<16} {gate.gate:<28} {gate.value:g} {gate.unit} "
            f"(limit {gate.limit})"
        )
    for problem in check_files(args.folder, package):
        print(f"note {problem}")
    print(f"{args.folder}: {'valid' if report.passed else 'INVALID'}")
    return quality_exit(report)


def cmd_platforms(args: argparse.Namespace) -> int:
    from video_generator.core.platforms import PLATFORMS

    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in PLATFORMS.values()], indent=2))
        return EXIT_OK
    print(f"{'id':<16} {'max':>6} {'aspect':>6} {'resolution':>10} {'hook':>5} {'shots/min':>10}")
    for p in PLATFORMS.values():
        print(
            f"{p.id:<16} {p.max_duration_s:>5.0f}s {p.aspect:>6} "
            f"{p.resolution.width}x{p.resolution.height:<5} {p.hook_window_s:>4.0f}s "
            f"{p.shots_per_minute[0]:>4.0f}-{p.shots_per_minute[1]:<4.0f}"
        )
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from a2a_mcp.workflow import load_workflow
    from video_generator.agents.orchestrator import plan_brief
    from video_generator.brief import EXAMPLE_BRIEF, BriefError, parse_brief

    try:
        brief = parse_brief(EXAMPLE_BRIEF if args.brief is None else args.brief)
    except BriefError as exc:
        raise UserError(str(exc)) from None
    from video_generator.request import RenderRequest

    # The workflow alone: planning needs no agent built (nor their engine and templates).
    spec = load_workflow(get_settings().workflow)
    plan = plan_brief(spec, brief, RenderRequest() if args.render else None)
    render = {"text": plan.to_text, "mermaid": plan.to_mermaid, "dot": plan.to_dot}[args.format]
    print(render())
    if args.format == "text" and any(node.id == "render" for node in plan.skipped):
        print("(`vidgen plan --render` shows the plan of `vidgen make --render`)")
    return EXIT_OK


def cmd_cards(args: argparse.Namespace) -> int:
    from video_generator.app.card_files import check_cards, write_cards

    folder = args.dir or get_settings().agents_dir
    if args.check:
        drifted = check_cards(folder)
        for name in drifted:
            print(f"drifted: {folder / (name + '.json')}", file=sys.stderr)
        if drifted:
            print("run `vidgen cards` to regenerate them", file=sys.stderr)
        return EXIT_FAILED if drifted else EXIT_OK
    try:
        written = write_cards(folder)
    except OSError as exc:
        raise UserError(
            f"cannot write the cards to {folder}: {exc.strerror or exc}; pass a folder you "
            "can write with --dir"
        ) from None
    for path in written:
        print(path)
    return EXIT_OK
