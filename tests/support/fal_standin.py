"""A stand-in of fal.ai's queue API, storage upload and media host, on loopback (aiohttp.web).

It checks what it receives as fal would: the path, `Authorization: Key <key>`, and each
endpoint's input (required fields, allowed durations and aspects, no unknown fields), and
answers in fal's shapes: 422 `{"detail": [{"loc", "msg", "type"}]}`, 401/403, 429 with
Retry-After, 503/504 with `error_type`, IN_QUEUE with queue_position, IN_PROGRESS with logs,
COMPLETED with a video URL it serves itself, and PUT cancel. Faults are scripted per call kind.

The input rules are written here from fal's model pages (https://fal.ai/models/<endpoint id>),
independently of the registry in src/, so a registry mistake shows up as a 422 from the stand-in.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

KEY = "test-key-id:test-key-secret"
BROKE_KEY = "broke-key:no-money"
CDN_TOKEN = "cdn-token-42"
KEYFRAME_COLOUR = (200, 30, 200)  # the stand-in's FLUX pictures are all this magenta

_KLING_D = {"5", "10"}
_HAILUO_D = {"6", "10"}
_VEO_D = {"4s", "6s", "8s"}
_VEO_FIELDS = {
    "prompt",
    "aspect_ratio",
    "duration",
    "negative_prompt",
    "enhance_prompt",
    "seed",
    "auto_fix",
    "resolution",
    "generate_audio",
}


@dataclass(frozen=True)
class Rules:
    """What one endpoint takes: required and allowed fields, and allowed values."""

    required: frozenset[str]
    allowed: frozenset[str]
    values: dict[str, set[Any]] = field(default_factory=dict)


def _rules(required: set[str], allowed: set[str], **values: set[Any]) -> Rules:
    return Rules(frozenset(required), frozenset(allowed | required), values)


_KLING_I2V = {"prompt", "image_url", "duration", "negative_prompt", "cfg_scale"}

ENDPOINTS: dict[str, Rules] = {
    "fal-ai/kling-video/v2.1/standard/image-to-video": _rules(
        {"prompt", "image_url"}, _KLING_I2V, duration=_KLING_D
    ),
    "fal-ai/kling-video/v2.1/pro/image-to-video": _rules(
        {"prompt", "image_url"}, _KLING_I2V | {"tail_image_url"}, duration=_KLING_D
    ),
    "fal-ai/kling-video/v2.1/master/text-to-video": _rules(
        {"prompt", "duration", "aspect_ratio"},
        {"negative_prompt", "cfg_scale"},
        duration=_KLING_D,
        aspect_ratio={"16:9", "9:16", "1:1"},
    ),
    "fal-ai/minimax/hailuo-02/standard/text-to-video": _rules(
        {"prompt"},
        {"duration", "prompt_optimizer", "resolution"},
        duration=_HAILUO_D,
        resolution={"768P", "512P"},
    ),
    "fal-ai/minimax/hailuo-02/standard/image-to-video": _rules(
        {"prompt", "image_url"},
        {"duration", "prompt_optimizer", "resolution", "end_image_url"},
        duration=_HAILUO_D,
        resolution={"768P", "512P"},
    ),
    "fal-ai/minimax/hailuo-02/pro/text-to-video": _rules(
        {"prompt"}, {"duration", "prompt_optimizer"}, duration={"6"}
    ),
    "fal-ai/minimax/hailuo-02/pro/image-to-video": _rules(
        {"prompt", "image_url"},
        {"duration", "prompt_optimizer", "end_image_url"},
        duration={"6"},
    ),
    "fal-ai/veo3": _rules(
        {"prompt"},
        _VEO_FIELDS,
        duration=_VEO_D,
        aspect_ratio={"16:9", "9:16"},
        resolution={"720p", "1080p"},
        generate_audio={False, True},
    ),
    "fal-ai/flux/schnell": _rules(
        {"prompt"},
        {
            "image_size",
            "num_inference_steps",
            "seed",
            "num_images",
            "enable_safety_checker",
            "output_format",
            "sync_mode",
        },
        num_inference_steps={1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
        output_format={"jpeg", "png"},
    ),
    "fal-ai/veo3/fast": _rules(
        {"prompt"},
        _VEO_FIELDS,
        duration=_VEO_D,
        aspect_ratio={"16:9", "9:16"},
        resolution={"720p", "1080p"},
        generate_audio={False, True},
    ),
}


def validate(endpoint: str, body: Any) -> list[dict[str, Any]]:
    """fal-style field errors for a submit body (empty when it is valid)."""
    if not isinstance(body, dict):
        return [{"loc": ["body"], "msg": "Input should be an object", "type": "dict_type"}]
    rules = ENDPOINTS[endpoint]
    errors = []
    for name in sorted(rules.required - body.keys()):
        errors.append({"loc": ["body", name], "msg": "Field required", "type": "missing"})
    for name in sorted(body.keys() - rules.allowed):
        errors.append(
            {
                "loc": ["body", name],
                "msg": "Extra inputs are not permitted",
                "type": "extra_forbidden",
            }
        )
    for name, allowed in rules.values.items():
        if name in body and body[name] not in allowed:
            options = ", ".join(repr(v) for v in sorted(allowed, key=str))
            errors.append(
                {
                    "loc": ["body", name],
                    "msg": f"Input should be {options}",
                    "type": "literal_error",
                    "input": body[name],
                }
            )
    size = body.get("image_size")
    named = {"square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3"}
    if size is not None and not (
        (isinstance(size, str) and size in named | {"landscape_16_9"})
        or (
            isinstance(size, dict)
            and set(size) == {"width", "height"}
            and all(isinstance(v, int) and 1 <= v <= 14142 for v in size.values())
        )
    ):
        errors.append(
            {
                "loc": ["body", "image_size"],
                "msg": "Input should be a valid ImageSize",
                "type": "model_type",
            }
        )
    prompt = body.get("prompt")
    if "prompt" in body and (not isinstance(prompt, str) or not prompt.strip()):
        errors.append({"loc": ["body", "prompt"], "msg": "Prompt is empty", "type": "value_error"})
    return errors


@dataclass
class Fault:
    """A scripted answer for the next call of one kind (submit, status, result, cancel, ...)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Job:
    request_id: str
    endpoint: str
    app: str  # owner/alias: what status/result/cancel URLs use
    body: dict[str, Any]
    polls: int = 0
    cancelled: bool = False
    released: bool = False  # completes at the next poll, even while the queue is held
    result_fault: Fault | None = None


