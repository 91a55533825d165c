"""Shared pieces of the `vidgen` commands: exit codes, the user-error type, registration."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

EXIT_OK = 0
EXIT_QUALITY = 1  # the package was made but a quality gate failed
EXIT_USAGE = 2  # the input was wrong: brief, flags, folder
EXIT_FAILED = 3  # the run failed: an agent or the workflow
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A mistake the user can fix; printed as one paragraph, exit code 2."""


Handler = Callable[[argparse.Namespace], int]


def add_command(
    commands: Any, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    """Add a sub-command whose handler gets the parsed arguments and returns the exit code."""
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(handler=handler)
    return sub


def quality_exit(report: Any) -> int:
    return EXIT_OK if report.passed else EXIT_QUALITY
