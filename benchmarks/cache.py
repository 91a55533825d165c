"""Cache layer benchmark: layer GET vs raw redis.asyncio GET, stampede computations, codec cost.

    python -m benchmarks.cache [--json] [--rounds N] [--gets N]

Starts its own redis-server on a free loopback port. The mesh keys (cold_ms, warm_ms,
warm_speedup): the five agents started as separate processes the way `vidgen up` starts them,
all on that Redis (VG_CACHE_URL), and one brief sent to the orchestrator end to end: cold with
every cached entry removed first, warm again right after; medians over --mesh-rounds rounds.
`--no-mesh` leaves them null.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from redis.asyncio import Redis

from a2a_mcp.cache import SkillCache, decode, encode, open_cache
from a2a_mcp.observability import configure_logging
from redis_server import RedisServer, RedisServerError

AGENT, KIND = "script_writer", "script"
STAMPEDE_COMPUTE_S = 0.2


def sample_output(scenes: int = 6) -> dict[str, Any]:
    """A script-writer-sized output (about 2 KB of JSON)."""
    return {
        "title": "Cold brew for busy parents",
        "segments": [
            {
                "index": i,
                "start_s": i * 7.5,
                "end_s": (i + 1) * 7.5,
                "voiceover": f"Segment {i}: smooth cold brew, ready before the school run.",
                "on_screen_text": "Make it tonight, pour it at 7am",
                "visual": "close-up of a glass jar, morning light, kitchen counter, upbeat",
            }
            for i in range(scenes)
        ],
        "call_to_action": "link in bio",
    }


async def _time_gets(get: Any, key: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await get(key)
    return (time.perf_counter() - started) / count * 1e6


async def measure_gets(url: str, rounds: int, gets: int) -> dict[str, float]:
    """Median per-GET microseconds of raw redis.asyncio, our RedisCache and a SkillCache hit,
    and the median per-round ratios of the latter two to raw."""
    raw = Redis.from_url(url)
    cache = open_cache(url)
    skills = SkillCache(cache, stats_flush_s=3600)
    key = skills.make_key(AGENT, "write", "template", "1", "t1", {"brief": "cold brew"})

    async def compute() -> dict[str, Any]:
        return sample_output()

    await skills.get_or_compute(key, compute, agent=AGENT, kind=KIND)
    raw_key = "vgc:d:" + key  # the very entry the layer reads, so both fetch the same bytes

    async def hit(k: str) -> Any:
        return await skills.get_or_compute(k, compute, agent=AGENT, kind=KIND)

    samples: dict[str, list[float]] = {"raw": [], "layer": [], "hit": []}
    try:
        for fn, k in ((raw.get, raw_key), (cache.get, key), (hit, key)):  # warm up connections
            await _time_gets(fn, k, 50)
        # Interleave the three in every round, in a rotating order, so drift on a shared
        # machine and any first-in-round effect hit each alike.
        contenders = [("raw", raw.get, raw_key), ("layer", cache.get, key), ("hit", hit, key)]
        for round_no in range(rounds):
            shift = round_no % len(contenders)
            for name, fn, k in contenders[shift:] + contenders[:shift]:
                samples[name].append(await _time_gets(fn, k, gets))
        assert (await cache.get(key)) == (await raw.get(raw_key))
    finally:
        await skills.aclose()
        await cache.aclose()
        await raw.aclose()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    # Ratios are taken round by round (the three ran back to back), then the median of those:
    # a burst of load from elsewhere then spoils one round, not the comparison.
    for name in ("layer", "hit"):
        medians[f"{name}_ratio"] = statistics.median(
            mine / raw_us for mine, raw_us in zip(samples[name], samples["raw"], strict=True)
        )
    return medians


def _stampede_worker(url: str, count: int, ready: Any, go: Any) -> None:
    asyncio.run(_stampede(url, count, ready, go))


async def _stampede(url: str, count: int, ready: Any, go: Any) -> None:
    cache = open_cache(url)
    skills = SkillCache(cache, poll_s=(0.005, 0.02))
    raw = Redis.from_url(url)
    key = skills.make_key(AGENT, "write", "template", "1", "t1", {"brief": "stampede"})

    async def compute() -> dict[str, Any]:
        await raw.incr("bench:computations")
        await asyncio.sleep(STAMPEDE_COMPUTE_S)
        return sample_output()

    ready.set()
    await asyncio.to_thread(go.wait, 60)
    try:
        await asyncio.gather(
            *(skills.get_or_compute(key, compute, agent=AGENT, kind=KIND) for _ in range(count))
        )
    finally:
        await skills.aclose()
        await raw.aclose()
        await cache.aclose()


def measure_stampede(url: str, processes: int = 2, per_process: int = 50) -> int:
    """Computations caused by processes x per_process concurrent identical misses."""
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    readies = [ctx.Event() for _ in range(processes)]
    workers = [
        ctx.Process(target=_stampede_worker, args=(url, per_process, ready, go))
        for ready in readies
    ]
    for worker in workers:
        worker.start()
    try:
        for ready in readies:
            if not ready.wait(60):
                raise RuntimeError("a stampede worker did not start within 60 s")
        go.set()
        for worker in workers:
            worker.join(60)
            if worker.exitcode != 0:
                raise RuntimeError(f"a stampede worker failed (exit code {worker.exitcode})")
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
    return asyncio.run(_read_counter(url, "bench:computations"))


async def _read_counter(url: str, name: str) -> int:
    raw = Redis.from_url(url)
    try:
        return int(await raw.get(name) or 0)
    finally:
        await raw.aclose()


async def measure_uncached_stampede(count: int = 100) -> int:
    """The same 100 calls with the cache bypassed: what single flight saves."""
    skills = SkillCache(open_cache("none://"))
    calls = 0

    async def compute() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return {}

    await asyncio.gather(
        *(
            skills.get_or_compute("k", compute, agent=AGENT, kind=KIND, bypass=True)
            for _ in range(count)
        )
    )
    return calls


def storyboard_doc(shots: int = 60) -> dict[str, Any]:
    """A ~20 KB storyboard-like document with varied prose (so compression is not flattered)."""
    rng = random.Random(7)
    words = (
        "cold brew jar kitchen morning light parent child school run coffee glass ice pour "
        "counter smile rush calm slow motion close-up wide shot steam fridge label bottle "
        "laptop bag keys door sunrise window bright upbeat music beat cut swipe text overlay"
    ).split()

    def prose(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    return {
        "shots": [
            {
                "id": f"s{i:03d}",
                "duration_s": round(rng.uniform(1.5, 4.0), 2),
                "prompt": prose(40),
                "camera": rng.choice(["static", "pan left", "dolly in", "handheld"]),
                "caption": prose(8),
                "seed": rng.randrange(1 << 31),
            }
            for i in range(shots)
        ]
    }


def measure_codec(repeat: int = 2000) -> dict[str, float]:
    """Encode/decode microseconds of a ~20 KB document, and its compression ratio."""
    doc = storyboard_doc()
    data = encode(doc)
    started = time.perf_counter()
    for _ in range(repeat):
        encode(doc)
    encode_us = (time.perf_counter() - started) / repeat * 1e6
    started = time.perf_counter()
    for _ in range(repeat):
        decode(data)
    decode_us = (time.perf_counter() - started) / repeat * 1e6
    json_bytes = len(orjson.dumps(doc))
    return {
        "codec_doc_bytes": json_bytes,
        "codec_encode_us": round(encode_us, 1),
        "codec_decode_us": round(decode_us, 1),
        "codec_ratio": round(json_bytes / len(data), 2),
    }


MeshMeasure = Callable[[str], Awaitable[tuple[float, float]]]


def run(rounds: int, gets: int, mesh: MeshMeasure | None = None) -> dict[str, Any]:
    """All numbers of one run. `mesh(redis_url) -> (cold_ms, warm_ms)` adds the end-to-end pair."""
    cold_ms = warm_ms = None
    with RedisServer() as server:
        gets_us = asyncio.run(measure_gets(server.url, rounds, gets))
        stampede = measure_stampede(server.url)
        if mesh is not None:
            cold_ms, warm_ms = asyncio.run(mesh(server.url))
    uncached = asyncio.run(measure_uncached_stampede())
    layer_overhead = gets_us["layer_ratio"]
    result: dict[str, Any] = {
        # End to end through the mesh with Redis: filled in by the mesh benchmark.
        "cold_ms": None if cold_ms is None else round(cold_ms, 2),
        "warm_ms": None if warm_ms is None else round(warm_ms, 3),
        "warm_speedup": None if not (cold_ms and warm_ms) else round(cold_ms / warm_ms, 1),
        "stampede_calls": stampede,
        "stampede_calls_uncached": uncached,
        "layer_get_us": round(gets_us["layer"], 1),
        "raw_get_us": round(gets_us["raw"], 1),
        "layer_overhead": round(layer_overhead, 3),
        "hit_path_us": round(gets_us["hit"], 1),
        "hit_path_overhead": round(gets_us["hit_ratio"], 3),
        **measure_codec(),
        "rounds": rounds,
        "gets_per_round": gets,
    }
    speedup = result["warm_speedup"]
    result["goals"] = {
        "warm_speedup>=20": None if speedup is None else speedup >= 20,
        "stampede_calls==1": stampede == 1,
        "layer_overhead<=1.3": layer_overhead <= 1.3,
    }
    return result


MESH_BRIEF = (
    "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'"
)
MESH_WARM_UP = "60 second YouTube Short explaining compound interest to teenagers"


class MeshBench:
    """The end-to-end part: `await bench(redis_url) -> (cold_ms, warm_ms)` of MESH_BRIEF through
    a mesh of agent processes on that Redis; `detail` then holds what explains the numbers."""

    def __init__(self, rounds: int = 5, warm_calls: int = 5) -> None:
        self.rounds = rounds
        self.warm_calls = warm_calls
        self.detail: dict[str, Any] = {}

    async def __call__(self, redis_url: str) -> tuple[float, float]:
        from a2a_mcp.client import A2AClient, A2AClientSettings, HttpPool
        from a2a_mcp.registry import AgentRegistry
        from video_generator.app.launcher import MeshLauncher
        from video_generator.app.remote import make_remote
        from video_generator.core.models import VideoPackage
        from video_generator.request import VideoRequest

        environ = {**os.environ, "VG_CACHE_URL": redis_url, "VG_LOG_LEVEL": "ERROR"}
        launcher = MeshLauncher(base_port=0, environ=environ, start_timeout_s=120)
        await launcher.start()
        url = launcher.urls()["orchestrator"][0]
        pool = HttpPool(name="bench_cache")
        settings = A2AClientSettings(health_interval_s=0)
        # One client for every brief, as a long-lived caller keeps one: it reads the
        # orchestrator's card once. `vidgen make --remote` makes one per command (below).
        client = A2AClient(
            AgentRegistry({"orchestrator": [url]}), session_pool=pool, settings=settings
        )
        raw = Redis.from_url(redis_url)
        package: dict[str, Any] = {}

        async def make(brief: str, *, new_client: bool = False) -> tuple[float, bool]:
            hit = False

            async def progress(fraction: float, message: str = "", data: Any = None) -> None:
                nonlocal hit
                hit = hit or bool((data or {}).get("cached"))

            request = VideoRequest(brief=brief)
            started = time.perf_counter()
            if new_client:
                await make_remote(request, progress, url=url, pool=pool, settings=settings)
            else:
                data = await client.call("orchestrator", "make_video", request, progress)
                VideoPackage.model_validate(data)
                package.update(data)
            return (time.perf_counter() - started) * 1000, hit

        async def forget_everything() -> None:
            keys = [key async for key in raw.scan_iter(match="vgc:d:*", count=1000)]
            if keys:
                await raw.unlink(*keys)

        colds: list[float] = []
        warms: list[float] = []
        fresh_clients: list[float] = []
        try:
            # First calls pay for connections, lazy imports and caches of every process.
            for _ in range(2):
                await forget_everything()
                await make(MESH_WARM_UP)
                await make(MESH_WARM_UP)
            for _ in range(self.rounds):
                await forget_everything()
                cold_ms, cold_hit = await make(MESH_BRIEF)
                if cold_hit:
                    raise RuntimeError("the cold run was answered from the cache")
                colds.append(cold_ms)
                for _ in range(self.warm_calls):
                    warm_ms, warm_hit = await make(MESH_BRIEF)
                    if not warm_hit:
                        raise RuntimeError(
                            "the warm run was not a cache hit: do the mesh's agents serve "
                            "behind the cache (VG_CACHE_URL)?"
                        )
                    warms.append(warm_ms)
                fresh_clients.append((await make(MESH_BRIEF, new_client=True))[0])
        finally:
            await raw.aclose()
            await client.aclose()
            await pool.aclose()
            await launcher.stop()
        embedded_cold, embedded_warm = await self._embedded(redis_url)
        self.detail = {
            "mesh_cold_ms_all": [round(ms, 1) for ms in colds],
            "mesh_warm_new_client_ms": round(statistics.median(fresh_clients), 2),
            "package_json_bytes": len(orjson.dumps(package)),
            "package_a2a_conversions_ms": round(_a2a_conversions_ms(package), 2),
            "embedded_cold_ms": round(embedded_cold, 2),
            "embedded_warm_ms": round(embedded_warm, 3),
            "embedded_speedup": round(embedded_cold / embedded_warm, 1),
        }
        return statistics.median(colds), statistics.median(warms)

    async def _embedded(self, redis_url: str) -> tuple[float, float]:
        """The same brief in this process (`vidgen make`), behind a cache on the same Redis."""
        from video_generator.app.agent_cache import VideoCache, ttl_policy
        from video_generator.app.runtime import build_orchestrator, engine_info
        from video_generator.request import VideoRequest
        from video_generator.settings import Settings

        cache = VideoCache(redis_url, ttl_for=ttl_policy(Settings()), engine_info=engine_info())
        orchestrator = build_orchestrator(cache=cache)

        async def timed(brief: str) -> float:
            started = time.perf_counter()
            await orchestrator.run("make_video", VideoRequest(brief=brief))
            return (time.perf_counter() - started) * 1000

        colds: list[float] = []
        warms: list[float] = []
        try:
            await timed(MESH_WARM_UP)
            for _ in range(self.rounds):
                await cache.clear()
                colds.append(await timed(MESH_BRIEF))
                warms.extend([await timed(MESH_BRIEF) for _ in range(self.warm_calls)])
        finally:
            await cache.aclose()
        return statistics.median(colds), statistics.median(warms)


def _a2a_conversions_ms(package: dict[str, Any], repeat: int = 20) -> float:
    """CPU time of the four protobuf JSON conversions a package takes between the orchestrator
    and its caller (dict -> Struct, Struct -> JSON on the server; JSON -> Struct -> dict on the
    client), measured here on the same package."""
    from google.protobuf import json_format, struct_pb2

    started = time.perf_counter()
    for _ in range(repeat):
        message = json_format.ParseDict(package, struct_pb2.Struct())
        text = json_format.MessageToJson(message)
        back = json_format.Parse(text, struct_pb2.Struct())
        json_format.MessageToDict(back)
    return (time.perf_counter() - started) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cache", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--gets", type=int, default=400, help="GETs per round (default 400)")
    parser.add_argument(
        "--mesh-rounds", type=int, default=5, help="cold/warm rounds through the mesh (default 5)"
    )
    parser.add_argument("--no-mesh", action="store_true", help="skip the end-to-end part")
    args = parser.parse_args(argv)
    configure_logging("ERROR")  # stdout carries the JSON only
    mesh = None if args.no_mesh else MeshBench(args.mesh_rounds)
    try:
        result = run(args.rounds, args.gets, mesh=mesh)
    except RedisServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if mesh is not None:
        result["mesh_detail"] = mesh.detail
    if args.json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    else:
        for name, value in result.items():
            print(f"{name:26} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
