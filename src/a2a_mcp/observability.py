"""Structured logging (structlog) and the process's Prometheus registry."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from prometheus_client import CollectorRegistry
from structlog.typing import EventDict, WrappedLogger

# One registry per process; every module registers its metrics here so /metrics shows them all.
REGISTRY = CollectorRegistry(auto_describe=True)

_SECRET_WORDS = ("key", "token", "secret", "password", "authorization")


def _drop_secrets(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Mask any field whose name says it holds a secret, so logs never carry one."""
    for name in list(event):
        if any(word in name.lower() for word in _SECRET_WORDS):
            event[name] = "***"
    return event


class _CurrentStderr:
    """Writes to whatever sys.stderr is at the moment, so a swapped stream never goes stale."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    """Set up structlog once: contextvars (task_id, context_id), secret masking, stderr output."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _drop_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A structlog logger bound to a component name."""
    return structlog.get_logger(component=name)
