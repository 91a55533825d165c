"""Renders on the job queue (Dramatiq, Redis broker): two `vidgen worker` processes, one killed
with SIGKILL mid-render; the job is redelivered and completes on the other; the node streams
its progress; a job whose result is already in its folder is not rendered again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from render_support import tiny_package

from a2a_mcp.errors import InvalidInputError
from redis_server import RedisServer, free_port
from video_generator.render.queue import QueueSettings, job_key, render_queued, run_job, stream_key
from video_generator.request import RenderRequest
from video_generator.settings import Settings, get_settings, render_root

FAST_REDELIVERY = {"heartbeat_timeout_s": 2.0, "maintenance_chance": 1_000_000}


def start_worker(url: str, render_dir: Path, port: int = 0) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VG_RENDER_QUEUE": url,
        "VG_RENDER_DIR": str(render_dir),
        "VG_RENDER_HEARTBEAT_TIMEOUT_S": "2",
        "VG_RENDER_MAINTENANCE_CHANCE": "1000000",
        "VG_LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "video_generator.cli", "worker", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture
def render_dir() -> Path:
    return render_root(get_settings())  # the test's own (conftest), shared with the workers


async def test_a_killed_workers_job_completes_on_another(
    redis_server: RedisServer, render_dir: Path
) -> None:
    health_port = free_port()
    workers = [start_worker(redis_server.url, render_dir, port) for port in (health_port, 0)]
    try:
        for worker in workers:  # each prints one line once it takes jobs
            line = await asyncio.to_thread(worker.stdout.readline)
            assert b"render worker" in line, line
        health = await asyncio.to_thread(get, f"http://127.0.0.1:{health_port}/health/ready")
        assert orjson.loads(health)["ready"] is True
        metrics = await asyncio.to_thread(get, f"http://127.0.0.1:{health_port}/metrics")
        assert b"vidgen_render_jobs_running" in metrics
        pkg = tiny_package(["tiktok"])
        folder = render_dir / "task-1"
        folder.mkdir(parents=True)
        seen: list[tuple[str, float]] = []
        killed: list[str] = []

        async def progress(fraction: float, message: str = "", data: Any = None) -> None:
            who = data.get("worker")
            if who is None:
                return  # the node's own "queued" line
            seen.append((who, fraction))
            if not killed and fraction > 0 and not message.startswith("rendering on"):
                pid = int(who.rsplit(":", 1)[1])
                os.kill(pid, signal.SIGKILL)  # mid-render, before it acknowledged the job
                killed.append(who)

        settings = QueueSettings(url=redis_server.url, **FAST_REDELIVERY)
        summary = await asyncio.wait_for(
            render_queued(
                pkg, RenderRequest(), folder, progress, task_id="task-1", settings=settings
            ),
            120,
        )
        assert killed, "no progress came from a worker"
        finishers = {who for who, _ in seen if who != killed[0]}
        assert finishers, "nothing came from a second worker"
        assert summary.folder == folder
        preview = folder / summary.platforms[0].preview
        assert preview.stat().st_size > 10_000
        fractions = [fraction for _, fraction in seen]
        assert fractions == sorted(fractions)  # the redelivered job never runs the bar backwards
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

    # Delivered once more (same package, same folder): its result is republished, not redone.
    package = pkg.model_dump(mode="json")
    request = RenderRequest().model_dump(mode="json")
    job = {
        "job_id": uuid.uuid4().hex,
        "task_id": "task-1",
        "folder": "task-1",
        "key": job_key(package, request),
        "package": package,
        "request": request,
    }
    worker_side = replace(settings, render_settings=Settings(render_dir=render_dir))
    await run_job(job, worker_side)  # as a worker runs it
    redis = Redis.from_url(redis_server.url)
    try:
        entries = await redis.xrange(stream_key(job["job_id"]))
    finally:
        await redis.aclose()
    kinds = [orjson.loads(fields[b"event"])["kind"] for _, fields in entries]
    assert kinds == ["done"]


async def test_bad_render_options_fail_before_the_queue(redis_server: RedisServer) -> None:
    settings = QueueSettings(url=redis_server.url)
    with pytest.raises(InvalidInputError, match=r"render\.platforms"):
        await render_queued(
            tiny_package(["tiktok"]),
            RenderRequest(platforms=["youtube"]),
            Path("unused"),
            lambda *_: asyncio.sleep(0),
            task_id="t",
            settings=settings,
        )


async def test_a_queued_renders_progress_streams_to_the_a2a_client(
    redis_server: RedisServer, render_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The orchestrator served over A2A with VG_RENDER_QUEUE: its render node enqueues, a
    worker renders, and the worker's progress reaches the A2A client's stream."""
    from a2a_mcp.client import A2AClient, A2AClientSettings, HttpPool, InProcessClient
    from a2a_mcp.registry import AgentRegistry
    from a2a_mcp.serve import AgentServer
    from video_generator.app.runtime import build_orchestrator, build_specialists
    from video_generator.core.models import VideoPackage
    from video_generator.request import VideoRequest

    monkeypatch.setenv("VG_RENDER_QUEUE", redis_server.url)
    get_settings.cache_clear()
    worker = start_worker(redis_server.url, render_dir)
    pool = HttpPool(name="queue-test")
    server = AgentServer(build_orchestrator(client=InProcessClient(build_specialists())), port=0)
    try:
        assert b"render worker" in await asyncio.to_thread(worker.stdout.readline)
        await server.start()
        client = A2AClient(
            AgentRegistry({"orchestrator": [server.url]}),
            session_pool=pool,
            settings=A2AClientSettings(health_interval_s=0),
        )
        messages: list[str] = []

        async def on_progress(fraction: float, message: str = "", data: Any = None) -> None:
            event = (data or {}).get("event") or {}
            if event.get("node") == "render":
                messages.append(event.get("message") or "")

        request = VideoRequest(
            brief="a 15 second TikTok about green tea for students", render=RenderRequest()
        )
        output = await client.call("orchestrator", "make_video", request, on_progress)
        await client.aclose()
        package = VideoPackage.model_validate(output)
        assert package.render is not None and package.render.platforms[0].platform == "tiktok"
        assert any(m.startswith("rendering on") for m in messages), messages
        assert any("preview.mp4 written" in m for m in messages), messages
    finally:
        await server.stop()
        await pool.aclose()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


