"""A loopback OpenAI-compatible server for the LLM engine's tests and benchmark.

It serves POST /v1/chat/completions (and Ollama's GET /api/tags) on 127.0.0.1, on a free
port, in its own thread, so both async tests and the synchronous CLI can use it. Every request
is recorded and its shape checked (path, bearer key, response_format with a strict schema,
system then user messages); `problems` lists what was wrong. Replies follow `plan`: one
behaviour per request, then `default`. A good reply is built from the request itself (segment
ids, word budgets, the CTA, the language), with STANDIN words a test can find in the package.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API_KEY = "sk-standin-not-a-real-key-77"
MARK = "standin"  # in every good narration and prompt: the package holds the stand-in's words
LOOK = "soft window light, 35 mm, warm grade"
_WORDS = {
    "en": "fact about the topic that you can use today and explain to a friend".split(),
    "es": "dato sobre el tema que puedes usar hoy y explicar a un amigo con calma".split(),
}
SCRIPT_KEYS = {"title", "segments", "call_to_action", "hashtags"}
STORYBOARD_KEYS = {"look", "characters", "scenes", "shots"}


@dataclass
class StandIn:
    """The server's state: what it was asked, and how it answers next."""

    api_key: str | None = None
    plan: list[str] = field(default_factory=list)
    default: str = "good"
    delay_s: float = 0.0  # before every answer (the benchmark's model time)
    structured: bool = True  # every request must ask for JSON (False: the old fragment pattern)
    models: list[str] = field(default_factory=lambda: ["standin-model"])
    requests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    url: str = ""  # http://127.0.0.1:<port>
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def texts(self) -> list[dict[str, Any]]:
        """The chat-completion requests (not probes)."""
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    # ------------------------------------------------------------ handlers

    async def tags(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, "headers": dict(request.headers)})
        return web.json_response({"models": [{"name": name} for name in self.models]})

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(
            {
                "path": request.path,
                "headers": dict(request.headers),
                "json": body,
                "at": time.monotonic(),
            }
        )
        self._check(request, body)
        behaviour = self.plan.pop(0) if self.plan else self.default
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if behaviour == "slow":
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 10)
            behaviour = "good"
        if behaviour == "401":
            return web.json_response({"error": {"message": "Incorrect API key"}}, status=401)
        if behaviour.startswith("429"):
            wait = behaviour.partition(":")[2] or "1"
            return web.json_response(
                {"error": {"message": "rate limited"}}, status=429, headers={"Retry-After": wait}
            )
        if behaviour == "500":
            return web.json_response({"error": {"message": "overloaded"}}, status=500)
        if behaviour == "html":
            return web.Response(text="<html><body>Welcome</body></html>", content_type="text/html")
        if behaviour == "no_schema_support" and "response_format" in body:
            if body["response_format"].get("type") == "json_schema":
                return web.json_response(
                    {"error": {"message": "response_format json_schema is not supported"}},
                    status=400,
                )
            behaviour = "good"
        if "response_format" not in body:  # a plain text request (the old fragment pattern)
            return web.json_response(_plain_completion(body))
        kind = "storyboard" if _is_storyboard(body) else "script"
        reply = self._reply(kind, behaviour, body)
        finish = "length" if behaviour == "length" else "stop"
        return web.json_response(
            {
                "id": "chatcmpl-standin",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": finish,
                        "message": {"role": "assistant", "content": reply},
                    }
                ],
            }
        )

    def _check(self, request: web.Request, body: dict[str, Any]) -> None:
        if request.path != "/v1/chat/completions":
            self.problems.append(f"path {request.path}")
        auth = request.headers.get("Authorization")
        wanted = f"Bearer {self.api_key}" if self.api_key else None
        if auth != wanted:
            self.problems.append(f"Authorization {auth!r}, wanted {wanted!r}")
        messages = body.get("messages") or []
        roles = [m.get("role") for m in messages]
        if roles[:2] != ["system", "user"] or not all(m.get("content") for m in messages):
            self.problems.append(f"messages {roles}")
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            schema = fmt.get("json_schema", {})
            document = schema.get("schema", {})
            keys = set(document.get("properties", {}))
            if schema.get("strict") is not True or keys not in (SCRIPT_KEYS, STORYBOARD_KEYS):
                self.problems.append(f"response_format {str(fmt)[:200]}")
            if document.get("additionalProperties") is not False:
                self.problems.append("schema allows extra properties")
        elif fmt.get("type") != "json_object" and self.structured:
            self.problems.append(f"response_format {fmt!r}")
        if not isinstance(body.get("model"), str):
            self.problems.append("no model")

    # ------------------------------------------------------------ replies

    def _reply(self, kind: str, behaviour: str, body: dict[str, Any]) -> str:
        prompt = body["messages"][1]["content"]
        if behaviour == "invalid_json":
            return '{"title": "Cold brew", "segments": [ oops'
        if behaviour == "length":
            return '{"title": "Cold brew", "segments": [{"id": "seg-01", "narr'
        if kind == "storyboard":
            return json.dumps(_storyboard(prompt))
        language = "en" if behaviour == "wrong_language" else _language(prompt)
        script = _script(prompt, language, over=behaviour == "over_budget")
        text = json.dumps(script, ensure_ascii=False)
        if behaviour == "think":
            return f"<think>The user wants a script. Budget first.</think>\n```json\n{text}\n```"
        return text


