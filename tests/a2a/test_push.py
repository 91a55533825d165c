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
        attempts=4, timeout_s=5, initial_wait_s=0.01, max_wait_s=0.05
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
    server.state.push.settings = PushSettings(attempts=2, timeout_s=1, initial_wait_s=0.01)
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
