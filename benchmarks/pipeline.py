"""Pipeline benchmark: in-process briefs per second and latency, end to end (brief -> package).

    python -m benchmarks.pipeline [--json] [--briefs N] [--rounds R]

Runs a fixed set of briefs (the first N of tests/data/briefs.yaml) through the embedded
orchestrator with the cache bypassed, so every run computes every node; then the same briefs
again with the cache on, to show what a repeated brief costs. One process, one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import yaml

from a2a_mcp.observability import configure_logging
from video_generator.app.runtime import build_orchestrator
from video_generator.request import VideoRequest

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "briefs.yaml"


def fixed_briefs(count: int) -> list[str]:
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [entry["text"] for entry in corpus["briefs"][:count]]


async def _timed_runs(briefs: list[str], rounds: int, no_cache: bool) -> tuple[list[float], float]:
    orchestrator = build_orchestrator()
    latencies = []
    started = time.perf_counter()
    for _ in range(rounds):
        for text in briefs:
            begin = time.perf_counter()
            package = await orchestrator.run(
                "make_video", VideoRequest(brief=text, no_cache=no_cache)
            )
            latencies.append((time.perf_counter() - begin) * 1000)
            assert package.cuts
    return latencies, time.perf_counter() - started


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(count: int, rounds: int) -> dict[str, object]:
    briefs = fixed_briefs(count)
    await _timed_runs(briefs[:3], 1, no_cache=True)  # warm imports, templates, regexes
    cold, cold_wall = await _timed_runs(briefs, rounds, no_cache=True)
    warm, _ = await _timed_runs(briefs, rounds, no_cache=False)
    return {
        "briefs": len(briefs),
        "runs": len(cold),
        "briefs_per_s": round(len(cold) / cold_wall, 2),
        "p50_ms": round(statistics.median(cold), 2),
        "p95_ms": round(_percentile(cold, 0.95), 2),
        "cached_p50_ms": round(statistics.median(warm), 3),
        "cached_speedup": round(statistics.median(cold) / statistics.median(warm), 1),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--briefs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    result = asyncio.run(run(args.briefs, args.rounds))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