def _plain_completion(body: dict[str, Any]) -> dict[str, Any]:
    """A rewrite of the request's draft as long as the draft (as a rewriting model would)."""
    draft = body["messages"][-1]["content"].rpartition("Draft: ")[2]
    message = {"role": "assistant", "content": draft or f"{MARK} text."}
    return {"choices": [{"index": 0, "finish_reason": "stop", "message": message}]}


def _is_storyboard(body: dict[str, Any]) -> bool:
    return "Design the shots" in body["messages"][1]["content"]


def _language(prompt: str) -> str:
    found = re.search(r"in [A-Za-z]+ \(([a-z]{2})[^)]*\)\.", prompt)
    return found.group(1) if found and found.group(1) in _WORDS else "en"


def _words(n: int, language: str, start: int) -> str:
    pool = _WORDS[language]
    words = [MARK] + [pool[(start + i) % len(pool)] for i in range(max(0, n - 1))]
    return " ".join(words)


def _script(prompt: str, language: str, *, over: bool = False) -> dict[str, Any]:
    segments = []
    lines = re.findall(r"^- (seg-\d+) \((\w+)\): about (\d+) words, at most (\d+)", prompt, re.M)
    cta = re.search(r'word for word: "([^"]+)"', prompt)
    topic = re.search(r"^Topic: (.+)$", prompt, re.M)
    for n, (seg_id, seg_type, about, _most) in enumerate(lines):
        words = int(about) * (3 if over else 1)
        narration = _words(max(2, words - (4 if cta and seg_type == "cta" else 0)), language, n)
        if n == 1 and topic and language == "en":  # a model names its topic (the content gate)
            narration = f"{narration} {topic.group(1)}"
        if seg_type == "cta" and cta:
            narration = f"{narration}, {cta.group(1)}"
        segments.append(
            {"id": seg_id, "narration": narration + ".", "on_screen_text": f"{MARK} {n + 1}"}
        )
    return {
        "title": f"The {MARK} guide",
        "segments": segments,
        "call_to_action": cta.group(1) if cta else "Follow for more",
        "hashtags": [f"#{MARK}", "#coldbrew"],
    }


def _storyboard(prompt: str) -> dict[str, Any]:
    scenes = [s for line in re.findall(r"^  scenes: (.*)$", prompt, re.M) for s in line.split(", ")]
    shots = re.findall(r"^  - (\S+) in (scene-\d+):", prompt, re.M)
    return {
        "look": LOOK,
        "characters": [{"name": "Maya", "description": "a parent in a green apron"}],
        "scenes": [{"id": s, "title": f"{MARK} scene {s}"} for s in scenes if s],
        "shots": [
            {
                "id": shot_id,
                "subject": f"Maya, a parent in a green apron ({MARK})",
                "action": "pours cold brew over ice",
                "setting": "a sunny kitchen",
                "prompt": f"Maya, a parent in a green apron, pours cold brew over ice in a "
                f"sunny kitchen, {MARK} shot",
                "motion_prompt": "slow push in",
                "negative_prompt": "blurry, text, watermark",
            }
            for shot_id, _ in shots
        ],
    }


@contextmanager
def running(standin: StandIn | None = None) -> Iterator[StandIn]:
    """Serve a stand-in on 127.0.0.1 (free port) in a thread; stopped on exit."""
    server = standin or StandIn()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", server.chat)
        app.router.add_get("/api/tags", server.tags)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        holder["runner"] = runner
        server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="llm-standin", daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield server
    finally:
        server.release.set()
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
