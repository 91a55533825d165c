"""An a2a-sdk ClientTransport on the pooled aiohttp session: JSON-RPC requests and SSE streams."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import aiohttp
import orjson
from a2a.client import A2AClientError, A2AClientTimeoutError, ClientCallContext, ClientFactory
from a2a.client.client import ClientConfig
from a2a.client.transports.base import ClientTransport
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    DeleteTaskPushNotificationConfigRequest,
    GetExtendedAgentCardRequest,
    GetTaskPushNotificationConfigRequest,
    GetTaskRequest,
    ListTaskPushNotificationConfigsRequest,
    ListTaskPushNotificationConfigsResponse,
    ListTasksRequest,
    ListTasksResponse,
    Part,
    SendMessageRequest,
    SendMessageResponse,
    StreamResponse,
    SubscribeToTaskRequest,
    Task,
    TaskPushNotificationConfig,
)
from a2a.utils.constants import PROTOCOL_VERSION_1_0, VERSION_HEADER, TransportProtocol
from a2a.utils.errors import JSON_RPC_ERROR_CODE_MAP
from a2a.utils.proto_utils import parse_lenient
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message as ProtoMessage

from a2a_mcp.auth import auth_headers
from a2a_mcp.client.pool import HttpPool
from a2a_mcp.protocol import EXACT_JSON_KEY, from_value, restore_ints, to_value
from a2a_mcp.resilience import ConnectFailed, ConnectionLost, RequestTimedOut, UpstreamStatusError

_T = TypeVar("_T", bound=ProtoMessage)
_CODE_TO_ERROR = {code: error for error, code in JSON_RPC_ERROR_CODE_MAP.items()}
_ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


class TransportConnectError(A2AClientError, ConnectFailed):
    """No connection to the agent (refused, unreachable, connect timeout)."""


class TransportStatusError(A2AClientError, UpstreamStatusError):
    """The agent's address answered with an HTTP error status."""

    def __init__(self, message: str, status: int = 0, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class TransportDisconnectedError(A2AClientError, ConnectionLost):
    """The connection broke after the request was sent."""


class TransportTimeoutError(A2AClientTimeoutError, RequestTimedOut):
    """The agent went silent for longer than the read timeout."""


@contextmanager
def http_errors(url: str) -> Iterator[None]:
    """Turn aiohttp's exceptions into transport errors that say how far the request got."""
    try:
        yield
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise TransportConnectError(f"cannot connect to {url}: {exc}") from exc
    except (aiohttp.ServerTimeoutError, TimeoutError) as exc:
        raise TransportTimeoutError(f"{url} did not answer in time") from exc
    except (
        aiohttp.ServerDisconnectedError,
        aiohttp.ClientOSError,
        aiohttp.ClientPayloadError,
    ) as exc:
        raise TransportDisconnectedError(f"connection to {url} broke: {exc}") from exc
    except aiohttp.ClientError as exc:
        raise A2AClientError(f"HTTP error talking to {url}: {exc}") from exc


def _jsonrpc_error(error: Any) -> Exception:
    """The A2A error class for a JSON-RPC error object, as a2a-sdk's own transport maps it."""
    if not isinstance(error, dict):
        return A2AClientError(f"invalid JSON-RPC error: {error!r}")
    code = error.get("code")
    message = str(error.get("message") or error)
    data: dict[str, Any] | None = None
    raw = error.get("data")
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and item.get("@type") == _ERROR_INFO_TYPE:
                data = item.get("metadata") or None
                break
    if isinstance(code, int) and code in _CODE_TO_ERROR:
        return _CODE_TO_ERROR[code](message, data=data)
    return A2AClientError(f"JSON-RPC error {code}: {message}")


def _result(body: Any) -> Any:
    if not isinstance(body, dict):
        raise A2AClientError(
            f"invalid JSON-RPC response: expected an object, got {type(body).__name__}"
        )
    if body.get("error"):
        raise _jsonrpc_error(body["error"])
    if "result" not in body:
        raise A2AClientError("invalid JSON-RPC response: it has neither 'result' nor 'error'")
    return body["result"]


# Opt-in for callers that read artifacts as plain JSON (A2AClient): put a dict under this key in
# ClientCallContext.state and artifact DataParts arrive there instead of as protobuf Values; put
# {part index: JSON} under PLAIN_REQUEST_KEY and the request's DataParts are sent from it.
PLAIN_DATA_KEY = "a2a_mcp.plain_data"
PLAIN_REQUEST_KEY = "a2a_mcp.plain_request"
PLAIN_TOKEN_KEY = "a2a_mcp_plain"

# Where DataParts sit in a StreamResponse's JSON: (JSON key, proto field) steps to a message that
# has "parts"; a list step ("[]") fans out over a repeated field. Both JSON spellings are accepted.
_PARTS_PATHS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("artifactUpdate", "artifact_update"), ("artifact", "artifact")),
    (("statusUpdate", "status_update"), ("status", "status"), ("message", "message")),
    (("task", "task"), ("artifacts", "artifacts[]")),
    (("task", "task"), ("status", "status"), ("message", "message")),
    (("task", "task"), ("history", "history[]")),
    (("message", "message"),),
)


