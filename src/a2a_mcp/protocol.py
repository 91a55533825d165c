"""The message conventions a2a_mcp agents and clients share, written in A2A protocol types."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from a2a.helpers import new_text_part
from a2a.types import Message, Part, Role
from google.protobuf.json_format import ParseDict
from google.protobuf.struct_pb2 import ListValue, NullValue, Struct, Value
from pydantic_core import to_jsonable_python

from a2a_mcp.events import EventKind, EventSequence

JSON = "application/json"
TEXT = "text/plain"

# Keys in Message.metadata of a request.
SKILL_KEY = "skill"
NO_CACHE_KEY = "no_cache"

# Keys in Message.metadata of an agent's status message; "kind" says what the DataPart holds.
KIND_KEY = "a2a_mcp_kind"
# Progress: the DataPart is always an a2a_mcp.events.ProgressEvent, the skill's own report
# (progress) or a workflow event it passes on (event).
KIND_PROGRESS = "progress"
KIND_EVENT = "event"
KIND_ERROR = "error"  # DataPart {"code", "message", "details"}
# Key in a DataPart's metadata: its JSON was written as is, not from a protobuf Struct, so whole
# numbers are still ints and a receiver need not restore them.
EXACT_JSON_KEY = "a2a_mcp_exact_json"
FRACTION_KEY = "fraction"
MESSAGE_KEY = "message"

# The card extension that describes every skill's input/output JSON schema and cache kind.
SKILLS_EXTENSION_URI = "urn:a2a-mcp:skills:v1"

_MAX_EXACT_INT = 2**53


def restore_ints(value: Any) -> Any:
    """Turn whole floats back into ints: protobuf Struct stores every JSON number as a double."""
    if isinstance(value, float):
        if value.is_integer() and -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: restore_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [restore_ints(item) for item in value]
    return value


def to_value(data: Any) -> Value:
    """JSON-ready data as a protobuf Value, about 7x faster than json_format.ParseDict (what
    a2a-sdk's new_data_part uses) and 1.7x faster than protobuf's Struct.update on a package of
    tens of KB: one type switch per item, writing straight into the message's maps."""
    value = Value()
    try:
        _fill_value(value, data)
    except (TypeError, ValueError, AttributeError):
        # Something a Struct cannot hold (a non-str key...): ParseDict says what it is.
        return ParseDict(data, Value())
    return value


def _fill_value(value: Value, item: Any) -> None:
    kind = type(item)
    if kind is str:
        value.string_value = item
    elif kind is dict:
        value.struct_value.SetInParent()  # {} stays an empty object, not null
        _fill_struct(value.struct_value, item)
    elif kind is list or kind is tuple:
        value.list_value.SetInParent()
        _fill_list(value.list_value, item)
    elif kind is bool:
        value.bool_value = item
    elif kind is int or kind is float:
        value.number_value = item
    elif item is None:
        value.null_value = NullValue.NULL_VALUE
    elif isinstance(item, str):  # subclasses (str enums...): as json_format treats them
        value.string_value = item
    elif isinstance(item, bool):
        value.bool_value = item
    elif isinstance(item, int | float):
        value.number_value = item
    elif isinstance(item, dict):
        value.struct_value.SetInParent()
        _fill_struct(value.struct_value, item)
    elif isinstance(item, list | tuple):
        value.list_value.SetInParent()
        _fill_list(value.list_value, item)
    else:
        raise TypeError(f"not JSON data: {kind.__name__}")


def _fill_struct(struct: Struct, data: dict[str, Any]) -> None:
    fields = struct.fields
    for key, item in data.items():
        kind = type(item)
        if kind is str:
            fields[key].string_value = item
        elif kind is dict:
            target = fields[key].struct_value
            target.SetInParent()
            _fill_struct(target, item)
        else:
            _fill_value(fields[key], item)


def _fill_list(target: ListValue, data: list[Any] | tuple[Any, ...]) -> None:
    values = target.values
    for item in data:
        kind = type(item)
        if kind is str:
            values.add(string_value=item)
        elif kind is dict:
            struct = values.add().struct_value
            struct.SetInParent()
            _fill_struct(struct, item)
        else:
            _fill_value(values.add(), item)


def from_value(value: Value) -> Any:
    """A protobuf Value as plain JSON, whole doubles back to ints, in one pass (json_format's
    MessageToDict and then restore_ints walk it twice and more slowly)."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return from_struct(value.struct_value)
    if kind == "list_value":
        return from_list(value.list_value)
    if kind == "number_value":
        number = value.number_value
        if number.is_integer() and -_MAX_EXACT_INT <= number <= _MAX_EXACT_INT:
            return int(number)
        return number
    if kind == "bool_value":
        return value.bool_value
    return None


def from_struct(struct: Struct) -> dict[str, Any]:
    """A protobuf Struct as a plain dict (see from_value)."""
    return {key: from_value(item) for key, item in struct.fields.items()}


def from_list(values: ListValue) -> list[Any]:
    """A protobuf ListValue as a plain list (see from_value)."""
    return [from_value(item) for item in values.values]


def data_part(data: Any) -> Part:
    """A DataPart holding JSON-ready data."""
    return Part(data=to_value(data), media_type=JSON)


def text_part(text: str) -> Part:
    """A TextPart holding plain text."""
    return new_text_part(text, media_type=TEXT)


def first_data(parts: Iterable[Part]) -> Any | None:
    """The first DataPart's JSON (ints restored), or None when there is none."""
    for part in parts:
        if part.HasField("data"):
            return from_value(part.data)
    return None


def texts(parts: Iterable[Part]) -> list[str]:
    """The text of every TextPart, in order."""
    return [part.text for part in parts if part.HasField("text")]


def metadata_of(message: Message) -> dict[str, Any]:
    """A message's metadata as plain JSON (ints restored)."""
    if not message.HasField("metadata"):
        return {}
    return from_struct(message.metadata)


def skill_request(
    skill: str,
    payload: Mapping[str, Any],
    *,
    no_cache: bool = False,
    context_id: str | None = None,
) -> Message:
    """The user message that asks an agent to run one skill on one JSON input."""
    metadata: dict[str, Any] = {SKILL_KEY: skill}
    if no_cache:
        metadata[NO_CACHE_KEY] = True
    return Message(
        role=Role.ROLE_USER,
        message_id=uuid.uuid4().hex,
        context_id=context_id or "",
        parts=[data_part(dict(payload))],
        metadata=metadata,
    )


def progress_parts(
    fraction: float,
    message: str,
    data: Mapping[str, Any] | None,
    events: EventSequence,
    node: str,
) -> tuple[list[Part], dict[str, Any]]:
    """Parts and metadata of a progress status message: always one ProgressEvent. A workflow
    event the skill passes on (data["event"]) goes as it is (KIND_EVENT); any other report
    becomes the next node_progress event of the task, `node` naming the skill (KIND_PROGRESS).
    The fraction is clamped to 0..1."""
    fraction = min(1.0, max(0.0, float(fraction)))
    metadata: dict[str, Any] = {FRACTION_KEY: fraction, MESSAGE_KEY: message}
    # Models, datetimes, enums... become plain JSON, so a report never fails the skill.
    plain = to_jsonable_python(dict(data or {}), fallback=str)
    event = plain.get("event")
    if isinstance(event, dict) and "kind" in event and "seq" in event:
        metadata[KIND_KEY] = KIND_EVENT
    else:
        metadata[KIND_KEY] = KIND_PROGRESS
        report = events.make(EventKind.NODE_PROGRESS, node, fraction, message, plain)
        event = report.model_dump(mode="json")
    parts = [data_part(event)]
    if message:
        parts.append(text_part(message))
    return parts, metadata


def read_progress(message: Message) -> tuple[float, str, dict[str, Any]] | None:
    """(fraction, message, data) from a progress status message, or None if it is not one: a
    passed-on workflow event comes back as {"event": ...}, a skill's own report as its data (the
    same for the {"fraction", "message", "data"} parts a server before the one event type sent)."""
    meta = metadata_of(message)
    kind = meta.get(KIND_KEY)
    if kind not in (KIND_PROGRESS, KIND_EVENT):
        return None
    payload = first_data(message.parts) or {}
    fraction = float(meta.get(FRACTION_KEY, 0.0))
    text = str(meta.get(MESSAGE_KEY, ""))
    if kind == KIND_EVENT:
        return fraction, text, {"event": payload}
    data = payload.get("data") if isinstance(payload, dict) else None
    return fraction, text, data if isinstance(data, dict) else {}


def error_parts(code: str, message: str, details: Mapping[str, Any] | None) -> list[Part]:
    """Parts of a failed task's status message: machine-readable DataPart, readable TextPart."""
    payload = {"code": code, "message": message, "details": dict(details or {})}
    return [data_part(payload), text_part(message)]


def read_error(message: Message) -> dict[str, Any]:
    """{"code", "message", "details"} from a failed task's status message, best effort."""
    payload = first_data(message.parts)
    if isinstance(payload, dict) and "code" in payload:
        return {
            "code": str(payload["code"]),
            "message": str(payload.get("message") or "the agent reported a failure"),
            "details": payload.get("details") if isinstance(payload.get("details"), dict) else {},
        }
    text = " ".join(texts(message.parts)).strip()
    return {
        "code": "skill_failed",
        "message": text or "the agent reported a failure",
        "details": {},
    }
