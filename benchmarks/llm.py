"""Text requests and wall time per brief: the old fragment engine vs one structured call per agent.

    python -m benchmarks.llm [--json] [--delay-ms 300]

A loopback OpenAI-compatible stand-in (tests/llm/llm_standin.py) answers every request after a
fixed delay, the model's time. For each brief the script writer and the scene designer run as
the workflow runs them (script, then storyboard): once with the old request pattern (one
request per text fragment, four at a time; kept here as a small copy, `FragmentEngine`, since
the engine itself is gone) and once with the LLM engine (one structured call per agent). Also
timed: a reply that needs its repair round, and how long a refused connection takes to be an
error. Numbers go to docs/benchmarks-llm.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from a2a_mcp.agent import no_progress
from a2a_mcp.observability import configure_logging
from llm_standin import StandIn, running
from video_generator.agents.scene_designer import SceneDesigner
from video_generator.agents.script_writer import ScriptWriter
from video_generator.brief import parse_brief
from video_generator.core.models import ScriptRequest, StoryboardRequest
from video_generator.engines import ChatClient, EngineError, LLMEngine, TemplateEngine
from video_generator.engines.base import TextTask

BRIEFS = (
    "a 30 second TikTok about cold brew for busy parents, end with 'link in bio'",
    "60 second YouTube Short explaining compound interest to teenagers",
    "a 3 minute YouTube video on how vaccines train the immune system",
)


class FragmentEngine(TemplateEngine):
    """The old LLM engine's request pattern: every text fragment is its own chat request."""

    id = "fragments"

    def __init__(self, session: aiohttp.ClientSession, url: str, concurrency: int = 4) -> None:
        self.session, self.url = session, url
        self.requests = 0
        self._limit = asyncio.Semaphore(concurrency)

    async def write(self, task: TextTask) -> str:
        draft = task.draft()
        body = {
            "model": "standin-model",
            "messages": [
                {"role": "system", "content": "Reply with the finished text only."},
                {"role": "user", "content": f"Task: {task.kind.value}\nDraft: {draft}"},
            ],
            "temperature": 0,
            "seed": 1,
        }
        async with self._limit, self.session.post(self.url, json=body) as response:
            self.requests += 1
            reply = (await response.json())["choices"][0]["message"]["content"]
        return reply if task.fits(reply) else draft

    async def write_many(self, tasks: Sequence[TextTask]) -> list[str]:
        return list(await asyncio.gather(*(self.write(task) for task in tasks)))


async def _text_of_brief(engine: Any, brief_text: str) -> dict[str, Any]:
    brief = parse_brief(brief_text)
    started = time.perf_counter()
    script = await ScriptWriter(engine=engine).write_script(ScriptRequest(brief=brief), no_progress)
    board = await SceneDesigner(engine=engine).design_storyboard(
        StoryboardRequest(brief=brief, script=script), no_progress
    )
    return {
        "wall_s": round(time.perf_counter() - started, 3),
        "shots": len(board.shots()),
        "llm_wrote": script.origin.engine == "llm" and board.origin.engine == "llm",
    }


async def _old(server: StandIn, brief: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        engine = FragmentEngine(session, f"{server.base_url}/chat/completions")
        result = await _text_of_brief(engine, brief)
    return {**result, "requests": engine.requests}


async def _new(server: StandIn, brief: str) -> dict[str, Any]:
    client = ChatClient(base_url=server.base_url, model="standin-model", timeout_s=60)
    try:
        result = await _text_of_brief(LLMEngine(client), brief)
    finally:
        await client.aclose()
    return {**result, "requests": client.requests}


async def _refused_s() -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ChatClient(base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout_s=120)
    started = time.perf_counter()
    try:
        await client.complete([{"role": "user", "content": "x"}])
    except EngineError:
        pass
    finally:
        await client.aclose()
    return round(time.perf_counter() - started, 4)


async def run(delay_s: float) -> dict[str, Any]:
    rows = []
    with running(StandIn(delay_s=delay_s, structured=False)) as server:
        for brief in BRIEFS:
            old = await _old(server, brief)
            new = await _new(server, brief)
            rows.append(
                {
                    "brief": brief,
                    "shots": new["shots"],
                    "old": {"requests": old["requests"], "wall_s": old["wall_s"]},
                    "new": {"requests": new["requests"], "wall_s": new["wall_s"]},
                    "new_wrote_text": new["llm_wrote"],
                    "requests_ratio": round(old["requests"] / new["requests"], 1),
                    "wall_ratio": round(old["wall_s"] / new["wall_s"], 2),
                }
            )
        server.plan = ["over_budget"]
        repair = await _new(server, BRIEFS[0])
    return {
        "delay_ms": round(delay_s * 1000),
        "briefs": rows,
        "with_repair": {"requests": repair["requests"], "wall_s": repair["wall_s"]},
        "refused_error_s": await _refused_s(),
    }


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"stand-in delay {result['delay_ms']} ms per reply",
        f"{'brief':<70} {'shots':>5} {'old req':>8} {'new req':>8} {'old s':>7} {'new s':>7}",
    ]
    for row in result["briefs"]:
        lines.append(
            f"{row['brief'][:70]:<70} {row['shots']:>5} {row['old']['requests']:>8} "
            f"{row['new']['requests']:>8} {row['old']['wall_s']:>7.2f} {row['new']['wall_s']:>7.2f}"
        )
    repair = result["with_repair"]
    lines.append(f"with a repair round: {repair['requests']} requests, {repair['wall_s']:.2f} s")
    lines.append(f"connection refused -> error in {result['refused_error_s'] * 1000:.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.llm", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--delay-ms", type=float, default=300.0, help="the stand-in's reply delay")
    args = parser.parse_args(argv)
    configure_logging("ERROR")
    result = asyncio.run(run(args.delay_ms / 1000))
    print(json.dumps(result, indent=2) if args.json else _table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
