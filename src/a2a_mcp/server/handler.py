"""The request handler: a2a-sdk's DefaultRequestHandler with a required-field check that prunes.

a2a-sdk checks every incoming SendMessage for fields the A2A proto marks REQUIRED by walking the
whole message, including each DataPart's google.protobuf.Struct: tens of thousands of Values for
a skill input of a few tens of KB, none of which can hold a REQUIRED field. This handler runs the
same check (same errors, same InvalidParamsError) but only descends into message types from
which a REQUIRED field is reachable, then calls the SDK's own undecorated method.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from functools import cache
from typing import Any

from a2a.server.context import ServerCallContext
from a2a.server.events import Event
from a2a.server.request_handlers import DefaultRequestHandler, validate_request_params
from a2a.types import Message, SendMessageRequest, Task
from a2a.utils.errors import InvalidParamsError
from google.api.field_behavior_pb2 import FieldBehavior, field_behavior
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message as ProtoMessage


async def _probe(self: Any, params: Any, context: Any) -> None:
    """Stands in for a handler method, to learn the code of a2a-sdk's validation wrappers."""


async def _probe_stream(self: Any, params: Any, context: Any) -> AsyncGenerator[None]:
    yield None


_VALIDATING = {
    validate_request_params(_probe).__code__,
    validate_request_params(_probe_stream).__code__,
}


def _without_validation(method: Callable[..., Any]) -> Callable[..., Any]:
    """The SDK's method below its @validate_request_params layer (functools.wraps keeps the
    chain in __wrapped__; a telemetry layer may sit above it). If a future a2a-sdk wraps it
    differently, the method as it is: correct, only slower."""
    layer: Any = method
    while layer is not None:
        if getattr(layer, "__code__", None) in _VALIDATING:
            return layer.__wrapped__
        layer = getattr(layer, "__wrapped__", None)
    return method


_SEND = _without_validation(DefaultRequestHandler.on_message_send)
_SEND_STREAM = _without_validation(DefaultRequestHandler.on_message_send_stream)


def _required(field: FieldDescriptor) -> bool:
    return FieldBehavior.REQUIRED in field.GetOptions().Extensions[field_behavior]


@cache
def _plan(desc: Descriptor) -> tuple[tuple[FieldDescriptor, ...], tuple[FieldDescriptor, ...]]:
    """(REQUIRED fields, message fields worth descending into) of one message type."""
    required = tuple(field for field in desc.fields if _required(field))
    nested = tuple(
        field
        for field in desc.fields
        if field.type == FieldDescriptor.TYPE_MESSAGE and _holds_required(field.message_type)
    )
    return required, nested


@cache
def _holds_required(desc: Descriptor) -> bool:
    """Whether any message type reachable from `desc` (itself included) has a REQUIRED field."""
    seen: set[str] = set()
    todo = [desc]
    while todo:
        current = todo.pop()
        if current.full_name in seen:
            continue
        seen.add(current.full_name)
        for field in current.fields:
            if _required(field):
                return True
            if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type is not None:
                todo.append(field.message_type)
    return False


def _violation(msg: ProtoMessage, field: FieldDescriptor) -> dict[str, str] | None:
    """The SDK's rule: repeated needs an element, present-able needs presence, else non-default."""
    value = getattr(msg, field.name)
    if field.is_repeated:
        if not value:
            return {"field": field.name, "message": "Field must contain at least one element."}
    elif field.has_presence:
        if not msg.HasField(field.name):
            return {"field": field.name, "message": "Field is required."}
    elif value == field.default_value:
        return {"field": field.name, "message": "Field is required."}
    return None


def _nested(prefix: str, errors: list[dict[str, str]]) -> list[dict[str, str]]:
    return [
        {"field": f"{prefix}.{e['field']}" if e["field"] else prefix, "message": e["message"]}
        for e in errors
    ]


def required_field_errors(msg: ProtoMessage) -> list[dict[str, str]]:
    """Every missing REQUIRED field of `msg`, named as a2a-sdk's validator names them."""
    required, nested = _plan(msg.DESCRIPTOR)
    errors: list[dict[str, str]] = []
    for field in required:
        found = _violation(msg, field)
        if found:
            errors.append(found)
    for field in nested:
        value = getattr(msg, field.name)
        if not field.is_repeated:
            if msg.HasField(field.name):
                errors.extend(_nested(field.name, required_field_errors(value)))
        elif field.message_type is not None and field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                if isinstance(item, ProtoMessage):
                    errors.extend(_nested(f"{field.name}[{key}]", required_field_errors(item)))
        else:
            for index, item in enumerate(value):
                errors.extend(_nested(f"{field.name}[{index}]", required_field_errors(item)))
    return errors


def check_required_fields(msg: ProtoMessage) -> None:
    """Raise InvalidParamsError, as a2a-sdk does, when a REQUIRED field is missing."""
    errors = required_field_errors(msg)
    if errors:
        raise InvalidParamsError(message="Validation failed", data={"errors": errors})


class RequestHandler(DefaultRequestHandler):
    """DefaultRequestHandler whose SendMessage check skips Struct payloads (see module doc)."""

    async def on_message_send(
        self, params: SendMessageRequest, context: ServerCallContext
    ) -> Message | Task:
        check_required_fields(params)
        return await _SEND(self, params, context)

    async def on_message_send_stream(
        self, params: SendMessageRequest, context: ServerCallContext, *args: Any, **kwargs: Any
    ) -> AsyncGenerator[Event]:
        check_required_fields(params)
        inner = _SEND_STREAM(self, params, context, *args, **kwargs)
        # As the SDK's wrapper does: close the inner generator explicitly so its cleanup runs
        # when the client goes away.
        try:
            async for item in inner:
                yield item
        finally:
            await inner.aclose()
