"""The message conventions: numbers through protobuf Struct, progress and error parts."""

from __future__ import annotations

from datetime import UTC, datetime

from a2a.types import Message

from a2a_mcp.events import EventKind, EventSequence
from a2a_mcp.protocol import (
    error_parts,
    progress_parts,
    read_error,
    read_progress,
    restore_ints,
    skill_request,
)


def test_restore_ints_undoes_doubles_only_where_whole() -> None:
    assert restore_ints({"a": 3.0, "b": [1.0, 2.5], "c": {"d": -0.0}, "e": "3.0", "f": None}) == {
        "a": 3,
        "b": [1, 2.5],
        "c": {"d": 0},
        "e": "3.0",
        "f": None,
    }
    assert isinstance(restore_ints(1e300), float)  # beyond exact ints: left alone


def test_progress_and_error_round_trip() -> None:
    parts, meta = progress_parts(0.25, "quarter", {"n": 2})
    assert read_progress(Message(parts=parts, metadata=meta)) == (0.25, "quarter", {"n": 2})
    event = EventSequence("t").make(EventKind.NODE_STARTED, node="script")  # a model is fine too
    parts, meta = progress_parts(0.5, "", {"event": event, "other": 1})
    fraction, message, data = read_progress(Message(parts=parts, metadata=meta))
    assert (fraction, message) == (0.5, "")
    assert data["event"]["node"] == "script" and data["event"]["kind"] == "node_started"
    error = read_error(Message(parts=error_parts("timeout", "too slow", {"s": 3})))
    assert error == {"code": "timeout", "message": "too slow", "details": {"s": 3}}
    assert read_progress(Message(parts=error_parts("x", "y", None))) is None
    odd = {"when": datetime(2026, 1, 2, tzinfo=UTC), "kind": EventKind.RUN_STARTED, "x": {1, 2}}
    parts, meta = progress_parts(1.0, "odd data", odd)
    _, _, data = read_progress(Message(parts=parts, metadata=meta))
    assert data["when"].startswith("2026-01-02") and data["kind"] == "run_started"


def test_skill_request_shape() -> None:
    message = skill_request("echo", {"text": "hi"}, no_cache=True, context_id="ctx")
    assert message.context_id == "ctx" and message.role == 1
    assert dict(message.metadata) == {"skill": "echo", "no_cache": True}
