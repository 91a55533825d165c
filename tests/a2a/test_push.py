"""Push notifications: a client that holds no stream gets every event of its task at its
webhook, in order, with the token it gave, delivered through a webhook that fails at first."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
from a2a_test_agents import SleepAgent
from aiohttp import web

from a2a_mcp.server.push import TOKEN_HEADER, PushSettings

V1 = {"A2A-Version": "1.0"}


class Webhook:
    """A loopback receiver that answers 503 to its first `fail_first` calls."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls = 0
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.done = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.calls <= self.fail_first:
            return web.Response(status=503)
        body = await request.json()
        self.received.append((request.headers.get(TOKEN_HEADER), body))
        status = body.get("statusUpdate", body.get("task", {})).get("status", {})
        if status.get("state") == "TASK_STATE_COMPLETED":
            self.done.set()
        return web.Response(status=200)

    async def __aenter__(self) -> Webhook:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


async def test_a_webhook_gets_every_event_in_order_despite_failures(start: Any) -> None:
    server = await start(SleepAgent())
    server_push = server.state.push
    server_push.settings = PushSettings(
        attempts=4, timeout_s=5, initial_wait_s=0.01, max_wait_s=0.05, allow_private_urls=True
    )
    async with Webhook(fail_first=2) as hook, aiohttp.ClientSession() as session:
        params = {
            "message": {
                "messageId": str(uuid.uuid4()),
                "role": "ROLE_USER",
                "parts": [{"data": {"seconds": 0.2}, "mediaType": "application/json"}],
            },
            "configuration": {
                "returnImmediately": True,
                "taskPushNotificationConfig": {"url": hook.url, "token": "tok-1"},
            },
        }
        body = {"jsonrpc": "2.0", "id": "1", "method": "SendMessage", "params": params}
        async with session.post(server.url, json=body, headers=V1) as response:
            answer = await response.json()
        task_id = answer["result"]["task"]["id"]
        await asyncio.wait_for(hook.done.wait(), 10)
    assert hook.calls == len(hook.received) + 2  # the two 503s were retried
    assert {token for token, _ in hook.received} == {"tok-1"}
    fractions = [
        event["statusUpdate"]["status"]["message"]["metadata"]["fraction"]
        for _, event in hook.received
        if "statusUpdate" in event
        and event["statusUpdate"]["status"]["state"] == "TASK_STATE_WORKING"
        and "message" in event["statusUpdate"]["status"]
    ]
    assert fractions == sorted(fractions) and len(fractions) >= 10  # in order, none lost
    kinds = [next(iter(event)) for _, event in hook.received]
    assert "artifactUpdate" in kinds
    last = hook.received[-1][1]["statusUpdate"]
    assert last["taskId"] == task_id and last["status"]["state"] == "TASK_STATE_COMPLETED"


async def test_a_dead_webhook_costs_the_task_nothing(start: Any) -> None:
    server = await start(SleepAgent())
    server.state.push.settings = PushSettings(
        attempts=2, timeout_s=1, initial_wait_s=0.01, allow_private_urls=True
    )
    async with aiohttp.ClientSession() as session:
        params = {
            "message": {
                "messageId": str(uuid.uuid4()),
                "role": "ROLE_USER",
                "parts": [{"data": {"seconds": 0}, "mediaType": "application/json"}],
            },
            # Nothing listens there.
            "configuration": {"taskPushNotificationConfig": {"url": "http://127.0.0.1:9/x"}},
        }
        body = {"jsonrpc": "2.0", "id": "1", "method": "SendMessage", "params": params}
        async with session.post(server.url, json=body, headers=V1) as response:
            answer = await response.json()
    assert answer["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"


def _send_with_webhook(url: str, seconds: float = 0) -> dict[str, Any]:
    params = {
        "message": {
            "messageId": str(uuid.uuid4()),
            "role": "ROLE_USER",
            "parts": [{"data": {"seconds": seconds}, "mediaType": "application/json"}],
        },
        "configuration": {
            "returnImmediately": True,
            "taskPushNotificationConfig": {"url": url, "token": "t"},
        },
    }
    return {"jsonrpc": "2.0", "id": "1", "method": "SendMessage", "params": params}


async def test_a_webhook_on_the_servers_own_network_is_refused_by_default(start: Any) -> None:
    server = await start(SleepAgent())
    async with Webhook() as hook, aiohttp.ClientSession() as session:
        for url in (hook.url, "http://169.254.169.254/latest/meta-data/", "ftp://example.com/x"):
            async with session.post(server.url, json=_send_with_webhook(url), headers=V1) as r:
                answer = await r.json()
            assert "result" not in answer, url
            assert answer["error"]["code"] == -32602, answer  # invalid params
            assert "push URL" in answer["error"]["message"]
    assert hook.calls == 0


def refused() -> float:
    """Deliveries the sleeper agent's server refused (its push metric)."""
    from a2a_mcp.observability import REGISTRY

    labels = {"agent": "sleeper", "outcome": "refused"}
    return REGISTRY.get_sample_value("a2a_server_push_notifications_total", labels) or 0.0


async def test_a_webhook_refused_at_delivery_is_never_called(start: Any) -> None:
    """Allowed when the config was set, refused when it is sent (as after a DNS change)."""
    server = await start(SleepAgent())
    push = server.state.push
    push.settings = PushSettings(attempts=1, allow_private_urls=True)
    before = refused()
    async with Webhook() as hook, aiohttp.ClientSession() as session:
        request = _send_with_webhook(hook.url, seconds=0.3)
        async with session.post(server.url, json=request, headers=V1) as response:
            assert "result" in await response.json()
        push.settings = PushSettings(attempts=1)  # the next screen refuses loopback
        for _ in range(100):
            if refused() > before:
                break
            await asyncio.sleep(0.02)
    assert refused() > before
    assert hook.calls <= 1  # at most the event sent before the change


async def test_push_urls_are_screened_by_address() -> None:
    from a2a_mcp.server.push_urls import push_url_problem

    for url in (
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "https://[::1]/x",
    ):
        problem = await push_url_problem(url, allow_private=False)
        assert problem is not None and "loopback or private" in problem, url
        assert await push_url_problem(url, allow_private=True) is None, url
    for url in (
        "http://169.254.169.254/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ):
        assert await push_url_problem(url, allow_private=True) is not None, url
    assert await push_url_problem("http://93.184.215.14/hook", allow_private=False) is None
    # A name is refused without saying what it resolves to.
    named = await push_url_problem("http://localhost:9/x", allow_private=False) or ""
    assert "localhost" in named and "127.0.0.1" not in named and "::1" not in named
    assert "http://" in (await push_url_problem("file:///etc/passwd", allow_private=True) or "")
    assert "does not resolve" in (
        await push_url_problem("http://no-such-host.invalid/x", allow_private=True) or ""
    )
