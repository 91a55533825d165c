"""Single flight across processes: one computation for 100 calls in 2 processes; lock takeover."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import orjson
from redis.asyncio import Redis

from a2a_mcp.cache import SkillCache, open_cache

WORKER = Path(__file__).with_name("cache_worker.py")


async def spawn(url: str, mode: str, count: int, lock_ttl_s: float) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        url,
        mode,
        str(count),
        str(lock_ttl_s),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_for_counter(raw: Redis, name: str, target: int, procs: list[Any]) -> None:
    for _ in range(1500):  # bounded: 30 s of 20 ms polls, for two interpreters to start
        if int(await raw.get(name) or 0) >= target:
            return
        for proc in procs:
            if proc.returncode is not None:
                _, err = await proc.communicate()
                raise AssertionError(f"worker exited early: {err.decode()[-2000:]}")
        await asyncio.sleep(0.02)
    raise AssertionError(f"{name} never reached {target}")


async def test_100_calls_in_2_processes_compute_once(redis_url: str) -> None:
    raw = Redis.from_url(redis_url, socket_timeout=5)
    procs = [await spawn(redis_url, "stampede", 50, 2.0) for _ in range(2)]
    try:
        await wait_for_counter(raw, "test:ready", 2, procs)
        await raw.set("test:go", 1)
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 60)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    try:
        for proc, (_, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err.decode()[-2000:]
        rows = [row for out, _ in outputs for row in orjson.loads(out)]
        assert len(rows) == 100
        assert int(await raw.get("test:computations")) == 1
        assert all(row["value"] == rows[0]["value"] for row in rows)
        assert sum(not row["hit"] and not row["shared"] for row in rows) == 1
    finally:
        await raw.aclose()


async def test_a_dead_lock_holder_is_taken_over(redis_url: str) -> None:
    raw = Redis.from_url(redis_url, socket_timeout=5)
    holder = await spawn(redis_url, "hold", 1, 0.3)
    cache = open_cache(redis_url)
    skills = SkillCache(cache, lock_ttl_s=0.3, poll_s=(0.01, 0.05))
    computed = 0

    async def compute() -> dict[str, Any]:
        nonlocal computed
        computed += 1
        return {"answer": "from the survivor"}

    try:
        await wait_for_counter(raw, "test:started", 1, [holder])
        key = skills.make_key(
            "script_writer",
            "write",
            "template",
            "1",
            "t1",
            {"brief": "cold brew for busy parents", "seconds": 45},
        )
        waiter = asyncio.create_task(
            skills.get_or_compute(key, compute, agent="script_writer", kind="script")
        )
        # While the holder lives it renews its 0.3 s lock: the waiter must not compute, even
        # after several lock lifetimes have passed.
        await asyncio.sleep(1.0)
        assert not waiter.done() and computed == 0
        os.kill(holder.pid, signal.SIGKILL)
        await holder.wait()
        outcome = await asyncio.wait_for(waiter, 10)
        assert outcome.value == {"answer": "from the survivor"}
        assert computed == 1 and not outcome.hit
        assert await raw.get("test:started") == b"1"
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await skills.aclose()
        await cache.aclose()
        await raw.aclose()
