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


def port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a port is a number from 0 to 65535, not '{text}'"
        ) from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {value}")
    return value


def settings_problem(exc: Any) -> str:
    """A settings ValidationError as one paragraph naming the environment variables (never
    their values: some are secrets)."""
    from video_generator.settings import Settings

    problems = []
    for error in exc.errors(include_url=False):
        # A nested model's field (http.limit) is one variable too: VG_HTTP_LIMIT.
        loc = [str(part) for part in error.get("loc", ("?",))]
        info = Settings.model_fields.get(loc[0])
        variable = (info.alias if info is not None and info.alias else None) or (
            "VG_" + "_".join(loc[:2]).upper()
        )
        problems.append(f"{variable}: {error['msg']}")
    return (
        "the environment is not valid: " + "; ".join(problems) + ". Fix or unset the variable "
        "(docs list every VG_* setting)."
    )


def quality_exit(report: Any) -> int:
    return EXIT_OK if report.passed else EXIT_QUALITY
