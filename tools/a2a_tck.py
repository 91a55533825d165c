"""Run the A2A TCK (https://github.com/a2aproject/a2a-tck, branch 1.0-dev) against our agents.

    git clone -b 1.0-dev https://github.com/a2aproject/a2a-tck ~/a2a-tck
    (cd ~/a2a-tck && python3 -m venv .venv && .venv/bin/pip install -e .)
    .venv/bin/python tools/a2a_tck.py --tck ~/a2a-tck [--agents orchestrator,scene_designer]
                                      [--json] [--keep-reports DIR]

Starts the mesh on free loopback ports (as `vidgen up` does, tasks and files in a temporary
folder), runs the TCK's own runner against each chosen agent over JSON-RPC and HTTP+JSON, and
prints the requirement counts per TCK category and RFC 2119 level. A failed requirement whose
tests drive the agent through a TCK scenario (a messageId prefix such as `tck-input-required`
that asks the agent under test for a behaviour of the TCK's choosing) is counted apart: our
agents do real work, they do not act out scenarios. Fetches nothing: the TCK is the user's.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# What the TCK's scenarios ask of the agent under test (scenarios/*.feature in the TCK).
SCENARIO_HOOK = re.compile(
    r"input[-_]required|artifact[-_](text|file|data)|message[-_]response|reject[-_]task|"
    r"stream-0\d\d|stream[-_]artifact|stream[-_]ordering|resubscribe"
)


def _function_source(tck: Path, test_id: str) -> str:
    """The source of one TCK test function (path::Class::test[param])."""
    parts = test_id.split("::")
    path = tck / parts[0]
    name = parts[-1].split("[")[0]
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return ast.get_source_segment(path.read_text(), node) or ""
    return ""


# The TCK's setup helpers report this when the agent did not act out the scenario they sent.
SETUP_MISSED = re.compile(r"_task_helpers\.py|Follow-up send_message failed")


def needs_scenario(tck: Path, requirement: dict[str, Any]) -> bool:
    if any(SETUP_MISSED.search(error) for error in requirement["errors"]):
        return True
    return any(SCENARIO_HOOK.search(_function_source(tck, t)) for t in requirement["test_ids"])


def category(test_id: str) -> str:
    """tests/compatibility/<category>/... -> <category>."""
    parts = Path(test_id.split("::")[0]).parts
    return parts[2] if len(parts) > 3 else "other"


def summarise(tck: Path, report: dict[str, Any]) -> dict[str, Any]:
    """Counts per category and level, the failures split by whether they need a scenario."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    failures: list[dict[str, Any]] = []
    for rid, requirement in sorted(report["per_requirement"].items()):
        status = requirement["status"]
        if status == "NOT TESTED" or not requirement["test_ids"]:
            continue
        where = category(requirement["test_ids"][0])
        counts[f"{where}/{requirement['level']}"][status] += 1
        if status == "FAIL":
            failures.append(
                {
                    "requirement": rid,
                    "level": requirement["level"],
                    "category": where,
                    "scenario_hook": needs_scenario(tck, requirement),
                    "transports": requirement["transports"],
                    "error": (requirement["errors"] or [""])[0][:300],
                }
            )
    return {
        "summary": report["summary"],
        "counts": {key: dict(value) for key, value in sorted(counts.items())},
        "must_failures_without_scenario": [
            f["requirement"] for f in failures if f["level"] == "MUST" and not f["scenario_hook"]
        ],
        "failures": failures,
    }


def run_tck(tck: Path, python: str, url: str, reports: Path) -> dict[str, Any]:
    """The TCK's runner against `url`; returns its compatibility report."""
    shutil.rmtree(tck / "reports", ignore_errors=True)
    command = [python, "run_tck.py", "--sut-host", url, "--transport", "jsonrpc,http_json"]
    done = subprocess.run(
        [*command, "--", "-p", "no:cacheprovider"],
        cwd=tck,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    found = tck / "reports" / "compatibility.json"
    if not found.is_file():
        raise SystemExit(f"the TCK wrote no report; its output ended:\n{done.stdout[-3000:]}")
    reports.mkdir(parents=True, exist_ok=True)
    for item in (tck / "reports").iterdir():
        shutil.copy(item, reports / item.name)
    (reports / "pytest.txt").write_text(done.stdout + done.stderr)
    return json.loads(found.read_text())


async def _with_mesh(agents: list[str], work: Path, run: Any) -> dict[str, Any]:
    from video_generator.app.launcher import MeshLauncher

    environ = {**os.environ, "VG_OUT_DIR": str(work / "out"), "VG_LOG_LEVEL": "ERROR"}
    launcher = MeshLauncher(base_port=0, environ=environ, start_timeout_s=180)
    await launcher.start()
    try:
        urls = launcher.urls()
        return {name: await asyncio.to_thread(run, name, urls[name][0]) for name in agents}
    finally:
        await launcher.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/a2a_tck.py", description=__doc__.split("\n")[0])
    parser.add_argument("--tck", type=Path, required=True, help="your a2a-tck clone (1.0-dev)")
    parser.add_argument("--tck-python", help="its Python (default: <tck>/.venv/bin/python)")
    parser.add_argument("--agents", default="orchestrator,scene_designer")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep-reports", type=Path, help="copy the TCK's reports here")
    args = parser.parse_args(argv)
    tck = args.tck.expanduser().resolve()
    if not (tck / "run_tck.py").is_file():
        print(f"error: {tck} is not an a2a-tck clone (no run_tck.py)", file=sys.stderr)
        return 2
    python = args.tck_python or str(tck / ".venv" / "bin" / "python")
    if not Path(python).exists():
        print(f"error: no Python at {python}; pass --tck-python", file=sys.stderr)
        return 2
    agents = [name.strip() for name in args.agents.split(",") if name.strip()]
    with tempfile.TemporaryDirectory(prefix="vg-tck-") as folder:
        work = Path(folder)
        reports = args.keep_reports or work / "reports"

        def one(name: str, url: str) -> dict[str, Any]:
            return summarise(tck, run_tck(tck, python, url, reports / name))

        results = asyncio.run(_with_mesh(agents, work, one))
    commit = subprocess.run(
        ["git", "-C", str(tck), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    output = {"tck_commit": commit, "agents": results}
    if args.json:
        print(json.dumps(output, indent=2))
        return 0
    for name, result in results.items():
        print(f"== {name}: {result['summary'].get('must_compatibility')} of MUST requirements")
        for key, counted in result["counts"].items():
            print(f"  {key:40} " + "  ".join(f"{k.lower()} {v}" for k, v in counted.items()))
        for failure in result["failures"]:
            hook = " (needs a TCK scenario)" if failure["scenario_hook"] else ""
            print(f"  FAIL {failure['level']} {failure['requirement']}{hook}: {failure['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
