"""`vidgen worker` runs render workers: they take the orchestrator's render jobs from Redis."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from video_generator.cli.common import EXIT_OK, UserError, add_command
from video_generator.settings import get_settings


def register(commands: Any) -> None:
    worker = add_command(
        commands, "worker", cmd_worker, "run a render worker on the job queue (VG_RENDER_QUEUE)"
    )
    worker.add_argument(
        "--queue", help="the queue's redis:// URL (default VG_RENDER_QUEUE; the orchestrator's)"
    )
    worker.add_argument(
        "--threads", type=int, default=1, help="renders at a time in this process (default 1)"
    )
    worker.add_argument("--host", default="127.0.0.1", help="address of /health and /metrics")
    worker.add_argument(
        "--port",
        type=int,
        default=10110,
        help="port of /health and /metrics (default 10110; 0: none)",
    )


def cmd_worker(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from video_generator.render.queue import QueueSettings, run_worker, worker_id
    from video_generator.settings import render_root

    settings = get_settings()
    url = args.queue or settings.render_queue
    if not url:
        raise UserError(
            "no job queue: pass --queue redis://host:6379/0 or set VG_RENDER_QUEUE (the same "
            "URL the orchestrator has)"
        )
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"--queue {url!r} is not a redis:// URL (like redis://127.0.0.1:6379/0)")
    if args.threads < 1:
        raise UserError("--threads must be at least 1")
    queue = replace(QueueSettings.from_settings(settings), url=url)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.port:
        _serve_health(args.host, args.port, stop)
    worker = run_worker(queue, threads=args.threads)
    print(
        f"render worker {worker_id()} taking jobs from {_safe(url)} into {render_root(settings)}",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        # A job still running is not acknowledged: the broker gives it to another worker.
        worker.stop(timeout=10_000)
    return EXIT_OK


def _safe(url: str) -> str:
    """The URL without its password, for the console."""
    from video_generator.render.queue import _where

    return _where(url)


def _serve_health(host: str, port: int, stopping: threading.Event) -> None:
    """/health, /health/ready, /health/live and /metrics, from a daemon thread (the worker has
    no event loop of its own: Dramatiq runs jobs in threads)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import orjson
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from a2a_mcp.observability import REGISTRY
    from video_generator.render.queue import RUNNING_JOBS, worker_id

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
            elif self.path in ("/health", "/health/ready", "/health/live"):
                ready = not stopping.is_set() or self.path == "/health/live"
                body = {
                    "worker": worker_id(),
                    "live": True,
                    "ready": not stopping.is_set(),
                    "running_jobs": RUNNING_JOBS._value.get(),
                }
                self._send(200 if ready else 503, orjson.dumps(body), "application/json")
            else:
                self._send(404, b'{"error": "not_found"}', "application/json")

        def _send(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:  # probes every few seconds: not worth a line
            pass

    try:
        server = ThreadingHTTPServer((host, port), Health)
    except OSError as exc:
        raise UserError(
            f"the worker's health port {port} on {host} is unusable ({exc.strerror}); "
            "choose another with --port, or --port 0 for none"
        ) from None
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
