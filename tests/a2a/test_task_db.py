"""Tasks in a database: finished tasks survive a restart with their artifacts, a task that was
running is failed with the restart as its reason, old tasks are pruned, cached answers land."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from a2a.server.context import ServerCallContext
from a2a.types import (
    Artifact,
    ListTasksRequest,
    Task,
    TaskPushNotificationConfig,
    TaskState,
    TaskStatus,
)

from a2a_mcp.protocol import data_part, read_error
from a2a_mcp.server.task_db import RESTARTED_CODE, TaskRetention, open_task_store, task_columns

CONTEXT = ServerCallContext()
HERE = Path(__file__).resolve().parent
V1 = {"A2A-Version": "1.0"}


def task(task_id: str, state: TaskState, *, age_s: float = 0.0) -> Task:
    status = TaskStatus(state=state)
    status.timestamp.FromDatetime(datetime.now(UTC) - timedelta(seconds=age_s))
    found = Task(id=task_id, context_id="ctx", status=status)
    if state == TaskState.TASK_STATE_COMPLETED:
        found.artifacts.append(
            Artifact(artifact_id=f"{task_id}-a", name="out", parts=[data_part({"n": 7})])
        )
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh task database: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "tasks.sqlite")
    server = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_create_database(server, name))
    return server.rsplit("/", 1)[0] + "/" + name


async def _create_database(url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def test_a_restart_keeps_finished_tasks_and_fails_running_ones(db: str) -> None:
    first = open_task_store(db, agent="echo", instance="http://127.0.0.1:1")
    await first.start()
    await first.save(task("done", TaskState.TASK_STATE_WORKING), CONTEXT)
    await first.save(task("done", TaskState.TASK_STATE_COMPLETED), CONTEXT)
    await first.save(task("busy", TaskState.TASK_STATE_WORKING), CONTEXT)
    await first.flush()  # the flush loop's next batch (within flush_s)
    await first.engine.dispose()  # the process dies: no aclose, "busy" never finishes

    recovered: list[Task] = []

    async def on_recovered(found: Task) -> None:
        recovered.append(found)  # the server sends it to the task's webhooks

    again = open_task_store(
        db, agent="echo", instance="http://127.0.0.1:1", on_recovered=on_recovered
    )
    await again.start()
    try:
        done = await again.get("done", CONTEXT)
        assert done is not None and done.status.state == TaskState.TASK_STATE_COMPLETED
        assert done.artifacts[0].parts[0].data.struct_value["n"] == 7
        busy = await again.get("busy", CONTEXT)
        assert busy is not None and busy.status.state == TaskState.TASK_STATE_FAILED
        error = read_error(busy.status.message)
        assert error["code"] == RESTARTED_CODE
        assert "restarted" in error["message"] and "send the request again" in error["message"]
        assert again.recovered == 1
        assert [t.id for t in recovered] == ["busy"]
        assert recovered[0].status.state == TaskState.TASK_STATE_FAILED
    finally:
        await again.aclose()


async def test_only_a_silent_replica_loses_its_running_tasks(db: str) -> None:
    """Replicas share the database: a live replica's running task is left alone; one whose
    heartbeat stopped longer than stale_s ago has its tasks failed by the others."""
    one = open_task_store(db, agent="echo", instance="http://a:1")
    await one.start()
    await one.save(task("on-a", TaskState.TASK_STATE_WORKING), CONTEXT)
    await one.flush()
    two = open_task_store(db, agent="echo", instance="http://b:1", stale_s=60)
    await two.start()
    assert (await two.get("on-a", CONTEXT)).status.state == TaskState.TASK_STATE_WORKING
    await one.engine.dispose()  # replica a dies
    impatient = open_task_store(db, agent="echo", instance="http://c:1", stale_s=0)
    await impatient.start()
    try:
        failed = await impatient.get("on-a", CONTEXT)
        assert failed.status.state == TaskState.TASK_STATE_FAILED
        assert "http://a:1" in read_error(failed.status.message)["message"]
    finally:
        await two.aclose()
        await impatient.aclose()


async def test_finished_tasks_are_pruned_by_count_and_age(tmp_path: Path) -> None:
    retention = TaskRetention(keep=3, max_age_s=3600)
    store = open_task_store(
        str(tmp_path / "t.sqlite"), agent="e", instance="i", retention=retention
    )
    await store.start()
    try:
        await store.save(task("ancient", TaskState.TASK_STATE_COMPLETED, age_s=7200), CONTEXT)
        for index in range(5):
            await store.save(
                task(f"t{index}", TaskState.TASK_STATE_COMPLETED, age_s=50 - index), CONTEXT
            )
        await store.save(task("running", TaskState.TASK_STATE_WORKING, age_s=9000), CONTEXT)
        await store.flush()
        config = TaskPushNotificationConfig(task_id="t0", id="hook", url="http://127.0.0.1:9/x")
        await store.push_configs.set_info("t0", config, CONTEXT)
        assert await store.prune() == 3
        assert await store.push_configs.get_info("t0", CONTEXT) == []  # went with its task
        kept = [t for t in ("ancient", "t0", "t1", "t2", "t3", "t4") if await store.get(t, CONTEXT)]
        assert kept == ["t2", "t3", "t4"]
        assert await store.get("running", CONTEXT) is not None  # never pruned
    finally:
        await store.aclose()


class Answered:
    """A cached answer as the fast path records it: columns as JSON, the task only if asked."""

    def __init__(self, task_id: str) -> None:
        self.finished = task(task_id, TaskState.TASK_STATE_COMPLETED)

    def task(self) -> Task:
        return self.finished

    def columns(self) -> dict[str, Any]:
        artifact = {
            "artifactId": "a",
            "name": "out",
            "parts": [{"data": {"n": 7, "big": [1] * 999}}],
        }
        return task_columns(self.finished, history=[], artifacts=[artifact])


async def test_cached_answers_are_written_in_one_batch(db: str) -> None:
    store = open_task_store(db, agent="e", instance="i", flush_s=3600)
    await store.start()
    try:
        for index in range(50):
            await store.save_later(f"c{index}", CONTEXT, Answered(f"c{index}"))
        assert (await store.get("c3", CONTEXT)).artifacts[0].name == "out"  # before the write
        assert await store.flush() == 50
        found = await store.get("c49", CONTEXT)  # from the database now
        assert found.status.state == TaskState.TASK_STATE_COMPLETED
        data = found.artifacts[0].parts[0].data.struct_value
        assert data["n"] == 7 and len(data["big"]) == 999
        listed = await store.list(ListTasksRequest(page_size=100), CONTEXT)
        assert len(listed.tasks) == 50
    finally:
        await store.aclose()


# ---------------------------------------------------------------- a served agent, restarted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """The tests' sleeper agent in a process of its own, its tasks in `db`."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.process = subprocess.Popen(  # noqa: ASYNC220 (started once, not awaited)
            [sys.executable, str(HERE / "serve_sleeper.py"), str(self.port), self.db],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "VG_LOG_LEVEL": "ERROR"},
        )
        for _ in range(300):
            try:
                async with session.get(f"{self.url}/health/ready") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert self.process.poll() is None, "the agent exited at start"
            await asyncio.sleep(0.05)
        raise AssertionError("the agent did not start")

    def stop(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)
        self.process.wait(timeout=30)


