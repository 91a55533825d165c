"""Renders on a job queue: Dramatiq with its Redis broker, so render workers on other machines
take the CPU-heavy part of the orchestrator's render node.

The node (`render_queued`) enqueues one job per task and reads the job's progress stream in
Redis until the job reports done or failed; `vidgen worker` runs `Worker`s that take jobs,
render into the task's folder on the shared render storage (VG_RENDER_DIR, the same folder the
orchestrator serves files from) and publish progress to that stream. Dramatiq acknowledges a job
only once its actor returns, so the job of a worker killed mid-render goes back to the queue
when the broker sees that worker's heartbeat stop; it is retried with backoff after an
unexpected error, limited in time, and dead-lettered (Dramatiq's `.XQ` queue) once its retries
are spent. A job is keyed by the content hash of its package and render options: a worker that
finds that key's result in the task folder republishes it instead of rendering again, and AI
clips are reused from the shared paid-clips folder, so a redelivered job never pays fal twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import structlog
from prometheus_client import Counter, Gauge, Histogram

from a2a_mcp.agent import Progress
from a2a_mcp.client.errors import error_from_payload
from a2a_mcp.errors import AgentError, CallTimeoutError, SkillFailedError
from a2a_mcp.observability import REGISTRY
from video_generator.core.models import RenderSummary, VideoPackage
from video_generator.request import RenderRequest
from video_generator.settings import Settings, render_root

log = structlog.get_logger(component="render_queue")

JOBS = Counter(
    "vidgen_render_jobs",
    "Render jobs this worker ended, by outcome (done, reused, refused, cancelled, retried).",
    ["outcome"],
    registry=REGISTRY,
)
JOB_SECONDS = Histogram(
    "vidgen_render_job_seconds",
    "Time a render job took on this worker.",
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1800),
    registry=REGISTRY,
)
RUNNING_JOBS = Gauge("vidgen_render_jobs_running", "Render jobs running now.", registry=REGISTRY)

QUEUE_NAME = "vidgen_render"
ACTOR_NAME = "render_package"
NAMESPACE = "vidgen"
DONE_MARKER = ".job.json"  # in the task folder: the key and summary of a finished job
_STREAM_TTL_S = 86400


@dataclass(frozen=True)
class QueueSettings:
    """The queue's limits (VG_RENDER_* settings)."""

    url: str
    time_limit_s: float = 1800.0
    retries: int = 3
    min_backoff_s: float = 5.0
    max_backoff_s: float = 300.0
    heartbeat_timeout_s: float = 15.0
    # How long a job may wait for a worker to take it before the render fails, saying so.
    pickup_timeout_s: float = 120.0
    # Out of a million broker calls, how many run maintenance (requeueing dead workers' jobs).
    maintenance_chance: int = 10_000
    # The process's settings (from_settings): a worker renders with them (the shared render
    # folder holding every job's task folder, keys, service endpoints); the orchestrator checks
    # its FAL_KEY with them before it enqueues a paid render. None: no key, no worker side.
    render_settings: Settings | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueSettings:
        return cls(
            render_settings=settings,
            url=settings.render_queue or "",  # the worker may name its own (--queue)
            time_limit_s=settings.render_time_limit_s,
            retries=settings.render_retries,
            heartbeat_timeout_s=settings.render_heartbeat_timeout_s,
            pickup_timeout_s=settings.render_pickup_timeout_s,
            maintenance_chance=settings.render_maintenance_chance,
        )

    @property
    def wait_s(self) -> float:
        """How long the node waits for a job: every attempt at its limit, plus the backoffs."""
        attempts = self.retries + 1
        return attempts * (self.time_limit_s + self.heartbeat_timeout_s) + self.retries * (
            self.max_backoff_s
        )


