"""Helpers for the A2A tests (the mesh tests use them too): metric samples, a misbehaving HTTP
server, the stock a2a-sdk client and what its event streams hold."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from a2a.client import ClientConfig, ClientFactory
from a2a.types import StreamResponse

from a2a_mcp.agent import Agent
from a2a_mcp.cards import card_json
from a2a_mcp.observability import REGISTRY


def metric(name: str, **labels: str) -> float:
    """A sample of the process registry (0 when it was never recorded)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


class FakeReplica:
    """Serves an agent's card and health like a replica, but every POST fails as `mode` says:
    "503" answers HTTP 503, "reset" reads the request and then drops the connection."""

    def __init__(self, agent: Agent, mode: str) -> None:
        self.agent = agent
        self.mode = mode
        self.posts = 0
        self.url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> FakeReplica:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
            await reader.readexactly(int(headers.get("content-length", "0")))
            method, path, _ = request_line.split(" ", 2)
            if method == "POST":
                self.posts += 1
                if self.mode == "reset":
                    writer.transport.abort()
                    return
                self._reply(writer, 503, b'{"error": "overloaded"}')
            elif path.startswith("/.well-known/agent-card.json"):
                self._reply(writer, 200, orjson.dumps(card_json(self.agent, self.url)))
            else:
                self._reply(writer, 200, b'{"ready": true}')
            await writer.drain()

    @staticmethod
    def _reply(writer: asyncio.StreamWriter, status: int, body: bytes) -> None:
        reason = {200: "OK", 503: "Service Unavailable"}[status]
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )


async def stock_client(url: str, binding: str = "JSONRPC", streaming: bool = True) -> Any:
    """a2a-sdk's own client for the agent at `url`, as any outside A2A client would make it."""
    factory = ClientFactory(
        ClientConfig(streaming=streaming, supported_protocol_bindings=[binding])
    )
    return await factory.create_from_url(url)


def artifacts_of(events: list[StreamResponse]) -> dict[str, Any]:
    found = {}
    for event in events:
        if event.HasField("task"):
            found.update({a.name: a for a in event.task.artifacts})
        if event.HasField("artifact_update"):
            found[event.artifact_update.artifact.name] = event.artifact_update.artifact
    return found


def last_status(events: list[StreamResponse]) -> Any:
    for event in reversed(events):
        if event.HasField("status_update"):
            return event.status_update.status
        if event.HasField("task"):
            return event.task.status
    raise AssertionError("no status in the stream")
