"""The orchestrator (`vidgen agent orchestrator`, a process of its own, its tasks in a SQLite file)
killed with SIGKILL mid-render and started again: GetTask still returns the package it finished
before, with its artifacts; the render it was running reads as failed, naming the restart.
(A graceful restart: tests/a2a/test_task_db.py and tests/caching/test_cached_answers.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from a2a_mcp.serve import AgentServer
from a2a_mcp.server.task_db import RESTARTED_CODE
from redis_server import free_port
from video_generator.app.runtime import build_specialists
from video_generator.core.models import VideoPackage
from video_generator.settings import agent_urls_variable

V1 = {"A2A-Version": "1.0"}
BRIEF = "a 15 second TikTok about green tea for students"


class Orchestrator:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, session: aiohttp.ClientSession) -> None:
        command = [sys.executable, "-m", "video_generator.cli", "agent", "orchestrator"]
        self.process = subprocess.Popen(  # noqa: ASYNC220 (started once, then polled)
            [*command, "--port", str(self.port), "--drain-timeout", "2"],
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(600):
            assert self.process.poll() is None, "the orchestrator exited at start"
            try:
                async with session.get(f"{self.url}/health/ready") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError("the orchestrator did not start")

    def stop(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)
        self.process.wait(timeout=60)

    async def rpc(self, session: aiohttp.ClientSession, method: str, params: Any) -> Any:
        body = {"jsonrpc": "2.0", "id": "1", "method": method, "params": params}
        timeout = aiohttp.ClientTimeout(total=60)
        async with session.post(self.url, json=body, headers=V1, timeout=timeout) as response:
            answer = await response.json()
        assert "error" not in answer, answer
        return answer["result"]


def make_video(render: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"brief": BRIEF, "no_cache": True}
    if render:
        data["render"] = {}
    return {
        "message": {
            "messageId": str(uuid.uuid4()),
            "role": "ROLE_USER",
            "parts": [{"data": data, "mediaType": "application/json"}],
            "metadata": {"skill": "make_video"},
        }
    }


@pytest.fixture
async def specialists() -> Any:
    servers = [await AgentServer(agent, port=0).start() for agent in build_specialists()]
    yield {server.agent.name: server.url for server in servers}
    for server in servers:
        await server.stop()


async def test_the_orchestrator_restarted_keeps_packages_and_fails_its_lost_render(
    tmp_path: Path, specialists: dict[str, str]
) -> None:
    env = {
        **os.environ,
        "VG_TASK_DB": str(tmp_path / "tasks.sqlite"),
        "VG_RENDER_DIR": str(tmp_path / "renders"),
        "VG_CACHE_URL": "memory://",
        "VG_LOG_LEVEL": "ERROR",
        **{agent_urls_variable(name): url for name, url in specialists.items()},
    }
    orchestrator = Orchestrator(env)
    async with aiohttp.ClientSession() as session:
        try:
            await orchestrator.start(session)
            done = await orchestrator.rpc(session, "SendMessage", make_video(render=False))
            assert done["task"]["status"]["state"] == "TASK_STATE_COMPLETED"

            params = make_video(render=True)
            params["configuration"] = {"returnImmediately": True}
            running = await orchestrator.rpc(session, "SendMessage", params)
            task_id = running["task"]["id"]
            for _ in range(400):  # until the render node reports progress
                task = await orchestrator.rpc(session, "GetTask", {"id": task_id})
                said = str(task["status"].get("message", ""))
                if "render" in said and task["status"]["state"] == "TASK_STATE_WORKING":
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"the render never started: {task['status']}")
            orchestrator.stop(signal.SIGKILL)

            await orchestrator.start(session)
            kept = await orchestrator.rpc(session, "GetTask", {"id": done["task"]["id"]})
            assert kept["status"]["state"] == "TASK_STATE_COMPLETED"
            package = VideoPackage.model_validate(kept["artifacts"][0]["parts"][0]["data"])
            assert package.brief.topic and package.cuts[0].platform == "tiktok"
            failed = await orchestrator.rpc(session, "GetTask", {"id": task_id})
            assert failed["status"]["state"] == "TASK_STATE_FAILED"
            reason = str(failed["status"]["message"])
            assert RESTARTED_CODE in reason and "orchestrator" in reason and "restarted" in reason
        finally:
            if orchestrator.process is not None and orchestrator.process.poll() is None:
                orchestrator.stop(signal.SIGKILL)
