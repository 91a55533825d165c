"""The fast data path gives what a2a-sdk's json_format path gives: parts, requests, events."""

from __future__ import annotations

import copy
from enum import IntEnum, StrEnum
from typing import Any

import httpx
import orjson
import pytest
from a2a.types import (
    Artifact,
    Message,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    Task,
    TaskArtifactUpdateEvent,
    TaskState,
    TaskStatus,
)
from a2a.utils.constants import PROTOCOL_VERSION_1_0, VERSION_HEADER
from a2a.utils.proto_utils import _validate_proto_required_fields_internal, parse_lenient
from a2a_test_agents import EchoAgent
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict, ParseDict

from a2a_mcp.client.transport import parse_stream_response, plain_data, request_to_json
from a2a_mcp.protocol import (
    data_part,
    first_data,
    from_value,
    restore_ints,
    skill_request,
    text_part,
    to_value,
)
from a2a_mcp.server.handler import required_field_errors

DOCS: list[Any] = [
    {},
    [],
    {"a": {}, "b": [], "c": [{}, [], None]},
    {"n": 3, "x": 2.5, "big": 2**60, "neg": -7, "t": True, "f": False, "s": "é ✓", "z": None},
    [{"deep": [[{"k": [1, 2.0, "3"]}]]}],
    "plain text",
    42,
    None,
]


@pytest.mark.parametrize("doc", DOCS)
def test_to_value_builds_what_parse_dict_builds_and_from_value_reads_it_back(doc: Any) -> None:
    built = to_value(doc)
    assert built == ParseDict(doc, struct_pb2.Value())
    assert from_value(built) == restore_ints(MessageToDict(built))
    assert first_data([text_part("x"), data_part(doc)]) == restore_ints(MessageToDict(built))


def test_a_tuple_is_a_list_and_a_bad_key_fails_as_before() -> None:
    assert from_value(to_value({"a": (1, 2)})) == {"a": [1, 2]}
    with pytest.raises(TypeError):
        to_value({1: "not a JSON key"})


def _message(doc: Any) -> Message:
    """A skill request whose DataPart holds `doc` (any JSON, not only an object)."""
    message = skill_request("s", {}, no_cache=True, context_id="ctx")
    message.parts[0].CopyFrom(data_part(doc))
    message.parts.append(text_part("also text"))
    return message


def _request(payload: Any) -> SendMessageRequest:
    message = _message(payload)
    return SendMessageRequest(
        message=message, configuration=SendMessageConfiguration(history_length=0)
    )


@pytest.mark.parametrize("doc", DOCS)
def test_request_json_matches_json_format(doc: Any) -> None:
    request = _request(doc)
    assert request_to_json(request) == restore_ints(MessageToDict(request))
    # The request itself is left as it was.
    assert first_data(request.message.parts) == restore_ints(MessageToDict(to_value(doc)))


def _events(doc: Any) -> list[StreamResponse]:
    message = _message(doc)
    artifact = Artifact(artifact_id="a1", name="s", parts=[data_part(doc), text_part("t")])
    status = TaskStatus(state=TaskState.TASK_STATE_WORKING, message=message)
    return [
        StreamResponse(
            artifact_update=TaskArtifactUpdateEvent(task_id="t", context_id="c", artifact=artifact)
        ),
        StreamResponse(
            task=Task(
                id="t",
                context_id="c",
                status=status,
                artifacts=[artifact, artifact],
                history=[message, message],
            )
        ),
        StreamResponse(message=message),
    ]


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("field_names", [False, True])
def test_stream_events_parse_as_a2a_sdk_parses_them(doc: Any, field_names: bool) -> None:
    for event in _events(doc):
        raw = orjson.loads(
            orjson.dumps(MessageToDict(event, preserving_proto_field_name=field_names))
        )
        expected = parse_lenient(copy.deepcopy(raw), StreamResponse())
        assert parse_stream_response(raw) == expected == event


def test_required_field_check_reports_what_a2a_sdk_reports() -> None:
    good = _request({"big": [{"x": i} for i in range(200)]})
    no_message = SendMessageRequest()
    broken = _request({"a": 1})
    broken.message.ClearField("message_id")
    broken.message.parts.add()
    empty_parts = SendMessageRequest(message=Message(message_id="m", role=1))
    for request in (good, no_message, broken, empty_parts):
        assert required_field_errors(request) == _validate_proto_required_fields_internal(request)
    assert required_field_errors(good) == []
    assert {e["field"] for e in required_field_errors(broken)} == {"message.message_id"}
    assert required_field_errors(empty_parts) == [
        {"field": "message.parts", "message": "Field must contain at least one element."}
    ]


async def test_the_server_still_rejects_a_message_without_its_id(start) -> None:
    server = await start(EchoAgent())
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": {"role": "ROLE_USER", "parts": [{"data": {"text": "x"}}]}},
    }
    async with httpx.AsyncClient(timeout=10) as http:
        answer = (
            await http.post(server.url, json=body, headers={VERSION_HEADER: PROTOCOL_VERSION_1_0})
        ).json()
    assert answer["error"]["code"] == -32602
    assert "message_id" in orjson.dumps(answer["error"]).decode()


@pytest.mark.parametrize("doc", DOCS)
def test_plain_delivery_gives_the_same_json_without_a_struct(doc: Any) -> None:
    update, task, _ = _events(doc)
    plain: dict[str, Any] = {}
    event = parse_stream_response(orjson.loads(orjson.dumps(MessageToDict(update))), plain)
    parts = event.artifact_update.artifact.parts
    expected = restore_ints(MessageToDict(to_value(doc)))
    # Objects and arrays (what skills return) skip the Struct; a bare scalar is parsed as before.
    taken = isinstance(doc, dict | list)
    assert parts[0].HasField("data") is not taken and len(plain) == int(taken)
    assert plain_data(parts, plain) == expected
    # Task snapshots (and status messages) still carry their Values.
    whole = parse_stream_response(orjson.loads(orjson.dumps(MessageToDict(task))), plain)
    assert whole == task and len(plain) == int(taken)


@pytest.mark.parametrize("doc", DOCS)
def test_a_request_sent_from_plain_parts_is_the_same_json(doc: Any) -> None:
    request = _request(doc)
    assert request_to_json(request, {0: doc}) == request_to_json(request)


def test_str_and_int_subclasses_are_written_as_json_format_writes_them() -> None:
    class Mood(StrEnum):
        UPBEAT = "upbeat"

    class Level(IntEnum):
        HIGH = 3

    doc = {"mood": Mood.UPBEAT, "level": Level.HIGH, "list": [Mood.UPBEAT, {"x": Level.HIGH}]}
    assert to_value(doc) == ParseDict(doc, struct_pb2.Value())
    assert from_value(to_value(doc)) == {"mood": "upbeat", "level": 3, "list": ["upbeat", {"x": 3}]}


async def test_send_message_skips_the_sdk_walk_but_keeps_the_check(
    start, make_client, monkeypatch
) -> None:
    import a2a.server.request_handlers.request_handler as sdk_handler

    walks: list[str] = []
    sdk_check = sdk_handler.validate_proto_required_fields

    def counting(params: Any) -> None:
        walks.append(type(params).__name__)
        sdk_check(params)

    monkeypatch.setattr(sdk_handler, "validate_proto_required_fields", counting)
    server = await start(EchoAgent())
    client = make_client({"echo": [server.url]})
    output = await client.call("echo", "echo", {"text": "x" * 1000, "times": 2})
    assert output["text"] == " ".join(["x" * 1000] * 2) and output["count"] == 2
    assert "SendMessageRequest" not in walks
