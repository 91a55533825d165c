"""The cache through real agent servers: the mesh on Redis, bypass, two agent processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from caching_helpers import (
    EXAMPLE,
    Recorder,
    counters,
    delta,
    fresh_cache,
    run_embedded,
    without_plan,
)
from caching_mesh import CachedMesh, client_for

from a2a_mcp.client import HttpPool
from a2a_mcp.events import EventKind
from video_generator.app.remote import make_remote
from video_generator.brief import parse_brief
from video_generator.core.models import Script, ScriptRequest
from video_generator.request import VideoRequest

WORKER = Path(__file__).with_name("agent_worker.py")
SPECIALIST_NODES = {"script", "scenes", "timing", "adapt[tiktok]", "adapt[instagram_reels]"}


@pytest.fixture
async def pool() -> AsyncIterator[HttpPool]:
    pool = HttpPool(name="caching-tests")
    yield pool
    await pool.aclose()


@pytest.fixture
async def mesh(redis_url: str, pool: HttpPool) -> AsyncIterator[CachedMesh]:
    mesh = await CachedMesh(fresh_cache(redis_url), pool).start()
    yield mesh
    await mesh.stop()


async def remote(mesh: CachedMesh, *, no_cache: bool = False) -> tuple[Any, Recorder]:
    recorder = Recorder()
    package = await make_remote(
        VideoRequest(brief=EXAMPLE, no_cache=no_cache), recorder, url=mesh.url(), pool=mesh.pool
    )
    return package, recorder


async def test_cold_and_warm_through_the_mesh_are_the_same_package(mesh: CachedMesh) -> None:
    cold, cold_events = await remote(mesh)
    warm, warm_events = await remote(mesh)
    assert not any(r.get("cached") for r in cold_events.reports)
    # A package hit: one event saying so, with the seconds it saved, and the very same package.
    (event,) = warm_events.events
    assert event.kind is EventKind.RUN_COMPLETED and event.data["cached"] is True
    assert event.data["seconds_saved"] > 0
    assert warm.model_dump(mode="json") == cold.model_dump(mode="json")
    embedded = await run_embedded(fresh_cache())
    assert without_plan(warm) == without_plan(embedded.package)

    # Without the package entry, every specialist answers from its cache: node_cached each.
    await mesh.cache.clear("orchestrator")
    again, events = await remote(mesh)
    cached = {e.node for e in events.events if e.kind is EventKind.NODE_CACHED}
    assert cached == SPECIALIST_NODES
    assert without_plan(again) == without_plan(cold)

    # Each agent's /metrics shows its cache counters, by agent and kind.
    async with mesh.pool.session.get(f"{mesh.url('script_writer')}/metrics") as response:
        text = await response.text()
    for name in ("hits", "misses", "seconds_saved", "bytes"):
        assert f'vg_cache_{name}_total{{agent="script_writer"' in text, name
    assert 'vg_cache_latency_seconds_count{agent="script_writer",kind="script",op="get"}' in text


async def test_no_cache_through_the_mesh_bypasses_every_agent(mesh: CachedMesh) -> None:
    await remote(mesh)
    bypassed, hits = counters("bypassed"), counters("hits")
    package, events = await remote(mesh, no_cache=True)
    assert delta(counters("bypassed"), bypassed) == {
        "orchestrator": 1, "script_writer": 1, "scene_designer": 1, "timing_coordinator": 1,
        "platform_adapter": 2,
    }  # fmt: skip
    assert set(delta(counters("hits"), hits).values()) == {0}
    assert not any(e.kind is EventKind.NODE_CACHED for e in events.events)
    assert package.quality.passed


# ---------------------------------------------------------------- two agent processes


@contextlib.asynccontextmanager
async def workers(
    redis_url: str, tmp_path: Path, *options: list[str]
) -> AsyncIterator[list[tuple[asyncio.subprocess.Process, str]]]:
    """Start one agent_worker per option list; yields (process, url) once all listen."""
    started: list[asyncio.subprocess.Process] = []
    try:
        for number, extra in enumerate(options):
            log = open(tmp_path / f"worker{number}.log", "wb")  # noqa: ASYNC230
            started.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(WORKER),
                    redis_url,
                    *extra,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=log,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            )
            log.close()
        urls = []
        for number, process in enumerate(started):
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            logged = (tmp_path / f"worker{number}.log").read_text(errors="replace")
            assert line.startswith(b"ready "), f"worker {number} did not start: {logged}"
            urls.append(line.decode().split()[1])
        yield list(zip(started, urls, strict=True))
    finally:
        for process in started:
            if process.returncode is None:
                process.kill()
            await process.wait()


async def computations(redis_url: str) -> int:
    async with aioredis.from_url(redis_url) as raw:
        return int(await raw.get("test:computations") or 0)


async def wait_for(check: Callable[[], Any], timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_100_identical_calls_over_2_agent_processes_compute_once(
    redis_url: str, pool: HttpPool, tmp_path: Path
) -> None:
    request = ScriptRequest(brief=parse_brief(EXAMPLE))
    async with workers(redis_url, tmp_path, ["--delay", "0.3"], ["--delay", "0.3"]) as found:
        clients = [client_for({"script_writer": [url]}, pool) for _, url in found]
        try:
            outputs = await asyncio.gather(
                *(clients[i % 2].call("script_writer", "write_script", request) for i in range(100))
            )
        finally:
            for client in clients:
                await client.aclose()
    assert await computations(redis_url) == 1
    # Equal as data (a protobuf Struct on the wire does not keep key order).
    assert all(output == outputs[0] for output in outputs)
    assert Script.model_validate(outputs[0]).segments


async def test_a_killed_lock_holder_is_taken_over_by_the_other_process(
    redis_url: str, pool: HttpPool, tmp_path: Path
) -> None:
    request = ScriptRequest(brief=parse_brief(EXAMPLE))
    slow, quick = ["--delay", "30", "--lock-ttl", "0.5"], ["--lock-ttl", "0.5"]
    async with workers(redis_url, tmp_path, slow, quick) as found:
        (holder, holder_url), (_, other_url) = found
        first = client_for({"script_writer": [holder_url]}, pool, retry={"attempts": 1})
        second = client_for({"script_writer": [other_url]}, pool)
        try:
            doomed = asyncio.create_task(first.call("script_writer", "write_script", request))

            async def computing() -> bool:
                return await computations(redis_url) == 1

            await wait_for(computing)  # the holder has the lock and is computing
            holder.send_signal(signal.SIGKILL)
            output = await asyncio.wait_for(
                second.call("script_writer", "write_script", request), 30
            )
            assert Script.model_validate(output).segments
            assert await computations(redis_url) == 2  # the dead one's, then the taker's
            with contextlib.suppress(Exception):
                await doomed

        finally:
            await first.aclose()
            await second.aclose()
