"""The message conventions: numbers through protobuf Struct, progress and error parts."""

from __future__ import annotations

from datetime import UTC, datetime

from a2a.types import Message

from a2a_mcp.events import EventKind, EventSequence, ProgressEvent
from a2a_mcp.protocol import (
    KIND_EVENT,
    KIND_KEY,
    KIND_PROGRESS,
    data_part,
    error_parts,
    first_data,
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
    events = EventSequence("task-1")
    parts, meta = progress_parts(0.25, "quarter", {"n": 2}, events, "write")
    assert read_progress(Message(parts=parts, metadata=meta)) == (0.25, "quarter", {"n": 2})
    event = EventSequence("t").make(EventKind.NODE_STARTED, node="script")  # a model is fine too
    parts, meta = progress_parts(0.5, "", {"event": event, "other": 1}, events, "write")
    fraction, message, data = read_progress(Message(parts=parts, metadata=meta))
    assert (fraction, message) == (0.5, "")
    assert data["event"]["node"] == "script" and data["event"]["kind"] == "node_started"
    error = read_error(Message(parts=error_parts("timeout", "too slow", {"s": 3})))
    assert error == {"code": "timeout", "message": "too slow", "details": {"s": 3}}
    assert read_progress(Message(parts=error_parts("x", "y", None))) is None
    odd = {"when": datetime(2026, 1, 2, tzinfo=UTC), "kind": EventKind.RUN_STARTED, "x": {1, 2}}
    parts, meta = progress_parts(1.0, "odd data", odd, events, "write")
    _, _, data = read_progress(Message(parts=parts, metadata=meta))
    assert data["when"].startswith("2026-01-02") and data["kind"] == "run_started"


def test_every_progress_part_is_one_progress_event() -> None:
    """A skill's own reports go out as the task's node_progress events, numbered in order; a
    passed-on workflow event keeps its own number; the old part shape is still read."""
    events = EventSequence("task-1")
    sent = [progress_parts(i / 2, f"step {i}", {"i": i}, events, "write") for i in range(3)]
    payloads = [first_data(parts) for parts, _ in sent]
    for payload in payloads:
        assert ProgressEvent.model_validate(payload).task_id == "task-1"
    assert [p["seq"] for p in payloads] == [0, 1, 2]
    assert {(p["node"], p["kind"]) for p in payloads} == {("write", "node_progress")}
    assert [p["data"] for p in payloads] == [{"i": 0}, {"i": 1}, {"i": 2}]
    passed = EventSequence("run").make(EventKind.NODE_COMPLETED, node="script")
    passed = passed.model_copy(update={"seq": 41})
    parts, meta = progress_parts(0.5, "", {"event": passed}, events, "write")
    assert first_data(parts)["seq"] == 41 and meta[KIND_KEY] == KIND_EVENT
    old = Message(
        parts=[data_part({"fraction": 0.5, "message": "m", "data": {"n": 1}})],
        metadata={KIND_KEY: KIND_PROGRESS, "fraction": 0.5, "message": "m"},
    )
    assert read_progress(old) == (0.5, "m", {"n": 1})


def test_skill_request_shape() -> None:
    message = skill_request("echo", {"text": "hi"}, no_cache=True, context_id="ctx")
    assert message.context_id == "ctx" and message.role == 1
    assert dict(message.metadata) == {"skill": "echo", "no_cache": True}


def test_a2a_inputs_holding_models_go_out_as_json() -> None:
    """An input built in process (models, or a mapping of them, from in-process nodes) is JSON
    on the wire; plain data is sent as it is."""
    from a2a_mcp.client.a2a import _json_ready

    event = EventSequence("t").make(EventKind.NODE_STARTED, node="script")
    sent = _json_ready({"event": event, "cuts": {"tiktok": event}, "list": [event], "n": 1})
    assert sent["event"]["kind"] == "node_started" and sent["cuts"]["tiktok"]["node"] == "script"
    assert sent["list"][0]["seq"] == 0 and sent["n"] == 1
    plain = {"brief": {"topic": "tea"}}
    assert _json_ready(plain) == plain
    assert _json_ready(event)["task_id"] == "t"
