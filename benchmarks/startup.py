"""CLI start-up benchmark: how long `vidgen` takes before it does anything, per command.

    python -m benchmarks.startup [--json] [--runs N]

Runs each command N times in a fresh interpreter (interleaved, so machine noise hits them
alike) and reports the median and minimum wall time, and how many modules the command
imported. `python -c pass` is the floor every command pays; read the ratios to it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import orjson

COMMANDS: dict[str, list[str]] = {
    "python": [],
    "help": ["vidgen", "--help"],
    "platforms": ["vidgen", "platforms"],
    "plan": ["vidgen", "plan"],
    "make_refused": ["vidgen", "make", ""],
}


def _run(argv: list[str]) -> float:
    code = (
        "pass"
        if not argv
        else "import sys\nfrom video_generator.cli import main\n"
        f"sys.argv = {argv!r}\ntry:\n    main(sys.argv[1:])\nexcept BaseException:\n    pass"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=120)
    return time.perf_counter() - started


def _modules(argv: list[str]) -> int:
    code = (
        "import sys, io, contextlib\nfrom video_generator.cli import main\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        f"    try:\n        main({argv[1:]!r})\n    except BaseException:\n        pass\n"
        "print(len(sys.modules))"
        if argv
        else "import sys; print(len(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            times[name].append(_run(argv))
    floor = statistics.median(times["python"])
    results = {
        name: {
            "median_s": round(statistics.median(found), 3),
            "min_s": round(min(found), 3),
            "vs_python": round(statistics.median(found) / floor, 1),
            "modules": _modules(COMMANDS[name]),
        }
        for name, found in times.items()
    }
    if args.json:
        sys.stdout.write(orjson.dumps({"runs": args.runs, "commands": results}).decode() + "\n")
        return
    print(f"{'command':<14} {'median':>8} {'min':>8} {'x python':>9} {'modules':>8}")
    for name, row in results.items():
        print(
            f"{name:<14} {row['median_s']:>7.3f}s {row['min_s']:>7.3f}s "
            f"{row['vs_python']:>8.1f}x {row['modules']:>8}"
        )


if __name__ == "__main__":
    main()
