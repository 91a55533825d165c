"""`vidgen mcp` over stdio (a subprocess) and streamable HTTP on loopback, with bearer keys."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_helpers import SHORT_BRIEF, ProgressLog, cancelled_calls, wait_cancelled

from a2a_mcp.mcp.http import McpHttpServer
from video_generator.mcp_server.app import api_keys

VIDGEN = str(Path(sys.executable).with_name("vidgen"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolved(path: Path) -> Path:
    return path.resolve()


def packages_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/package.json"))


async def call_and_cancel_in_render(client: Client) -> None:
    """Start a rendered make_video, cancel it once the render has started."""
    log = ProgressLog()
    arguments = {"brief": "a 40 second TikTok about cold brew", "render": True}
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: client.call_tool("make_video", arguments, progress_callback=log))
        with anyio.fail_after(60):
            await log.wait_for("render: node_started")
        group.cancel_scope.cancel()
    assert not any("render: node_completed" in m for m in log.messages)


def with_key(url: str, key: str | None) -> Any:
    """The SDK's streamable HTTP transport, sending `Authorization: Bearer <key>`."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return streamable_http_client(url, http_client=httpx2.AsyncClient(headers=headers, timeout=60))


async def test_stdio_subprocess_lists_tools_makes_a_video_and_refuses_a_bad_brief(
    out_dir: Path, progress_log: ProgressLog
) -> None:
    params = StdioServerParameters(
        command=VIDGEN, args=["mcp"], env={**os.environ, "VG_OUT_DIR": str(out_dir)}
    )
    async with Client(params, read_timeout_seconds=120) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        await call_and_cancel_in_render(client)
        made = await client.call_tool(
            "make_video", {"brief": SHORT_BRIEF}, progress_callback=progress_log
        )
        bad = await client.call_tool("make_video", {"brief": "   "})
        package = await client.read_resource(made.structured_content["uri"])
    assert "make_video" in names and "render_package" in names
    assert [p.parent.name for p in packages_in(out_dir)] == [made.structured_content["package"]]
    assert not made.is_error, made.content[0].text
    assert Path(made.structured_content["folder"]).parent == resolved(out_dir)
    assert any("node_completed" in m for m in progress_log.messages)
    assert bad.is_error and "The brief is empty." in bad.content[0].text
    assert '"title"' in package.contents[0].text


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # protocol 2026-07-28, and 2025-11-25
async def test_streamable_http_with_bearer_keys(out_dir: Path, mode: str) -> None:
    from video_generator.mcp_server.app import build_vidgen_server

    server, close = build_vidgen_server()
    try:
        async with McpHttpServer(server, port=0, api_keys=["k-one", "k-two"]) as http:
            assert http.url.endswith("/mcp")
            async with httpx2.AsyncClient(timeout=10) as raw:
                refused = await raw.post(http.url, json={})
                wrong = await raw.post(http.url, json={}, headers={"Authorization": "Bearer no"})
                health = await raw.get(http.url.replace("/mcp", "/health"))
                # X-API-Key is taken too, as by the A2A services: past auth, the SDK judges.
                header_key = await raw.post(http.url, json={}, headers={"X-API-Key": "k-one"})
            assert refused.status_code == 401 and wrong.status_code == 401
            assert header_key.status_code != 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert "Authorization: Bearer" in refused.json()["message"]
            assert health.status_code == 200  # probes need no key
            log = ProgressLog()
            async with Client(with_key(http.url, "k-two"), mode=mode) as client:
                tools = (await client.list_tools()).tools
                made = await client.call_tool(
                    "make_video", {"brief": SHORT_BRIEF, "no_cache": True}, progress_callback=log
                )
            assert len(tools) == 10
            before = cancelled_calls("make_video")
            async with Client(with_key(http.url, "k-one"), mode=mode) as client:
                await call_and_cancel_in_render(client)
            await wait_cancelled("make_video", before)  # the server stopped the run
            assert packages_in(out_dir) == [Path(made.structured_content["folder"], "package.json")]
            assert not made.is_error and made.structured_content["quality_passed"]
            assert any("adapt[tiktok]: node_completed" in m for m in log.messages)
            with pytest.raises(Exception):  # noqa: B017 - the SDK surfaces the 401 as it likes
                async with Client(with_key(http.url, "k-three")) as client:
                    await client.list_tools()
    finally:
        await close()


async def test_cli_http_subprocess_serves_at_mcp(out_dir: Path) -> None:
    port = free_port()
    env = {**os.environ, "VG_OUT_DIR": str(out_dir), "VG_API_KEYS": "secret-1"}
    proc = await asyncio.create_subprocess_exec(
        VIDGEN,
        "mcp",
        "--http",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/mcp"
        async with httpx2.AsyncClient(timeout=5) as raw:
            for _ in range(300):
                try:
                    if (await raw.get(url.replace("/mcp", "/health"))).status_code == 200:
                        break
                except httpx2.TransportError:
                    await asyncio.sleep(0.1)
            else:
                pytest.fail("vidgen mcp --http did not come up")
            metrics = await raw.get(
                url.replace("/mcp", "/metrics"), headers={"Authorization": "Bearer secret-1"}
            )
        assert metrics.status_code == 200
        async with Client(with_key(url, "secret-1")) as client:
            result = await client.call_tool("list_platforms", {})
        assert not result.is_error
    finally:
        proc.terminate()
        _, raw_err = await asyncio.wait_for(proc.communicate(), 30)
    err = raw_err.decode()
    assert f"vidgen MCP server at http://127.0.0.1:{port}/mcp (bearer keys: 1)" in err
    assert "secret-1" not in err


def test_cli_refuses_bad_flags_with_one_line() -> None:
    run = subprocess.run(
        [VIDGEN, "mcp", "--remote", "localhost:10100"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2
    assert run.stderr.startswith("error: --remote takes the orchestrator's URL")
    run = subprocess.run(
        [VIDGEN, "mcp", "--port", "9999"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2 and "--host and --port apply to --http" in run.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [VIDGEN, "mcp", "--http", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 2
    assert run.stderr == (
        f"error: cannot serve MCP: port {port} on 127.0.0.1 is already in use; stop the process "
        "using it or choose another port with --port\n"
    )


def test_api_keys_come_from_vg_api_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from video_generator.settings import get_settings

    monkeypatch.setenv("VG_API_KEYS", " a, b ,,c ")
    get_settings.cache_clear()
    try:
        assert api_keys() == ("a", "b", "c")
        monkeypatch.delenv("VG_API_KEYS")
        get_settings.cache_clear()
        assert api_keys() == ()
    finally:
        get_settings.cache_clear()


async def test_cli_agent_flag_serves_that_agents_skills(out_dir: Path) -> None:
    params = StdioServerParameters(command=VIDGEN, args=["mcp", "--agent", "timing_coordinator"])
    async with Client(params, read_timeout_seconds=60) as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        wrong = await client.call_tool("plan_timing", {"brief": {}})
    assert tools == ["plan_timing"]
    assert wrong.is_error and "input for timing_coordinator.plan_timing is not valid" in (
        wrong.content[0].text
    )
