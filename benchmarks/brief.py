"""Brief parser benchmark: time per brief over the corpus, and for the longest briefs allowed.

    python -m benchmarks.brief [--json] [--reps N]

Measures parse_brief on every brief of tests/data/briefs.yaml (median, p95, max per brief)
and on 4,000-character briefs (the limit), in one run. `long_vs_median` compares the two
in the same run, so it does not depend on how fast the machine is.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import yaml

from video_generator.brief import MAX_BRIEF_CHARS, BriefError, parse_brief

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "briefs.yaml"


def _parse(text: str) -> None:
    try:
        parse_brief(text)
    except BriefError:
        pass


def _time_us(text: str, reps: int) -> float:
    """Median microseconds for one parse, over `reps` runs."""
    runs = []
    for _ in range(reps):
        start = time.perf_counter()
        _parse(text)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1e6


def run(reps: int) -> dict[str, object]:
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    texts = [entry["text"] for entry in corpus["briefs"]]
    for text in texts:  # warm the regex caches
        _parse(text)
    per_brief = sorted(_time_us(text, reps) for text in texts)
    joined = " ".join(texts)
    long_texts = {
        "corpus_joined": joined[:MAX_BRIEF_CHARS],
        "repeated_audience": ("for busy parents and " * 200)[:MAX_BRIEF_CHARS],
        "repeated_lists": ("cover a, " * 450)[:MAX_BRIEF_CHARS],
        "one_word": "a" * MAX_BRIEF_CHARS,
    }
    long_us = {name: _time_us(text, max(3, reps // 10)) for name, text in long_texts.items()}
    median = statistics.median(per_brief)
    return {
        "briefs": len(texts),
        "reps": reps,
        "median_us": round(median, 1),
        "p95_us": round(per_brief[int(0.95 * (len(per_brief) - 1))], 1),
        "max_us": round(per_brief[-1], 1),
        "long_us": {name: round(us, 1) for name, us in long_us.items()},
        "long_vs_median": round(max(long_us.values()) / median, 1),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.brief", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--reps", type=int, default=50, help="runs per brief (default 50)")
    args = parser.parse_args(argv)
    report = run(args.reps)
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{report['briefs']} briefs: median {report['median_us']} us, "
            f"p95 {report['p95_us']} us, max {report['max_us']} us"
        )
        for name, us in report["long_us"].items():  # type: ignore[attr-defined]
            print(f"  4,000 chars ({name}): {us} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