def job_key(package: dict[str, Any], request: dict[str, Any]) -> str:
    """The content hash a job is idempotent by."""
    body = orjson.dumps({"package": package, "request": request}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def stream_key(job_id: str) -> str:
    return f"{NAMESPACE}:render:{job_id}:events"


def cancel_key(job_id: str) -> str:
    return f"{NAMESPACE}:render:{job_id}:cancel"


def make_broker(settings: QueueSettings) -> Any:
    """The Redis broker and the render actor on it (the same on the node and on workers)."""
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    from dramatiq.middleware import CurrentMessage

    broker = RedisBroker(
        url=settings.url,
        namespace=NAMESPACE,
        heartbeat_timeout=int(settings.heartbeat_timeout_s * 1000),
        maintenance_chance=settings.maintenance_chance,
        dead_message_ttl=7 * 86400 * 1000,
        socket_timeout=30,
        socket_connect_timeout=5,
    )
    broker.add_middleware(CurrentMessage())
    register = dramatiq.actor(
        broker=broker,
        actor_name=ACTOR_NAME,
        queue_name=QUEUE_NAME,
        max_retries=settings.retries,
        time_limit=int(settings.time_limit_s * 1000),
        min_backoff=int(settings.min_backoff_s * 1000),
        max_backoff=int(settings.max_backoff_s * 1000),
    )
    register(_render_job_entry(settings))
    return broker


# ---------------------------------------------------------------- the node's side


async def render_queued(
    pkg: VideoPackage,
    request: RenderRequest,
    folder: Path,
    progress: Progress,
    *,
    task_id: str,
    settings: QueueSettings,
) -> RenderSummary:
    """Enqueue the render of `pkg` into the task's folder and follow it to its end."""
    from redis.asyncio import Redis

    from video_generator.render.node import check_clips_budget, selected_platforms

    # Bad options fail here at once, not after a trip through the queue.
    fal_key = settings.render_settings.fal_key if settings.render_settings else None
    check_clips_budget(pkg, request, selected_platforms(pkg, request), fal_key)
    package_json = pkg.model_dump(mode="json")
    request_json = request.model_dump(mode="json")
    job_id = uuid.uuid4().hex
    job: dict[str, Any] = {
        "job_id": job_id,
        "task_id": task_id,
        "folder": folder.name,
        "key": job_key(package_json, request_json),
        "package": package_json,
        "request": request_json,
    }
    from redis.exceptions import RedisError

    broker = make_broker(settings)
    redis = Redis.from_url(settings.url, socket_timeout=30, socket_connect_timeout=5)
    try:
        actor = broker.get_actor(ACTOR_NAME)
        await asyncio.to_thread(actor.send, job)
        log.info("render_enqueued", job_id=job_id, task_id=task_id, key=job["key"][:12])
        await progress(0.0, "queued: waiting for a render worker", {"job_id": job_id})
        try:
            return await _follow(redis, job_id, folder, progress, settings)
        except asyncio.CancelledError:
            # The worker looks for this flag every 0.25 s and stops the render.
            with contextlib.suppress(RedisError):
                await redis.set(cancel_key(job_id), b"1", ex=_STREAM_TTL_S)
            raise
    except RedisError as exc:
        raise RenderQueueError(
            f"the render queue ({_where(settings.url)}) is unreachable: {exc}; start Redis "
            "there, or unset VG_RENDER_QUEUE to render in the orchestrator's own process",
            details={"job_id": job_id},
        ) from None
    finally:
        await redis.aclose()
        broker.close()


class RenderQueueError(AgentError):
    """The render job queue (Redis) cannot be reached."""

    code = "render_queue_unavailable"


def _where(url: str) -> str:
    """host:port/db of a Redis URL, without its password."""
    from redis.connection import parse_url

    parts = parse_url(url)
    host = parts.get("host") or parts.get("path", "")
    return f"redis://{host}:{parts.get('port', 6379)}/{parts.get('db', 0)}"


async def _follow(
    redis: Any, job_id: str, folder: Path, progress: Progress, settings: QueueSettings
) -> RenderSummary:
    stream = stream_key(job_id)
    last = "0"
    started = time.monotonic()
    deadline = started + settings.wait_s
    shown = 0.0
    current = asyncio.current_task()
    while time.monotonic() < deadline:
        found = await redis.xread({stream: last}, block=1000, count=100)
        if current is not None and current.cancelling():
            # redis-py may swallow a cancel that lands in a blocking read: honour it here.
            raise asyncio.CancelledError
        if last == "0" and not found and time.monotonic() - started > settings.pickup_timeout_s:
            # Nobody took it: a worker started later skips it (the flag), none renders in vain.
            await redis.set(cancel_key(job_id), b"1", ex=_STREAM_TTL_S)
            raise RenderQueueError(
                f"no render worker took the job within {settings.pickup_timeout_s:.0f} s: start "
                f"one with `vidgen worker` where it reaches {_where(settings.url)} and the "
                "render folder, or unset VG_RENDER_QUEUE to render in the orchestrator",
                details={"job_id": job_id},
            )
        for _, entries in found:
            for entry_id, fields in entries:
                last = entry_id
                event = orjson.loads(fields[b"event"])
                kind = event["kind"]
                if kind == "done":
                    return RenderSummary.model_validate(event["summary"]).at(folder)
                if kind == "failed":
                    raise error_from_payload(event["error"])
                # A redelivered job starts again from zero: the bar never runs backwards.
                shown = max(shown, float(event.get("fraction", 0.0)))
                data = {**(event.get("data") or {}), "worker": event.get("worker")}
                await progress(shown, event.get("message", ""), data)
    raise CallTimeoutError(
        f"the queued render {job_id} did not finish within {settings.wait_s:.0f} s; are workers "
        "running (`vidgen worker`) and reaching the same Redis?",
        details={"job_id": job_id},
    )


# ---------------------------------------------------------------- the worker's side


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _render_job_entry(settings: QueueSettings) -> Callable[[dict[str, Any]], None]:
    def render_package(job: dict[str, Any]) -> None:
        """Dramatiq actor (sync, in a worker thread): run the async render job to its end.

        An unexpected error, or Dramatiq's time limit (raised into this thread), is retried by
        Dramatiq; once the retries are spent it is published as the job's failure, here,
        because a time limit may leave the job's event loop unusable."""
        started = time.perf_counter()
        RUNNING_JOBS.inc()
        try:
            JOBS.labels(asyncio.run(run_job(job, settings))).inc()
        except BaseException as exc:
            JOBS.labels("retried").inc()
            _publish_unexpected(job, settings, exc)
            raise
        finally:
            RUNNING_JOBS.dec()
            JOB_SECONDS.observe(time.perf_counter() - started)

    return render_package


def _publish_unexpected(job: dict[str, Any], settings: QueueSettings, exc: BaseException) -> None:
    from dramatiq.middleware import CurrentMessage
    from redis import Redis

    message = CurrentMessage.get_current_message()
    retries = message.options.get("retries", 0) if message is not None else settings.retries
    me = worker_id()
    event: dict[str, Any]
    if retries >= settings.retries:
        error = SkillFailedError(
            f"the render failed on {me} after {retries + 1} attempts: {type(exc).__name__}: {exc}"
        )
        event = {"kind": "failed", "error": error.to_dict()}
        log.warning("render_job_failed", job_id=job["job_id"], error=str(exc))
    else:
        event = {"kind": "progress", "fraction": 0.0, "message": f"retrying after: {exc}"}
    try:
        with Redis.from_url(settings.url, socket_timeout=10, socket_connect_timeout=5) as redis:
            stream = stream_key(job["job_id"])
            redis.xadd(stream, {"event": orjson.dumps({**event, "worker": me})}, maxlen=2000)
            redis.expire(stream, _STREAM_TTL_S)
    except Exception as publish_error:  # Redis gone too: the node's wait ends it
        log.warning("render_job_unreported", job_id=job["job_id"], error=str(publish_error))


class _Cancelled(AgentError):
    code = "cancelled"


async def run_job(job: dict[str, Any], settings: QueueSettings) -> str:
    """Render one job into its task folder, publishing progress, done or failed to its stream;
    returns the outcome (done, reused, refused, failed).

    A user error (bad options, budget, missing key) is published and the job ends: retrying
    would fail the same way. Anything else is raised for Dramatiq to retry."""
    from redis.asyncio import Redis

    from video_generator.render.node import render_video

    renders_with = settings.render_settings
    if renders_with is None:
        raise RuntimeError("a render worker needs QueueSettings.render_settings (from_settings)")
    folder = render_root(renders_with) / job["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    redis = Redis.from_url(settings.url, socket_timeout=30, socket_connect_timeout=5)
    stream = stream_key(job["job_id"])
    me = worker_id()

    async def publish(event: dict[str, Any]) -> None:
        await redis.xadd(stream, {"event": orjson.dumps({**event, "worker": me})}, maxlen=2000)
        await redis.expire(stream, _STREAM_TTL_S)

    async def report(
        fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None:
        await publish({"kind": "progress", "fraction": fraction, "message": message, "data": data})

    bound = structlog.contextvars.bound_contextvars(task_id=job["task_id"], job_id=job["job_id"])
    try:
        with bound:
            if await redis.exists(cancel_key(job["job_id"])):
                error = _Cancelled("the render was cancelled (or given up) before it started")
                await publish({"kind": "failed", "error": error.to_dict()})
                return "cancelled"
            done = _finished(folder, job["key"])
            if done is not None:
                log.info("render_job_already_done", key=job["key"][:12])
                await publish({"kind": "done", "summary": done})
                return "reused"
            await publish({"kind": "progress", "fraction": 0.0, "message": f"rendering on {me}"})
            pkg = VideoPackage.model_validate(job["package"])
            request = RenderRequest.model_validate(job["request"])
            render = asyncio.create_task(
                render_video(pkg, request, folder, report, settings=renders_with)
            )
            watcher = asyncio.create_task(_cancel_when_asked(redis, job["job_id"], render))
            try:
                summary = await render
            except asyncio.CancelledError:
                if not (watcher.done() and watcher.result()):
                    raise  # the worker itself is stopping
                error = _Cancelled("the render was cancelled by its task")
                await publish({"kind": "failed", "error": error.to_dict()})
                log.info("render_job_cancelled")
                return "cancelled"
            except AgentError as error:
                await publish({"kind": "failed", "error": error.to_dict()})
                log.info("render_job_refused", code=error.code, reason=error.message)
                return "refused"
            finally:
                watcher.cancel()
            summary_json = summary.model_dump(mode="json")
            marker = {"key": job["key"], "summary": summary_json}
            (folder / DONE_MARKER).write_bytes(orjson.dumps(marker))
            await publish({"kind": "done", "summary": summary_json})
            log.info("render_job_done", seconds=summary.seconds)
            return "done"
    finally:
        await redis.aclose()


async def _cancel_when_asked(redis: Any, job_id: str, render: asyncio.Task[Any]) -> bool:
    """Cancel the render once its task asks (the node sets the job's cancel flag)."""
    while not render.done():
        if await redis.exists(cancel_key(job_id)):
            render.cancel()
            return True
        await asyncio.sleep(0.25)
    return False


def _finished(folder: Path, key: str) -> dict[str, Any] | None:
    """The summary of a job with this key already rendered into `folder`, if its files are all
    still there."""
    try:
        marker = orjson.loads((folder / DONE_MARKER).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    if marker.get("key") != key:
        return None
    summary = RenderSummary.model_validate(marker["summary"])
    if not all((folder / name).is_file() for name in summary.files()):
        return None
    return marker["summary"]


def run_worker(settings: QueueSettings, *, threads: int = 1) -> Any:
    """Start a Dramatiq worker on the render queue (threads renders at a time); returns it."""
    import dramatiq

    broker = make_broker(settings)
    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    return worker