async def test_a_job_that_keeps_failing_fails_its_task_once_retries_are_spent(
    redis_server: RedisServer,
) -> None:
    """An unexpected error is Dramatiq's to retry; the last attempt publishes the failure, which
    the node raises with the worker and the error named."""
    from a2a_mcp.errors import SkillFailedError
    from video_generator.render.queue import ACTOR_NAME, _follow, make_broker

    # The worker side renders with the test's settings (its render folder, from conftest).
    settings = QueueSettings(url=redis_server.url, retries=0, render_settings=get_settings())
    job = {"job_id": uuid.uuid4().hex, "task_id": "t", "folder": "t", "key": "k"}
    job |= {"package": {"not": "a package"}, "request": {}}
    broker = make_broker(settings)
    with pytest.raises(ValueError):
        await asyncio.to_thread(broker.get_actor(ACTOR_NAME).fn, job)
    broker.close()
    redis = Redis.from_url(redis_server.url)
    try:
        with pytest.raises(SkillFailedError, match="after 1 attempts: ValidationError"):
            await _follow(redis, job["job_id"], Path("t"), lambda *_: asyncio.sleep(0), settings)
    finally:
        await redis.aclose()


async def test_a_job_whose_retries_are_spent_lands_in_the_dead_letter_queue(
    redis_server: RedisServer,
) -> None:
    """A real Dramatiq worker (in this process) retries a broken job with backoff, publishes
    the failure on the last attempt and dead-letters the message."""
    from a2a_mcp.errors import SkillFailedError
    from video_generator.render.queue import (
        ACTOR_NAME,
        NAMESPACE,
        QUEUE_NAME,
        _follow,
        make_broker,
        run_worker,
    )

    settings = QueueSettings(
        url=redis_server.url,
        retries=1,
        min_backoff_s=0.05,
        max_backoff_s=0.1,
        render_settings=get_settings(),
    )
    worker = await asyncio.to_thread(run_worker, settings)
    broker = make_broker(settings)
    redis = Redis.from_url(redis_server.url)
    try:
        job = {"job_id": uuid.uuid4().hex, "task_id": "t", "folder": "t", "key": "k"}
        job |= {"package": {"not": "a package"}, "request": {}}
        await asyncio.to_thread(broker.get_actor(ACTOR_NAME).send, job)
        with pytest.raises(SkillFailedError, match="after 2 attempts"):
            await _follow(redis, job["job_id"], Path("t"), lambda *_: asyncio.sleep(0), settings)
        dead = f"{NAMESPACE}:{QUEUE_NAME}.XQ"
        for _ in range(100):
            if await redis.zcard(dead):
                break
            await asyncio.sleep(0.05)
        assert await redis.zcard(dead) == 1
        entries = await redis.xrange(stream_key(job["job_id"]))
        events = [orjson.loads(fields[b"event"]) for _, fields in entries]
        assert [e["kind"] for e in events][-1] == "failed"
        retried = [e for e in events if e.get("message", "").startswith("retrying after")]
        assert len(retried) == 1  # the first attempt's error, then the second's failure
    finally:
        await redis.aclose()
        broker.close()
        await asyncio.to_thread(worker.stop, 5000)


