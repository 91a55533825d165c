"""The `vidgen` command: parses arguments, sets up logging, maps errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from a2a_mcp.errors import AgentError
from a2a_mcp.observability import configure_logging
from video_generator.cli import cache, inspect, make, mcp, mesh, voices, worker
from video_generator.cli.common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, UserError
from video_generator.settings import get_settings

# Each module adds its sub-commands; keep them one job each.
COMMAND_MODULES = (make, inspect, mesh, cache, voices, worker, mcp)
USER_ERROR_CODES = {"invalid_brief", "invalid_input", "port_in_use", "cut_impossible"}


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
    args = build_parser().parse_args(argv)
    settings = get_settings()
    configure_logging(args.log_level or settings.log_level, json=settings.log_json)
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AgentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.code in USER_ERROR_CODES else EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
