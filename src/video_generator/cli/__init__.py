"""The `vidgen` command: parses arguments, sets up logging, maps errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from a2a_mcp.errors import AgentError
from a2a_mcp.observability import configure_logging
from video_generator.cli import cache, inspect, make, mcp, render, serve, voices, worker
from video_generator.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UserError,
    settings_problem,
)
from video_generator.settings import configure_a2a, get_settings

# Each module adds its sub-commands; keep them one job each.
COMMAND_MODULES = (make, render, inspect, serve, cache, voices, worker, mcp)
USER_ERROR_CODES = {
    "invalid_brief",
    "invalid_input",
    "port_in_use",
    "cut_impossible",
    "unauthorized",
    "engine_config",  # VG_ENGINE / VG_LLM_* incomplete or wrong (docs/engines.md)
    "engine_auth",  # the LLM server refused the key
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidgen",
        description="Turn a natural-language brief into a short-video package with A2A agents.",
    )
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING (default from VG_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"error: {settings_problem(exc)}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(args.log_level or settings.log_level, json=settings.log_json)
    configure_a2a(settings)
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        # A value a command put into a model (a flag, a brief) that the model refuses.
        from a2a_mcp.errors import describe_validation_error

        summary, _ = describe_validation_error(exc)
        print(f"error: {exc.title} is not valid: {summary}", file=sys.stderr)
        return EXIT_USAGE
    except AgentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.code in USER_ERROR_CODES else EXIT_FAILED
    except Exception as exc:
        # Imported only here: the workflow package is not needed to start every command.
        from a2a_mcp.workflow.spec import WorkflowSpecError

        if not isinstance(exc, WorkflowSpecError):
            raise
        # VG_WORKFLOW names a file that is missing or not a valid workflow.
        print(f"error: {exc} (set VG_WORKFLOW to a valid workflow file)", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