async def test_cancelling_a_queued_render_stops_the_worker(
    redis_server: RedisServer, render_dir: Path
) -> None:
    settings = QueueSettings(url=redis_server.url, **FAST_REDELIVERY)
    # A process of its own: a worker thread here would hold the GIL while drawing stills.
    worker = start_worker(redis_server.url, render_dir)
    assert b"render worker" in await asyncio.to_thread(worker.stdout.readline)
    folder = render_dir / "task-c"
    folder.mkdir(parents=True)
    rendering = asyncio.Event()

    async def progress(fraction: float, message: str = "", data: Any = None) -> None:
        if data.get("worker"):
            rendering.set()  # "rendering on <worker>": the job started

    node = asyncio.create_task(
        render_queued(
            tiny_package(["tiktok", "youtube_shorts", "instagram_reels"]),
            RenderRequest(),
            folder,
            progress,
            task_id="task-c",
            settings=settings,
        )
    )
    redis = Redis.from_url(redis_server.url)
    try:
        await asyncio.wait_for(rendering.wait(), 60)
        node.cancel()
        with pytest.raises(asyncio.CancelledError):
            await node
        (stream,) = [key async for key in redis.scan_iter(match="vidgen:render:*:events")]
        for _ in range(200):
            last = await redis.xrevrange(stream, count=1)
            event = orjson.loads(last[0][1][b"event"])
            if event["kind"] == "failed":
                break
            await asyncio.sleep(0.05)
        assert event["kind"] == "failed" and event["error"]["code"] == "cancelled"
        assert not (folder / ".job.json").exists()
    finally:
        await redis.aclose()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


async def test_an_unreachable_queue_is_a_clear_error() -> None:
    from video_generator.render.queue import RenderQueueError

    settings = QueueSettings(url=f"redis://:s3cret@127.0.0.1:{free_port()}/1")
    with pytest.raises(RenderQueueError, match="unset VG_RENDER_QUEUE") as raised:
        await render_queued(
            tiny_package(["tiktok"]),
            RenderRequest(),
            Path("unused"),
            lambda *_: asyncio.sleep(0),
            task_id="t",
            settings=settings,
        )
    assert "s3cret" not in str(raised.value)


async def test_a_job_no_worker_takes_fails_saying_to_start_one(
    redis_server: RedisServer,
) -> None:
    from video_generator.render.queue import RenderQueueError

    settings = QueueSettings(url=redis_server.url, pickup_timeout_s=0.5)
    seen: list[str] = []

    async def progress(fraction: float, message: str = "", data: Any = None) -> None:
        seen.append(message)

    with pytest.raises(RenderQueueError, match="vidgen worker"):
        await render_queued(
            tiny_package(["tiktok"]), RenderRequest(), Path("t"), progress, task_id="t",
            settings=settings,
        )  # fmt: skip
    assert seen == ["queued: waiting for a render worker"]
