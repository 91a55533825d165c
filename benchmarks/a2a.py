"""A2A transport benchmark: one skill call through four clients, on loopback, in one run.

    python -m benchmarks.a2a [--json] [--calls N] [--per-call N]

Starts one agent server in a child process (its own core), then times the same SendMessage
JSON-RPC call through (a) a2a-sdk's Client on our pooled aiohttp transport (`pooled`),
(b) a2a-sdk's Client on one shared httpx client (`sdk_shared`), (c) an a2a-sdk client created
per call (`sdk_per_call`), (d) a raw aiohttp POST of the same body (`raw`, the floor). The modes
take turns call by call, so noise from other processes hits them alike. Also: `a2a_client_call`
(A2AClient.call, streaming: the path agents use), `reuse_ratio` of the pool after warm-up and
`sse_first_event_ms` (SendStreamingMessage sent -> first event read).

The mesh part (`mesh`, `mesh_briefs_per_s`): the five agents started as separate processes the
way `vidgen up` starts them, and 8 concurrent clients sending corpus briefs to the orchestrator
end to end; the same briefs run in-process with the same concurrency give the ratio
`mesh_vs_in_process`.
"""

from __future__ import annotations

import os

# Same SDK settings in this process and the server child whatever is imported first: a2a-sdk's
# OTel span wrappers off (a2a_mcp's default), so sdk_* and pooled differ only in the transport.
os.environ.setdefault("OTEL_INSTRUMENTATION_A2A_SDK_ENABLED", "false")

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from a2a.client import BaseClient, ClientConfig, ClientFactory
from a2a.client.card_resolver import parse_agent_card
from a2a.types import SendMessageConfiguration, SendMessageRequest
from a2a.utils.constants import PROTOCOL_VERSION_1_0, VERSION_HEADER
from google.protobuf.json_format import MessageToDict
from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.client import A2AClient, A2AClientSettings, AiohttpJsonRpcTransport, HttpPool
from a2a_mcp.protocol import skill_request
from a2a_mcp.registry import AgentRegistry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "briefs.yaml"
PAYLOAD = {"text": "cold brew for busy parents", "times": 2}


class EchoIn(BaseModel):
    text: str
    times: int = 1


class EchoOut(BaseModel):
    text: str


class BenchAgent(Agent):
    """The smallest real skill: validates input, returns output, one artifact."""

    name = "bench_echo"
    description = "Echo for the A2A transport benchmark."

    @skill(description="Repeat a text.")
    async def echo(self, input: EchoIn, progress: Progress) -> EchoOut:
        return EchoOut(text=" ".join([input.text] * input.times))


def _serve_child() -> None:
    """Child process: serve BenchAgent on a free port and print its URL."""
    from a2a_mcp.observability import configure_logging
    from a2a_mcp.serve import AgentServer

    configure_logging("WARNING")

    async def run() -> None:
        server = await AgentServer(BenchAgent(), port=0, log_level="error").start()
        print(server.url, flush=True)
        await server.wait_closed()

    asyncio.run(run())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(latencies_s: list[float]) -> dict[str, float]:
    ms = [value * 1000 for value in latencies_s]
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(_percentile(ms, 0.95), 3),
        # Sequential calls: one in flight at a time, so rps is 1 / mean latency.
        "rps": round(len(ms) / (sum(ms) / 1000), 1),
        "n": len(ms),
    }


