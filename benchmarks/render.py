"""Preview render benchmark: seconds per platform and the realtime factor at draft resolution.

    python -m benchmarks.render [--json] [--lengths 30 60] [--full-res]

For each length, a TikTok brief goes through the embedded orchestrator, then render_package
renders the vertical cut alone (the issue's goal: a 60 s vertical preview faster than real
time on 2 cores) and then three vertical platforms at once (TikTok, Reels, Shorts; their
stills are shared). realtime_factor = seconds of video rendered per second of wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from a2a_mcp.observability import configure_logging
from video_generator.models import VideoRequest
from video_generator.render import render_package
from video_generator.render.tools import cpu_count, espeak_exe
from video_generator.runtime import build_orchestrator

TOPIC = "cold brew for busy parents, upbeat, end with 'link in bio'"


async def _package(seconds: int, platforms: str):
    orchestrator = build_orchestrator()
    try:
        brief = f"a {seconds} second {platforms} video about {TOPIC}"
        return await orchestrator.run("make_video", VideoRequest(brief=brief, no_cache=True))
    finally:
        await orchestrator.client.aclose()


async def _measure(seconds: int, full_res: bool) -> dict[str, object]:
    single = await _package(seconds, "TikTok")
    multi = await _package(seconds, "TikTok, Instagram Reels and YouTube Shorts")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        started = time.perf_counter()
        report = await render_package(single, Path(folder) / "one", full_res=full_res)
        one_wall = time.perf_counter() - started
        started = time.perf_counter()
        await render_package(multi, Path(folder) / "three", full_res=full_res)
        many_wall = time.perf_counter() - started
    video_s = single.cuts[0].duration_s
    many_video_s = sum(cut.duration_s for cut in multi.cuts)
    item = report.platforms[0]
    return {
        "cut_s": round(video_s, 2),
        "shots": len(single.cuts[0].shots),
        "size": f"{item.width}x{item.height}",
        "voice": item.voice,
        "preview_s_per_platform": round(one_wall, 2),
        "realtime_factor": round(video_s / one_wall, 2),
        "three_platforms_wall_s": round(many_wall, 2),
        "three_platforms_s_per_platform": round(many_wall / len(multi.cuts), 2),
        "three_platforms_realtime_factor": round(many_video_s / many_wall, 2),
    }


async def run(lengths: list[int], full_res: bool) -> dict[str, object]:
    await _measure(10, full_res)  # warm imports, fonts, the page cache for ffmpeg
    results = {f"{length}s": await _measure(length, full_res) for length in lengths}
    return {
        "resolution": "full" if full_res else "draft",
        "cuts": results,
        "cores": cpu_count(),
        "espeak_ng": espeak_exe() is not None,
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lengths", type=int, nargs="+", default=[30, 60])
    parser.add_argument("--full-res", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    result = asyncio.run(run(args.lengths, args.full_res))
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
