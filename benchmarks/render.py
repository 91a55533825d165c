"""Preview render benchmark: seconds per platform and the realtime factor at draft resolution.

    python -m benchmarks.render [--json] [--lengths 30 60] [--full-res]

For each length, a TikTok brief goes through the embedded orchestrator, then render_package
renders the vertical cut alone (the issue's goal: a 60 s vertical preview faster than real
time on 2 cores) and then three vertical platforms at once (TikTok, Reels, Shorts; their
stills are shared). realtime_factor = seconds of video rendered per second of wall time.
Both use the default voice (Piper when installed) and word captions.

`media_music_60s`: the 60 s vertical cut with every shot from a folder of local media (clips
and photos, made here with ffmpeg), the Piper voice, word captions and a music bed ducked
under the voice: the creator's full offline path. Piper's per-process speech cache is cleared
before every render, so no render reuses another's synthesis.
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
from video_generator.app.runtime import build_orchestrator
from video_generator.render import render_package, speech
from video_generator.render.options import RenderOptions
from video_generator.render.tools import cpu_count, espeak_exe, ffmpeg_exe, run_tool
from video_generator.render.voices import piper_voices
from video_generator.request import VideoRequest

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
        speech._SPOKEN.clear()
        started = time.perf_counter()
        report = await render_package(single, Path(folder) / "one", full_res=full_res)
        one_wall = time.perf_counter() - started
        speech._SPOKEN.clear()
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
        "voice_name": item.voice_name,
        "preview_s_per_platform": round(one_wall, 2),
        "realtime_factor": round(video_s / one_wall, 2),
        "three_platforms_wall_s": round(many_wall, 2),
        "three_platforms_s_per_platform": round(many_wall / len(multi.cuts), 2),
        "three_platforms_realtime_factor": round(many_video_s / many_wall, 2),
    }


async def _ffmpeg(*args: str) -> None:
    await run_tool(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args],
        step="bench media",
        platform=None,
        timeout_s=120,
    )


async def _media_folder(folder: Path) -> tuple[Path, Path]:
    """Six 4 s clips (portrait and landscape, 30 fps H.264), six photos, and 40 s of music."""
    media = folder / "media"
    media.mkdir(parents=True)
    for n in range(6):
        size = "720x1280" if n % 2 == 0 else "1280x720"
        await _ffmpeg(
            *("-f", "lavfi", "-i", f"testsrc2=s={size}:d=4:r=30"),
            *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"),
            str(media / f"clip-{n}.mp4"),
        )
        await _ffmpeg(
            *("-f", "lavfi", "-i", f"gradients=s=1600x1200:n={2 + n}:seed={n}"),
            *("-frames:v", "1"),
            str(media / f"photo-{n}.png"),
        )
    music = folder / "music.mp3"
    await _ffmpeg(
        *("-f", "lavfi", "-i", "sine=f=196:d=40,volume=0.3"),
        *("-f", "lavfi", "-i", "anoisesrc=d=40:a=0.04:c=pink"),
        *("-filter_complex", "[0][1]amix=2,pan=stereo|c0=c0|c1=c0", str(music)),
    )
    return media, music


async def _measure_media(seconds: int) -> dict[str, object]:
    pkg = await _package(seconds, "TikTok")
    with tempfile.TemporaryDirectory(prefix="bench-media-") as folder:
        media, music = await _media_folder(Path(folder))
        options = RenderOptions(media=media, music=music, stock=False)
        speech._SPOKEN.clear()
        started = time.perf_counter()
        report = await render_package(pkg, Path(folder) / "out", options=options)
        wall = time.perf_counter() - started
    item = report.platforms[0]
    video_s = pkg.cuts[0].duration_s
    return {
        "cut_s": round(video_s, 2),
        "shots": len(pkg.cuts[0].shots),
        "clips": sum(1 for s in item.shots if s.kind == "clip"),
        "photos": sum(1 for s in item.shots if s.kind == "still"),
        "size": f"{item.width}x{item.height}",
        "voice_name": item.voice_name,
        "word_timing": item.word_timing,
        "loudness_lufs": item.loudness_lufs,
        "true_peak_dbtp": item.true_peak_dbtp,
        "preview_s": round(wall, 2),
        "realtime_factor": round(video_s / wall, 2),
    }


async def run(lengths: list[int], full_res: bool) -> dict[str, object]:
    await _measure(10, full_res)  # warm imports, fonts, the Piper model, ffmpeg's page cache
    results = {f"{length}s": await _measure(length, full_res) for length in lengths}
    return {
        "resolution": "full" if full_res else "draft",
        "cuts": results,
        "media_music_60s": await _measure_media(60),
        "piper": bool(piper_voices()),
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
