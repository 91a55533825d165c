"""MCP layer benchmark: one tool call direct, through the SDK's in-memory client, and over
streamable HTTP on loopback, measured side by side in one run.

    python -m benchmarks.mcp [--json] [--calls N]

Two tools: `plan_video` (in-process work only: parse, plan; shows the protocol's cost) and
`make_video` for a brief already cached (what a repeated brief costs an assistant, the package
folder written each time). `direct` calls VidgenTools.run in this process; `memory` goes
through mcp.Client(server) (the 2026 per-request path, no JSON-RPC framing); `http` through
the streamable HTTP transport to a server on 127.0.0.1 in the same process (JSON-RPC, SSE).
Medians in milliseconds, and each transport's ratio to direct.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

BRIEF = "a 20 second TikTok about green tea for students"
ARGS: dict[str, dict[str, Any]] = {"plan_video": {"brief": BRIEF}, "make_video": {"brief": BRIEF}}


async def _median_ms(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    await call()  # warm: imports, the cache entry, the connection
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def run(calls: int) -> dict[str, Any]:
    from mcp import Client

    from a2a_mcp.mcp.http import McpHttpServer
    from video_generator.mcp_server.app import build_vidgen_server
    from video_generator.mcp_server.tools import VidgenTools

    server, close = build_vidgen_server()
    tools = VidgenTools()
    results: dict[str, Any] = {"calls": calls}
    try:
        async with (
            Client(server) as memory,
            McpHttpServer(server, port=0) as http,
            Client(http.url) as remote,
        ):
            for tool, arguments in ARGS.items():

                async def direct(tool: str = tool, arguments: dict = arguments) -> Any:
                    return await tools.run(tool, arguments)

                async def in_memory(tool: str = tool, arguments: dict = arguments) -> Any:
                    result = await memory.call_tool(tool, arguments)
                    assert not result.is_error, result.content

                async def over_http(tool: str = tool, arguments: dict = arguments) -> Any:
                    result = await remote.call_tool(tool, arguments)
                    assert not result.is_error, result.content

                row = {
                    "direct_ms": await _median_ms(direct, calls),
                    "memory_ms": await _median_ms(in_memory, calls),
                    "http_ms": await _median_ms(over_http, calls),
                }
                row["memory_ratio"] = row["memory_ms"] / row["direct_ms"]
                row["http_ratio"] = row["http_ms"] / row["direct_ms"]
                results[tool] = row
    finally:
        await tools.aclose()
        await close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--calls", type=int, default=30, help="timed calls per tool and path")
    args = parser.parse_args()
    from a2a_mcp.observability import configure_logging

    configure_logging("ERROR")
    with tempfile.TemporaryDirectory() as out:
        os.environ["VG_OUT_DIR"] = out
        results = asyncio.run(run(max(1, min(args.calls, 1000))))
    if args.json:
        sys.stdout.write(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    print(f"median of {results['calls']} calls (ms), and the ratio to a direct call")
    for tool in ARGS:
        row = results[tool]
        print(
            f"  {tool:<11} direct {row['direct_ms']:7.2f}  memory {row['memory_ms']:7.2f} "
            f"({row['memory_ratio']:.2f}x)  http {row['http_ms']:7.2f} ({row['http_ratio']:.2f}x)"
        )


if __name__ == "__main__":
    main()