def _json_key(node: dict[str, Any], key: str, field: str) -> Any:
    found = node.get(key)
    return node.get(field.removesuffix("[]")) if found is None else found


_Taken = tuple[list[tuple[str, int]], int, Any, bool]


def _take_data(result: dict[str, Any]) -> list[_Taken]:
    """Pop every DataPart's "data" out of a StreamResponse's JSON; returns where each was, and
    whether the sender marked its numbers exact (EXACT_JSON_KEY)."""
    taken: list[_Taken] = []

    def visit(node: Any, steps: tuple[tuple[str, str], ...], trail: list[tuple[str, int]]) -> None:
        if not isinstance(node, dict):
            return
        if not steps:
            parts = node.get("parts")
            if isinstance(parts, list):
                for index, part in enumerate(parts):
                    if isinstance(part, dict) and isinstance(part.get("data"), dict | list):
                        meta = part.get("metadata")
                        exact = isinstance(meta, dict) and meta.get(EXACT_JSON_KEY) is True
                        taken.append((trail, index, part.pop("data"), exact))
            return
        (key, field), rest = steps[0], steps[1:]
        child = _json_key(node, key, field)
        if field.endswith("[]"):
            if isinstance(child, list):
                for index, item in enumerate(child):
                    visit(item, rest, [*trail, (field[:-2], index)])
        else:
            visit(child, rest, [*trail, (field, -1)])

    for path in _PARTS_PATHS:
        visit(result, path, [])
    return taken


def request_to_json(request: ProtoMessage, plain_parts: Mapping[int, Any] | None = None) -> Any:
    """ProtoJSON of a request; a SendMessageRequest's DataParts are read with from_value (about
    twice as fast as json_format on a skill input of tens of KB), or taken from `plain_parts`
    (part index -> the same data as plain JSON) when the caller still has them."""
    if not isinstance(request, SendMessageRequest) or not any(
        part.HasField("data") for part in request.message.parts
    ):
        return MessageToDict(request)
    bare = SendMessageRequest()
    bare.CopyFrom(request)  # a C-level copy: cheap next to converting the Struct in Python
    for part in bare.message.parts:
        part.ClearField("data")
    body = MessageToDict(bare)
    plain = plain_parts or {}
    for index, part in enumerate(request.message.parts):
        if part.HasField("data"):
            data = plain[index] if index in plain else from_value(part.data)
            body["message"]["parts"][index]["data"] = data
    return body


def parse_stream_response(result: Any, plain: dict[str, Any] | None = None) -> StreamResponse:
    """A StreamResponse from its JSON. DataParts are filled with Struct.update instead of
    json_format.ParseDict (3-4x faster on a package of tens of KB); the rest goes through
    a2a-sdk's lenient parser as before.

    With `plain` (opt-in, see PLAIN_DATA_KEY), an artifact's DataPart is not converted at all:
    its JSON (ints restored) goes into `plain` under a token, and the Part carries only its
    media type and the token in metadata[PLAIN_TOKEN_KEY]; read it back with plain_data()."""
    if not isinstance(result, dict):
        return parse_lenient(result, StreamResponse())
    taken = _take_data(result)
    event = parse_lenient(result, StreamResponse())
    for trail, index, data, exact in taken:
        node: Any = event
        for field, position in trail:
            node = getattr(node, field)
            if position >= 0:
                node = node[position]
        part = node.parts[index]
        if plain is not None and trail and trail[0][0] == "artifact_update":
            token = uuid.uuid4().hex
            plain[token] = data if exact else restore_ints(data)
            part.metadata[PLAIN_TOKEN_KEY] = token
        else:
            part.data.CopyFrom(to_value(data))
    return event


