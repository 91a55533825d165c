"""How honest the offline draft is over the brief corpus, and what a creator's script costs.

    python -m benchmarks.drafts --json

Prints, over every corpus brief (tests/data/briefs.yaml): the share of narration lines marked
as drafts (with and without key points), briefs whose narration names the topic, briefs that
carry a health/money/legal notice; then the wall time of one package made from a brief, from
a creator's script, and re-made from an edited script, side by side (ratios, not absolutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import yaml

from a2a_mcp.observability import configure_logging
from video_generator.app.runtime import build_orchestrator
from video_generator.brief.script_file import parse_script, split_sentences
from video_generator.request import VideoRequest

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "briefs.yaml"
SCRIPT = """# Why cats purr
## Hook
Ever wondered why your cat purrs?
## Where it comes from
Purring comes from the muscles of the larynx, which twitch many times a second while the cat
breathes in and out.
## Not only happiness
Cats purr when content, and also when stressed or hurt, so watch the rest of the body too.
## Call to action
Follow for more about cats.
"""


async def _honesty() -> dict[str, object]:
    orchestrator = build_orchestrator()
    briefs = [b["text"] for b in yaml.safe_load(CORPUS.read_text())["briefs"]]
    with_points: list[float] = []
    without: list[float] = []
    named = notices = 0
    for text in briefs:
        package = await orchestrator.run("make_video", VideoRequest(brief=text, no_cache=True))
        script = package.script
        lines = sum(len(split_sentences(s.narration)) for s in script.segments)
        drafts = sum(len(s.draft_lines) for s in script.segments)
        (with_points if package.brief.key_points else without).append(drafts / max(1, lines))
        gate = next(g for g in package.quality.gates if g.gate == "narration_names_topic")
        named += gate.passed
        notices += any("advice:" in s.narration for s in script.segments)
    await orchestrator.client.aclose()
    return {
        "briefs": len(briefs),
        "draft_share_with_key_points": round(statistics.mean(with_points), 3),
        "draft_share_without_key_points": round(statistics.mean(without), 3),
        "narration_names_topic": named,
        "with_health_money_legal_notice": notices,
    }


async def _timings(rounds: int) -> dict[str, object]:
    orchestrator = build_orchestrator()
    source = parse_script(SCRIPT).source
    edited = source.model_copy(
        update={
            "segments": [
                source.segments[0].model_copy(update={"narration": "Why do cats purr at all?"}),
                *source.segments[1:],
            ]
        }
    )
    cases = {
        "brief": VideoRequest(brief="a 30 second TikTok about why cats purr", no_cache=True),
        "script": VideoRequest(brief="a TikTok", script=source, no_cache=True),
        "edited_script": VideoRequest(brief="a TikTok", script=edited, no_cache=True),
    }
    best: dict[str, float] = {}
    for name, request in cases.items():
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            await orchestrator.run("make_video", request)
            times.append(time.perf_counter() - started)
        best[name] = min(times)
    await orchestrator.client.aclose()
    return {
        "ms": {k: round(v * 1000, 2) for k, v in best.items()},
        "script_vs_brief": round(best["script"] / best["brief"], 2),
        "edited_vs_brief": round(best["edited_script"] / best["brief"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON (the default)")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    configure_logging("WARNING")
    result = {
        "offline_draft": asyncio.run(_honesty()),
        "make": asyncio.run(_timings(args.rounds)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