@dataclass
class Seen:
    method: str
    path: str
    kind: str
    auth: str | None
    body: Any = None


class FalStandIn:
    """The stand-in server. Start with `await standin.start()`, stop with `await standin.stop()`."""

    def __init__(self, clip: Path) -> None:
        self.clip = clip
        self.seen: list[Seen] = []
        self.jobs: dict[str, Job] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.queue_polls = 2  # IN_QUEUE answers before IN_PROGRESS, then COMPLETED
        self.hold = asyncio.Event()  # when cleared, jobs stay IN_QUEUE
        self.hold.set()
        self.uploads: dict[str, bytes] = {}
        self.keyframe_png = _solid_png(KEYFRAME_COLOUR)
        self.tokens_issued = 0
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._changed: asyncio.Condition | None = None
        self.url = ""

    # -------------------------------------------------------------- control

    def fail_next(self, kind: str, *faults: Fault) -> None:
        self.faults.setdefault(kind, []).extend(faults)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.seen if s.kind == kind)

    def bodies(self, kind: str = "submit") -> list[Any]:
        return [s.body for s in self.seen if s.kind == kind]

    def cancelled_ids(self) -> list[str]:
        return [s.path.split("/")[-2] for s in self.seen if s.kind == "cancel"]

    async def wait_for(self, kind: str, count: int, timeout_s: float = 5.0) -> None:
        """Until `count` calls of `kind` have arrived (bounded in time)."""
        assert self._changed is not None
        async with asyncio.timeout(timeout_s), self._changed:
            await self._changed.wait_for(lambda: self.count(kind) >= count)

    async def start(self) -> FalStandIn:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self.hold.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -------------------------------------------------------------- routing

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path.strip("/")
        parts = path.split("/")
        method = request.method
        if method == "GET" and parts[0] == "media":
            return await self._media(request, parts)
        if method == "POST" and path == "storage/auth/token":
            return await self._token(request)
        if method == "POST" and path == "files/upload":
            return await self._upload(request)
        if "requests" in parts:
            at = parts.index("requests")
            app, rest = "/".join(parts[:at]), parts[at + 1 :]
            if method == "GET" and len(rest) == 2 and rest[1] == "status":
                return await self._status(request, app, rest[0])
            if method == "GET" and len(rest) == 1:
                return await self._result(request, app, rest[0])
            if method == "PUT" and len(rest) == 2 and rest[1] == "cancel":
                return await self._cancel(request, app, rest[0])
        if method == "POST" and path in ENDPOINTS:
            return await self._submit(request, path)
        self.seen.append(
            Seen(method, request.path, "unknown", request.headers.get("Authorization"))
        )
        return web.json_response({"detail": f"Not Found: {method} /{path}"}, status=404)

    async def _gate(self, request: web.Request, kind: str, body: Any = None) -> web.Response | None:
        """Record the call, check the key, play a scripted fault: the common front of every call."""
        auth = request.headers.get("Authorization")
        self.seen.append(Seen(request.method, request.path, kind, auth, body))
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()
        if kind not in ("upload", "media"):
            if auth == f"Key {BROKE_KEY}":
                return web.json_response(
                    {"detail": "User is locked. Reason: Exhausted balance."}, status=403
                )
            if auth != f"Key {KEY}":
                return web.json_response({"detail": "Unauthorized"}, status=401)
        queue = self.faults.get(kind)
        if queue:
            fault = queue.pop(0)
            if fault.delay_s:
                await asyncio.sleep(fault.delay_s)
            return _answer(fault)
        return None

    # -------------------------------------------------------------- the queue

    async def _submit(self, request: web.Request, endpoint: str) -> web.Response:
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            body = None
        refused = await self._gate(request, "submit", body)
        if refused is not None:
            return refused
        errors = validate(endpoint, body)
        if errors:
            return web.json_response({"detail": errors}, status=422)
        request_id = f"req-{next(self._ids):04d}"
        app = "/".join(endpoint.split("/")[:2])  # owner/alias only, as fal does
        self.jobs[request_id] = Job(request_id, endpoint, app, body)
        base = f"{self.url}/{app}/requests/{request_id}"
        return web.json_response(
            {
                "request_id": request_id,
                "response_url": base,
                "status_url": f"{base}/status",
                "cancel_url": f"{base}/cancel",
            }
        )

    def _job(self, app: str, request_id: str) -> Job | None:
        job = self.jobs.get(request_id)
        return job if job is not None and job.app == app else None

    async def _status(self, request: web.Request, app: str, request_id: str) -> web.Response:
        refused = await self._gate(request, "status")
        if refused is not None:
            return refused
        job = self._job(app, request_id)
        if job is None:
            return web.json_response({"detail": "Request not found"}, status=404)
        logs = request.query.get("logs") == "1"
        if job.cancelled:
            return web.json_response({"status": "COMPLETED", "logs": [], "error": "cancelled"})
        if job.released:
            return web.json_response({"status": "COMPLETED", "logs": []})
        if not self.hold.is_set() or job.polls < self.queue_polls:
            position = max(0, self.queue_polls - job.polls)
            job.polls += 1
            return web.json_response(
                {"status": "IN_QUEUE", "queue_position": position, "response_url": ""}
            )
        job.polls += 1
        if job.polls == self.queue_polls + 1:
            entry = {"message": "Generating video", "level": "INFO", "timestamp": "2025-01-01"}
            return web.json_response({"status": "IN_PROGRESS", "logs": [entry] if logs else None})
        return web.json_response(
            {"status": "COMPLETED", "logs": [], "metrics": {"inference_time": 1.0}}
        )

    async def _result(self, request: web.Request, app: str, request_id: str) -> web.Response:
        refused = await self._gate(request, "result")
        if refused is not None:
            return refused
        job = self._job(app, request_id)
        if job is None:
            return web.json_response({"detail": "Request not found"}, status=404)
        if job.result_fault is not None:
            return _answer(job.result_fault)
        if job.endpoint.startswith("fal-ai/flux/"):
            size = job.body.get("image_size") or {"width": 1024, "height": 768}
            return web.json_response(
                {
                    "images": [
                        {
                            "url": f"{self.url}/media/{request_id}.png",
                            "width": size["width"],
                            "height": size["height"],
                            "content_type": "image/png",
                        }
                    ],
                    "seed": 42,
                    "has_nsfw_concepts": [False],
                    "prompt": job.body["prompt"],
                }
            )
        return web.json_response(
            {
                "video": {
                    "url": f"{self.url}/media/{request_id}.mp4",
                    "content_type": "video/mp4",
                    "file_name": "output.mp4",
                    "file_size": self.clip.stat().st_size,
                }
            }
        )

    async def _cancel(self, request: web.Request, app: str, request_id: str) -> web.Response:
        refused = await self._gate(request, "cancel")
        if refused is not None:
            return refused
        job = self._job(app, request_id)
        if job is None:
            return web.json_response({"detail": "Request not found"}, status=404)
        job.cancelled = True
        return web.json_response({"status": "CANCELLATION_REQUESTED"}, status=202)

    # -------------------------------------------------------------- storage and media

    async def _token(self, request: web.Request) -> web.Response:
        refused = await self._gate(request, "token")
        if refused is not None:
            return refused
        if request.query.get("storage_type") != "fal-cdn-v3":
            return web.json_response({"detail": "unknown storage_type"}, status=400)
        self.tokens_issued += 1
        return web.json_response(
            {
                "token": CDN_TOKEN,
                "token_type": "Bearer",
                "base_url": self.url,
                "expires_at": "2999-01-01T00:00:00+00:00",
            }
        )

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        refused = await self._gate(request, "upload", len(data))
        if refused is not None:
            return refused
        if request.headers.get("Authorization") != f"Bearer {CDN_TOKEN}":
            return web.json_response({"detail": "Unauthorized"}, status=401)
        name = request.headers.get("X-Fal-File-Name") or "upload.bin"
        if not data or not request.headers.get("Content-Type"):
            return web.json_response({"detail": "empty upload"}, status=400)
        key = f"{len(self.uploads):03d}-{name}"
        self.uploads[key] = data
        return web.json_response({"access_url": f"{self.url}/media/{key}"})

    async def _media(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        refused = await self._gate(request, "media")
        if refused is not None:
            return refused
        if request.headers.get("Authorization"):
            # The fal key must never travel to a media host.
            return web.json_response({"detail": "unexpected credentials"}, status=400)
        if parts[-1].endswith(".mp4"):
            return web.FileResponse(self.clip)
        if parts[-1].startswith("req-") and parts[-1].endswith(".png"):
            return web.Response(body=self.keyframe_png, content_type="image/png")
        data = self.uploads.get(parts[-1])
        if data is None:
            return web.json_response({"detail": "no such file"}, status=404)
        return web.Response(body=data)


def _solid_png(colour: tuple[int, int, int]) -> bytes:
    """What the stand-in's FLUX answers with: a small PNG of one colour."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _answer(fault: Fault) -> web.Response:
    body = fault.body if fault.body is not None else {"detail": f"HTTP {fault.status}"}
    return web.Response(
        body=orjson.dumps(body),
        status=fault.status,
        headers={"Content-Type": "application/json", **fault.headers},
    )