async def rpc(session: aiohttp.ClientSession, url: str, method: str, params: Any) -> Any:
    body = {"jsonrpc": "2.0", "id": "1", "method": method, "params": params}
    timeout = aiohttp.ClientTimeout(total=30)
    async with session.post(url, json=body, headers=V1, timeout=timeout) as response:
        answer = await response.json()
    assert "error" not in answer, answer
    return answer["result"]


def sleep_message(seconds: float) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "role": "ROLE_USER",
        "parts": [{"data": {"seconds": seconds}, "mediaType": "application/json"}],
    }


@pytest.fixture
async def session() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_get_task_after_a_restart_and_a_kill(db: str, session: Any) -> None:
    served = Served(db)
    await served.start(session)
    try:
        result = await rpc(session, served.url, "SendMessage", {"message": sleep_message(0)})
        done_id = result["task"]["id"]
        assert result["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
        served.stop(signal.SIGTERM)

        await served.start(session)
        again = await rpc(session, served.url, "GetTask", {"id": done_id})
        assert again["status"]["state"] == "TASK_STATE_COMPLETED"
        assert again["artifacts"][0]["name"] == "sleep"
        assert again["artifacts"][0]["parts"][0]["data"] == {"slept": 0}

        params = {"message": sleep_message(60), "configuration": {"returnImmediately": True}}
        running = await rpc(session, served.url, "SendMessage", params)
        busy_id = running["task"]["id"]
        for _ in range(100):
            state = (await rpc(session, served.url, "GetTask", {"id": busy_id}))["status"]
            if state["state"] == "TASK_STATE_WORKING":
                break
            await asyncio.sleep(0.05)
        served.stop(signal.SIGKILL)

        await served.start(session)
        failed = await rpc(session, served.url, "GetTask", {"id": busy_id})
        assert failed["status"]["state"] == "TASK_STATE_FAILED"
        reason = orjson.dumps(failed["status"]["message"]).decode()
        assert RESTARTED_CODE in reason and "restarted" in reason
        # Still there after the kill: the finished task of the first life.
        kept = await rpc(session, served.url, "GetTask", {"id": done_id})
        assert kept["status"]["state"] == "TASK_STATE_COMPLETED"
    finally:
        if served.process is not None and served.process.poll() is None:
            served.stop(signal.SIGKILL)


async def test_a_database_outage_fails_no_task() -> None:
    """The database stops answering: tasks still run, finish and answer GetTask from memory."""
    from postgres_server import PostgresServer, postgres_bin_dir

    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed")
    with PostgresServer() as server:
        store = open_task_store(server.url, agent="e", instance="i")
        await store.start()
        server.close()  # the outage
        await store.save(task("during", TaskState.TASK_STATE_WORKING), CONTEXT)
        await store.save(task("during", TaskState.TASK_STATE_COMPLETED), CONTEXT)
        await store.save_later("cached", CONTEXT, Answered("cached"))
        found = await store.get("during", CONTEXT)
        assert found.status.state == TaskState.TASK_STATE_COMPLETED
        assert (await store.get("cached", CONTEXT)).artifacts[0].name == "out"
        await asyncio.wait_for(store.aclose(), 30)  # gives up writing, does not hang


async def test_an_unreachable_database_is_one_clear_error_at_start() -> None:
    from a2a_test_agents import EchoAgent

    from a2a_mcp.serve import AgentServer
    from a2a_mcp.server.task_db import TaskDbError

    server = AgentServer(EchoAgent(), port=0, task_db="postgresql://vg:s3cret@127.0.0.1:1/db")
    with pytest.raises(TaskDbError, match="cannot open its task database") as raised:
        await server.start()
    assert "s3cret" not in str(raised.value)