async def _time(call: Callable[[], Awaitable[Any]], count: int, into: list[float]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        await call()
        into.append(time.perf_counter() - started)


def _request() -> SendMessageRequest:
    """The request A2AClient sends: the skill's input, and no history echoed back."""
    return SendMessageRequest(
        message=skill_request("echo", PAYLOAD),
        configuration=SendMessageConfiguration(history_length=0),
    )


async def run(calls: int = 400, per_call: int = 40) -> dict[str, Any]:
    """Start the server, measure every mode, stop the server; returns the results."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from benchmarks.a2a import _serve_child; _serve_child()",
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        url = (await asyncio.wait_for(child.stdout.readline(), 30)).decode().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the benchmark server did not start (said {url!r})")
        return await _measure(url, calls, per_call)
    finally:
        child.terminate()
        await asyncio.wait_for(child.wait(), 30)


async def _measure(url: str, calls: int, per_call: int) -> dict[str, Any]:
    pool = HttpPool(name="bench")
    async with pool.session.get(f"{url}/.well-known/agent-card.json") as response:
        card = parse_agent_card(orjson.loads(await response.read()))

    # (a) a2a-sdk's Client doing the protocol over our pooled aiohttp transport.
    pooled = BaseClient(
        card, ClientConfig(streaming=False), AiohttpJsonRpcTransport(pool, card, url), []
    )
    # (b) a2a-sdk's default stack, one httpx client shared by every call.
    shared_httpx = httpx.AsyncClient(timeout=30)
    sdk_shared = ClientFactory(ClientConfig(streaming=False, httpx_client=shared_httpx)).create(
        card
    )
    # (d) the floor: the same JSON-RPC body, posted raw on the same kind of pooled session.
    raw_pool = HttpPool(name="bench_raw")
    body = orjson.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": MessageToDict(_request())}
    )
    headers = {"Content-Type": "application/json", VERSION_HEADER: PROTOCOL_VERSION_1_0}
    client = A2AClient(
        AgentRegistry({BenchAgent.name: [url]}),
        session_pool=pool,
        settings=A2AClientSettings(health_interval_s=0),
    )

    async def call_pooled() -> None:
        async for _ in pooled.send_message(_request()):
            pass

    async def call_sdk_shared() -> None:
        async for _ in sdk_shared.send_message(_request()):
            pass

    async def call_sdk_per_call() -> None:
        fresh = ClientFactory(ClientConfig(streaming=False)).create(card)
        try:
            async for _ in fresh.send_message(_request()):
                pass
        finally:
            await fresh.close()

    async def call_raw() -> None:
        async with raw_pool.session.post(url, data=body, headers=headers) as response:
            result = orjson.loads(await response.read())
        if "result" not in result:
            raise RuntimeError(f"raw call failed: {result}")

    async def call_client() -> None:
        await client.call(BenchAgent.name, "echo", PAYLOAD)

    fast: dict[str, Callable[[], Awaitable[None]]] = {
        "raw": call_raw,
        "pooled": call_pooled,
        "sdk_shared": call_sdk_shared,
        "a2a_client_call": call_client,
    }
    for call in [*fast.values(), call_sdk_per_call]:  # warm-up: connections, card, lazy paths
        await _time(call, 20, [])
    before = pool.stats.model_copy()
    latencies: dict[str, list[float]] = {name: [] for name in [*fast, "sdk_per_call"]}
    names = list(fast)
    every = max(1, calls // per_call)
    # Call by call, the modes take turns (starting from a different one each time), so noise
    # from other processes on the machine falls on every mode alike.
    for i in range(calls):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            await _time(fast[name], 1, latencies[name])
        if i % every == 0:
            await _time(call_sdk_per_call, 1, latencies["sdk_per_call"])
    after = pool.stats
    created, reused = after.created - before.created, after.reused - before.reused
    reuse_ratio = reused / (created + reused) if created + reused else 0.0

    first_events: list[float] = []
    transport = AiohttpJsonRpcTransport(pool, card, url)
    for _ in range(50):
        started = time.perf_counter()
        stream = transport.send_message_streaming(_request())
        await anext(stream)
        first_events.append(time.perf_counter() - started)
        async for _ in stream:
            pass

    await client.aclose()
    await shared_httpx.aclose()
    await pool.aclose()
    await raw_pool.aclose()

    results: dict[str, Any] = {name: _summary(values) for name, values in latencies.items()}
    results["reuse_ratio"] = round(reuse_ratio, 4)
    results["connections_after_warmup"] = {"created": created, "reused": reused}
    results["sse_first_event_ms"] = round(statistics.median(first_events) * 1000, 3)
    pooled_p50, raw_p50 = results["pooled"]["p50_ms"], results["raw"]["p50_ms"]
    results["pooled_vs_raw_p50"] = round(pooled_p50 / raw_p50, 3)
    results["sdk_shared_vs_pooled_p50"] = round(results["sdk_shared"]["p50_ms"] / pooled_p50, 3)
    results["goals"] = {
        "pooled_p50_within_1_2x_raw": results["pooled_vs_raw_p50"] <= 1.2,
        "reuse_ratio_at_least_0_99": reuse_ratio >= 0.99,
        "pooled_1_3x_faster_than_sdk_shared": results["sdk_shared_vs_pooled_p50"] >= 1.3,
    }
    return results


# ---------------------------------------------------------------- the mesh, end to end


def _corpus_briefs() -> list[str]:
    import yaml

    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["briefs"]
    return [entry["text"] for entry in entries]


async def _drive(
    make: Callable[[str], Awaitable[Any]], briefs: list[str], clients: int
) -> dict[str, Any]:
    """`clients` workers take briefs off one list until it is empty; wall time and latencies."""
    queue = iter(briefs)
    latencies: list[float] = []

    async def worker() -> None:
        for brief in queue:
            started = time.perf_counter()
            await make(brief)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - started
    ms = sorted(value * 1000 for value in latencies)
    return {
        "briefs": len(latencies),
        "clients": clients,
        "wall_s": round(wall, 3),
        "briefs_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_percentile(ms, 0.95), 1),
    }


def _cpu_seconds(members: list[Any]) -> dict[str, float]:
    """User + system CPU time of each agent process (Linux /proc; empty elsewhere)."""
    found = {}
    for member in members:
        try:
            fields = Path(f"/proc/{member.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        found[member.label] = ticks / os.sysconf("SC_CLK_TCK")
    return found


async def run_mesh(briefs: int = 80, clients: int = 8) -> dict[str, Any]:
    """Start the mesh (one process per agent, as `vidgen up`), drive it, stop it."""
    from a2a_mcp.client import CallOptions
    from a2a_mcp.observability import configure_logging
    from video_generator.app.launcher import MeshLauncher
    from video_generator.app.remote import make_remote
    from video_generator.app.runtime import build_orchestrator
    from video_generator.request import VideoRequest

    configure_logging("WARNING")  # the in-process half logs like the agents: warnings only
    texts = list(itertools.islice(itertools.cycle(_corpus_briefs()), briefs))
    warm_up = texts[: 2 * clients]
    environ = {**os.environ, "VG_LOG_LEVEL": "ERROR"}
    launcher = MeshLauncher(base_port=0, environ=environ, start_timeout_s=120)
    await launcher.start()
    pool = HttpPool(name="bench_mesh")
    settings = A2AClientSettings(health_interval_s=0)
    url = launcher.urls()["orchestrator"][0]
    try:

        async def remote(brief: str) -> Any:
            request = VideoRequest(brief=brief, no_cache=True)
            return await make_remote(
                request, url=url, pool=pool, settings=settings, options=CallOptions(timeout_s=120)
            )

        await _drive(remote, warm_up, clients)
        cpu_before = _cpu_seconds(launcher.members)
        mesh = await _drive(remote, texts, clients)
        cpu_after = _cpu_seconds(launcher.members)
        # Where the time goes: CPU seconds each agent process spent per brief.
        mesh["cpu_ms_per_brief"] = {
            label: round((cpu_after[label] - cpu_before[label]) * 1000 / len(texts), 1)
            for label in cpu_after
            if label in cpu_before
        }
    finally:
        await pool.aclose()
        await launcher.stop()

    orchestrator = build_orchestrator()

    async def local(brief: str) -> Any:
        return await orchestrator.run("make_video", VideoRequest(brief=brief, no_cache=True))

    await _drive(local, warm_up, clients)
    in_process = await _drive(local, texts, clients)
    return {
        "mesh": mesh,
        "in_process": in_process,
        "mesh_briefs_per_s": mesh["briefs_per_s"],
        "mesh_vs_in_process": round(mesh["briefs_per_s"] / in_process["briefs_per_s"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--calls", type=int, default=400, help="timed calls per fast mode")
    parser.add_argument("--per-call", type=int, default=40, help="timed calls of sdk_per_call")
    parser.add_argument("--mesh-briefs", type=int, default=80, help="briefs through the mesh")
    parser.add_argument("--clients", type=int, default=8, help="concurrent mesh clients")
    parser.add_argument(
        "--part", choices=("all", "transport", "mesh"), default="all", help="what to measure"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.part in ("all", "transport"):
        results.update(asyncio.run(run(args.calls, args.per_call)))
    if args.part in ("all", "mesh"):
        results.update(asyncio.run(run_mesh(args.mesh_briefs, args.clients)))
    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
        return
    if "mesh" in results:
        for name in ("mesh", "in_process"):
            row = results[name]
            print(
                f"{name:>16}  {row['briefs_per_s']:8.2f} briefs/s  p50 {row['p50_ms']:8.1f} ms  "
                f"p95 {row['p95_ms']:8.1f} ms  ({row['briefs']} briefs, {row['clients']} clients)"
            )
        print(f"mesh / in-process throughput: {results['mesh_vs_in_process']}")
        print(f"mesh CPU ms per brief: {results['mesh'].get('cpu_ms_per_brief')}")
    if "raw" not in results:
        return
    for name in ("raw", "pooled", "a2a_client_call", "sdk_shared", "sdk_per_call"):
        row = results[name]
        print(
            f"{name:>16}  p50 {row['p50_ms']:8.3f} ms  p95 {row['p95_ms']:8.3f} ms  "
            f"{row['rps']:8.1f} rps"
        )
    print(
        f"reuse ratio {results['reuse_ratio']}, SSE first event {results['sse_first_event_ms']} ms"
    )
    print(f"goals: {results['goals']}")


if __name__ == "__main__":
    main()
