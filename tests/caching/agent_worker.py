"""One script writer served over A2A behind the Redis cache, in a process of its own.

    python agent_worker.py REDIS_URL [--delay S] [--lock-ttl S]

Prints "ready <url>" once it listens. Each computation (not each call) increments the Redis
counter `test:computations` before it runs, so a test can count them across processes.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys

from redis.asyncio import Redis

from a2a_mcp.observability import configure_logging
from a2a_mcp.serve import AgentServer
from video_generator.app.agent_cache import VideoCache, ttl_policy
from video_generator.app.runtime import build_specialists, engine_info
from video_generator.settings import Settings


async def serve(redis_url: str, delay_s: float, lock_ttl_s: float) -> None:
    counter = Redis.from_url(redis_url)
    agent = next(a for a in build_specialists() if a.name == "script_writer")
    skill = agent.skills["write_script"]
    real = skill.handler

    async def counted(request, progress):  # type: ignore[no-untyped-def]
        await counter.incr("test:computations")
        await asyncio.sleep(delay_s)  # a slow engine: identical calls overlap for this long
        return await real(request, progress)

    agent.skills["write_script"] = dataclasses.replace(skill, handler=counted)
    cache = VideoCache(
        redis_url,
        ttl_for=ttl_policy(Settings()),
        engine_info=engine_info(),
        skill_cache_options={"lock_ttl_s": lock_ttl_s, "poll_s": (0.005, 0.05)},
        # A stampede of 50 requests on a shared 2-core machine can hold the event loop past
        # the default 0.25 s; this test is about single flight, not about a slow Redis.
        timeout_s=2.0,
    )
    server = AgentServer(agent, port=0, skill_wrapper=cache, drain_timeout_s=1)
    await server.start()
    print(f"ready {server.url}", flush=True)
    try:
        await server.wait_closed()
    finally:
        await cache.aclose()
        await counter.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("redis_url")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--lock-ttl", type=float, default=5.0)
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(serve(args.redis_url, args.delay, args.lock_ttl))


if __name__ == "__main__":
    sys.exit(main())
