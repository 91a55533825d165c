"""Fixes found by the A2A TCK (tools/a2a_tck.py), kept by tests of their own."""

from __future__ import annotations

from typing import Any

import aiohttp
from a2a_test_agents import EchoAgent


async def test_a_request_that_is_not_json_gets_content_type_not_supported(start: Any) -> None:
    server = await start(EchoAgent())
    headers = {"Content-Type": "text/plain", "A2A-Version": "1.0"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url, data=b"{'jsonrpc': '2.0'}", headers=headers) as response,
    ):
        body = await response.json()
    assert body["error"]["code"] == -32005
    assert (
        "text/plain" in body["error"]["message"] and "application/json" in body["error"]["message"]
    )


async def test_json_with_a_charset_is_still_json(start: Any) -> None:
    server = await start(EchoAgent())
    headers = {"Content-Type": "application/json; charset=utf-8", "A2A-Version": "1.0"}
    request = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "nope"}}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url, json=request, headers=headers) as response,
    ):
        body = await response.json()
    assert body["error"]["code"] == -32001  # task not found: the request was read


async def test_the_card_may_be_cached_for_a_while(start: Any) -> None:
    server = await start(EchoAgent())
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.url}/.well-known/agent-card.json") as response,
    ):
        assert response.status == 200
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["ETag"]
