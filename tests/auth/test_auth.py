"""API keys on served agents: who gets in, what stays open, what the card declares."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest

from a2a_mcp.auth import ApiKeys, fingerprint, parse_api_keys, presented_token
from a2a_mcp.client import A2AClient, A2AClientSettings
from a2a_mcp.errors import AgentError
from a2a_mcp.registry import AgentRegistry

KEY = "k-" + uuid.uuid4().hex
OTHER = "k-" + uuid.uuid4().hex
QUIET = {"health_interval_s": 0, "retry": {"attempts": 1}}


def _rpc(text: str = "one two three") -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": "1",
        "method": "SendMessage",
        "params": {
            "message": {
                "messageId": uuid.uuid4().hex,
                "role": "ROLE_USER",
                "parts": [{"data": {"text": text}}],
            },
            "configuration": {"blocking": True},
        },
    }


async def _post(pool, url: str, headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
    async with pool.session.post(
        url, json=_rpc(), headers={"A2A-Version": "1.0", **(headers or {})}
    ) as response:
        await response.read()
        return response


def test_parse_api_keys_strips_and_drops_empties() -> None:
    assert parse_api_keys(" a, b,,a ,c ") == ("a", "b", "c")
    assert parse_api_keys(None) == () and parse_api_keys("  ,") == ()
    assert parse_api_keys(["x", " y "]) == ("x", "y")


def test_keys_check_in_constant_time_and_never_show_themselves() -> None:
    keys = ApiKeys([KEY, OTHER])
    assert keys.check(KEY) == fingerprint(KEY) != keys.check(OTHER)
    assert keys.check("nope") is None and keys.check(None) is None
    assert KEY not in repr(keys) and KEY not in fingerprint(KEY)
    assert presented_token({"authorization": f"Bearer {KEY}"}) == KEY
    assert presented_token({"x-api-key": KEY}) == KEY
    assert presented_token({"authorization": "Basic abc"}) is None


async def test_a_keyed_agent_refuses_calls_without_a_key(serve, pool) -> None:
    server = await serve(api_keys=[KEY])
    missing = await _post(pool, server.url)
    assert missing.status == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = await _post(pool, server.url, {"Authorization": f"Bearer {OTHER}"})
    assert wrong.status == 401
    assert (await _post(pool, server.url, {"Authorization": f"Bearer {KEY}"})).status == 200
    assert (await _post(pool, server.url, {"X-API-Key": KEY})).status == 200
    # The HTTP+JSON binding is guarded the same way.
    async with pool.session.get(f"{server.url}/tasks/abc") as rest:
        assert rest.status == 401


async def test_health_metrics_and_card_stay_open(serve, pool) -> None:
    server = await serve(api_keys=[KEY])
    for path in ("/health", "/health/ready", "/health/live", "/metrics"):
        async with pool.session.get(server.url + path) as response:
            assert response.status == 200, path
    async with pool.session.get(f"{server.url}/.well-known/agent-card.json") as response:
        card = await response.json()
    assert set(card["securitySchemes"]) == {"bearer", "apiKey"}
    assert card["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["scheme"] == "Bearer"
    assert card["securitySchemes"]["apiKey"]["apiKeySecurityScheme"]["name"] == "X-API-Key"
    assert [list(r["schemes"]) for r in card["securityRequirements"]] == [["bearer"], ["apiKey"]]


async def test_without_keys_the_card_asks_for_none(serve, pool) -> None:
    server = await serve()
    async with pool.session.get(f"{server.url}/.well-known/agent-card.json") as response:
        card = await response.json()
    assert "securitySchemes" not in card and "securityRequirements" not in card
    assert (await _post(pool, server.url)).status == 200


async def test_the_pooled_client_sends_its_key(serve, pool) -> None:
    server = await serve(api_keys=[OTHER, KEY])
    registry = AgentRegistry({"counter": [server.url]})
    keyed = A2AClient(registry, session_pool=pool, settings=A2AClientSettings(api_key=KEY, **QUIET))
    try:
        assert (await keyed.call("counter", "count", {"text": "a b c d"}))["words"] == 4
    finally:
        await keyed.aclose()
    hint = A2AClientSettings(api_key_hint="set APP_KEY to one of the agent's keys", **QUIET)
    keyless = A2AClient(registry, session_pool=pool, settings=hint)
    try:
        with pytest.raises(AgentError) as caught:
            await keyless.call("counter", "count", {"text": "a b"})
    finally:
        await keyless.aclose()
    assert caught.value.code == "unauthorized" and "set APP_KEY" in str(caught.value)
    assert KEY not in str(caught.value) and OTHER not in str(caught.value)


async def test_downloads_send_the_key_only_to_the_orchestrators_own_address(tmp_path, pool) -> None:
    from aiohttp import web

    from a2a_mcp.client import FileArtifact
    from video_generator.app.remote import download_files

    seen: list[str | None] = []

    async def serve_file(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(body=b"video bytes")

    app = web.Application()
    app.router.add_get("/files/{name}", serve_file)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        ours = f"http://127.0.0.1:{port}"
        files = [FileArtifact("tiktok/preview.mp4", f"{ours}/files/a.mp4", "video/mp4")]
        elsewhere = [FileArtifact("x/contact.png", f"http://localhost:{port}/files/b", "")]
        await download_files(files, tmp_path, pool=pool, api_key=KEY, key_origins=[ours])
        await download_files(elsewhere, tmp_path, pool=pool, api_key=KEY, key_origins=[ours])
    finally:
        await runner.cleanup()
    assert seen == [f"Bearer {KEY}", None]
    assert (tmp_path / "tiktok" / "preview.mp4").read_bytes() == b"video bytes"
