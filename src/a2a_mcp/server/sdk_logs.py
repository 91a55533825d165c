"""a2a-sdk logs a client's malformed request with a full stack trace; make those one line.

Its JSON-RPC dispatcher calls `logger.exception` when a request's envelope or params do not
parse: the client's mistake, already answered with -32600/-32602. A stack trace there reads
as a server crash and floods the logs of a service under fuzzing or abuse. This filter keeps
the record (a warning) and its reason, and drops the trace; anything else keeps its trace.
"""

from __future__ import annotations

import logging

_DISPATCHER = "a2a.server.routes.jsonrpc_dispatcher"
_CLIENT_MISTAKES = frozenset(
    {"Failed to validate base JSON-RPC request", "Failed to parse request params"}
)


class ClientMistakeFilter(logging.Filter):
    """One line, no traceback, for a2a-sdk's records of requests that did not parse."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in _CLIENT_MISTAKES and record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.msg}: {type(error).__name__}: {error}"[:500]
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_client_mistakes() -> None:
    """Install the filter on a2a-sdk's dispatcher logger (once per process)."""
    logger = logging.getLogger(_DISPATCHER)
    if not any(isinstance(f, ClientMistakeFilter) for f in logger.filters):
        logger.addFilter(ClientMistakeFilter())
