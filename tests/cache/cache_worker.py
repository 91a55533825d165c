"""A separate process for the cross-process tests: fires identical SkillCache calls at one Redis.

usage: python cache_worker.py URL stampede N LOCK_TTL_S   (waits for key test:go, prints outcomes)
       python cache_worker.py URL hold 1 LOCK_TTL_S       (takes the lock, then computes forever)
"""

from __future__ import annotations

import asyncio
import sys

import orjson
from redis.asyncio import Redis

from a2a_mcp.cache import SkillCache, open_cache

KEY_INPUT = {"brief": "cold brew for busy parents", "seconds": 45}


async def main(url: str, mode: str, count: int, lock_ttl_s: float) -> None:
    cache = open_cache(url)
    skills = SkillCache(cache, lock_ttl_s=lock_ttl_s, poll_s=(0.005, 0.02), stats_flush_s=0.05)
    raw = Redis.from_url(url, socket_timeout=5)
    key = skills.make_key("script_writer", "write", "template", "1", "t1", KEY_INPUT)

    async def stampede_compute() -> dict[str, object]:
        await raw.incr("test:computations")
        await asyncio.sleep(0.3)  # long enough for the other process to arrive while this runs
        return {"answer": 42, "words": ["cold", "brew"]}

    async def hold_compute() -> dict[str, object]:
        await raw.incr("test:started")
        await asyncio.sleep(60)  # the test kills this process long before
        return {"answer": "never"}

    try:
        if mode == "hold":
            await skills.get_or_compute(key, hold_compute, agent="script_writer", kind="script")
            return
        await raw.incr("test:ready")
        for _ in range(4000):  # both processes start together: wait for the test's go (<= 20 s)
            if await raw.exists("test:go"):
                break
            await asyncio.sleep(0.005)
        outcomes = await asyncio.gather(
            *(
                skills.get_or_compute(key, stampede_compute, agent="script_writer", kind="script")
                for _ in range(count)
            )
        )
        await skills.aclose()
        rows = [{"value": o.value, "hit": o.hit, "shared": o.shared} for o in outcomes]
        sys.stdout.buffer.write(orjson.dumps(rows))
    finally:
        await raw.aclose()
        await cache.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