def plain_data(parts: Iterable[Part], plain: Mapping[str, Any]) -> Any | None:
    """The first DataPart's JSON (ints restored), from `plain` where the transport left it
    there, else read from the part; None when there is none."""
    for part in parts:
        if part.HasField("data"):
            return from_value(part.data)
        if part.HasField("metadata") and PLAIN_TOKEN_KEY in part.metadata.fields:
            token = part.metadata.fields[PLAIN_TOKEN_KEY].string_value
            if token in plain:
                return plain[token]
    return None


async def _sse_events(response: aiohttp.ClientResponse) -> AsyncIterator[tuple[str, str]]:
    """(event name, data) per Server-Sent Event, as the W3C spec frames them."""
    name = "message"
    data: list[str] = []
    async for raw in response.content:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
            continue
        if line.startswith(":"):
            continue
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            name = value
        elif key == "data":
            data.append(value)
    if data:
        yield name, "\n".join(data)


class AiohttpJsonRpcTransport(ClientTransport):
    """JSON-RPC over the shared aiohttp session; a2a-sdk's Client drives the protocol on top."""

    def __init__(
        self,
        pool: HttpPool,
        agent_card: AgentCard,
        url: str,
        *,
        request_timeout_s: float | None = None,
        stream_read_timeout_s: float | None = None,
        auth_token: str | None = None,
    ) -> None:
        self.pool = pool
        self.agent_card = agent_card
        self.url = url
        self.request_timeout_s = request_timeout_s or pool.settings.total_timeout_s
        self.stream_read_timeout_s = stream_read_timeout_s or pool.settings.read_timeout_s
        self._headers = {
            "Content-Type": "application/json",
            VERSION_HEADER: PROTOCOL_VERSION_1_0,
            **auth_headers(auth_token),  # only to this agent, never on the shared session
        }
        self._stream_headers = {
            **self._headers,
            "Accept": "text/event-stream",
            "Cache-Control": "no-store",
        }

    def _body(
        self, method: str, request: ProtoMessage, context: ClientCallContext | None = None
    ) -> bytes:
        plain_parts = context.state.get(PLAIN_REQUEST_KEY) if context is not None else None
        return orjson.dumps(
            {
                "jsonrpc": "2.0",
                "id": uuid.uuid4().hex,
                "method": method,
                "params": request_to_json(request, plain_parts),
            }
        )

    def _headers_for(
        self, base: dict[str, str], context: ClientCallContext | None
    ) -> dict[str, str]:
        if context is not None and context.service_parameters:
            return {**base, **context.service_parameters}
        return base

    async def _unary(
        self,
        method: str,
        request: ProtoMessage,
        response: _T,
        context: ClientCallContext | None,
    ) -> _T:
        return parse_lenient(await self._call(method, request, context), response)

    async def _call(
        self, method: str, request: ProtoMessage, context: ClientCallContext | None
    ) -> Any:
        """One JSON-RPC request; returns its result, raises its error."""
        timeout_s = context.timeout if context and context.timeout else self.request_timeout_s
        with http_errors(self.url):
            async with self.pool.session.post(
                self.url,
                data=self._body(method, request, context),
                headers=self._headers_for(self._headers, context),
                timeout=self.pool.timeout(timeout_s, read_s=timeout_s),
            ) as http:
                if http.status != 200:
                    self._raise_status(http.status, await http.text(), http.headers)
                raw = await http.read()
        return _result(self._json(raw))

    async def _stream(
        self, method: str, request: ProtoMessage, context: ClientCallContext | None
    ) -> AsyncGenerator[StreamResponse]:
        read_s = context.timeout if context and context.timeout else self.stream_read_timeout_s
        plain = context.state.get(PLAIN_DATA_KEY) if context is not None else None
        if not isinstance(plain, dict):
            plain = None
        with http_errors(self.url):
            async with self.pool.session.post(
                self.url,
                data=self._body(method, request, context),
                headers=self._headers_for(self._stream_headers, context),
                # No total limit: a skill may stream for long; silence is what is bounded.
                timeout=self.pool.timeout(None, read_s=read_s),
            ) as http:
                if http.status != 200:
                    self._raise_status(http.status, await http.text(), http.headers)
                if "text/event-stream" not in http.headers.get("Content-Type", ""):
                    # An upfront JSON-RPC error comes back as plain JSON.
                    _result(self._json(await http.read()))
                    raise A2AClientError("expected an event stream, got a plain response")
                async for name, data in _sse_events(http):
                    body = self._json(data)
                    if name == "error":
                        raise _jsonrpc_error(body.get("error") if isinstance(body, dict) else body)
                    yield parse_stream_response(_result(body), plain)

    @staticmethod
    def _json(raw: bytes | str) -> Any:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise A2AClientError(f"invalid JSON in response: {exc}") from exc

    def _raise_status(
        self, status: int, text: str, headers: Mapping[str, str] | None = None
    ) -> NoReturn:
        raw = (headers or {}).get("Retry-After", "")
        retry_after = float(raw) if raw.strip().isdigit() else None
        raise TransportStatusError(
            f"{self.url} answered HTTP {status}: {text[:200]}", status, retry_after
        )

    async def send_message(
        self, request: SendMessageRequest, *, context: ClientCallContext | None = None
    ) -> SendMessageResponse:
        return await self._unary("SendMessage", request, SendMessageResponse(), context)

    async def send_message_streaming(
        self, request: SendMessageRequest, *, context: ClientCallContext | None = None
    ) -> AsyncGenerator[StreamResponse]:
        async for event in self._stream("SendStreamingMessage", request, context):
            yield event

    async def get_task(
        self, request: GetTaskRequest, *, context: ClientCallContext | None = None
    ) -> Task:
        return await self._unary("GetTask", request, Task(), context)

    async def list_tasks(
        self, request: ListTasksRequest, *, context: ClientCallContext | None = None
    ) -> ListTasksResponse:
        return await self._unary("ListTasks", request, ListTasksResponse(), context)

    async def cancel_task(
        self, request: CancelTaskRequest, *, context: ClientCallContext | None = None
    ) -> Task:
        return await self._unary("CancelTask", request, Task(), context)

    async def create_task_push_notification_config(
        self, request: TaskPushNotificationConfig, *, context: ClientCallContext | None = None
    ) -> TaskPushNotificationConfig:
        return await self._unary(
            "CreateTaskPushNotificationConfig", request, TaskPushNotificationConfig(), context
        )

    async def get_task_push_notification_config(
        self,
        request: GetTaskPushNotificationConfigRequest,
        *,
        context: ClientCallContext | None = None,
    ) -> TaskPushNotificationConfig:
        return await self._unary(
            "GetTaskPushNotificationConfig", request, TaskPushNotificationConfig(), context
        )

    async def list_task_push_notification_configs(
        self,
        request: ListTaskPushNotificationConfigsRequest,
        *,
        context: ClientCallContext | None = None,
    ) -> ListTaskPushNotificationConfigsResponse:
        return await self._unary(
            "ListTaskPushNotificationConfigs",
            request,
            ListTaskPushNotificationConfigsResponse(),
            context,
        )

    async def delete_task_push_notification_config(
        self,
        request: DeleteTaskPushNotificationConfigRequest,
        *,
        context: ClientCallContext | None = None,
    ) -> None:
        await self._call("DeleteTaskPushNotificationConfig", request, context)

    async def subscribe(
        self, request: SubscribeToTaskRequest, *, context: ClientCallContext | None = None
    ) -> AsyncGenerator[StreamResponse]:
        async for event in self._stream("SubscribeToTask", request, context):
            yield event

    async def get_extended_agent_card(
        self, request: GetExtendedAgentCardRequest, *, context: ClientCallContext | None = None
    ) -> AgentCard:
        if not self.agent_card.capabilities.extended_agent_card:
            return self.agent_card
        return await self._unary("GetExtendedAgentCard", request, AgentCard(), context)

    async def close(self) -> None:
        """The session belongs to the pool, which outlives any one transport."""


def register_aiohttp_transport(
    factory: ClientFactory, pool: HttpPool, *, auth_token: str | None = None
) -> ClientFactory:
    """Make an a2a-sdk ClientFactory build JSON-RPC clients on the pooled aiohttp session."""

    def produce(card: AgentCard, url: str, config: ClientConfig) -> ClientTransport:
        return AiohttpJsonRpcTransport(pool, card, url, auth_token=auth_token)

    factory.register(TransportProtocol.JSONRPC.value, produce)
    return factory
