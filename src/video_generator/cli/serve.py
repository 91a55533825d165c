"""`vidgen agent` serves one agent over A2A; `vidgen up` runs the whole mesh until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from a2a_mcp.errors import AgentError
from video_generator.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_command, port
from video_generator.settings import get_settings

# The names without importing the agents (argparse needs them for every command).
AGENT_NAMES = (
    "orchestrator",
    "script_writer",
    "scene_designer",
    "timing_coordinator",
    "platform_adapter",
)


def register(commands: Any) -> None:
    agent = add_command(commands, "agent", cmd_agent, "serve one agent over A2A")
    agent.add_argument("name", choices=AGENT_NAMES, metavar="NAME", help=", ".join(AGENT_NAMES))
    agent.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    agent.add_argument("--port", type=port, help="port (default: the agent's, 10100-10104)")
    agent.add_argument(
        "--public-url", help="URL clients reach it at, for the card (needed behind 0.0.0.0/NAT)"
    )
    agent.add_argument(
        "--drain-timeout",
        type=float,
        default=30.0,
        help="seconds running tasks may finish after SIGTERM/Ctrl-C (default 30)",
    )

    up = add_command(commands, "up", cmd_up, "start every agent, each in its own process")
    up.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    up.add_argument(
        "--base-port",
        type=port,
        default=10100,
        help="the orchestrator's port; the others follow (+1..+4); 0 picks free ports",
    )
    up.add_argument(
        "--replicas",
        action="append",
        default=[],
        metavar="NAME=N",
        help="run N processes of an agent (repeatable), e.g. --replicas scene_designer=2",
    )
    up.add_argument(
        "--start-timeout", type=float, default=60.0, help="seconds to wait for each agent"
    )
    up.add_argument(
        "--grace", type=float, default=15.0, help="seconds an agent gets to stop before SIGKILL"
    )


# ---------------------------------------------------------------- vidgen agent


def cmd_agent(args: argparse.Namespace) -> int:
    from video_generator.app.mesh import build_agent

    agent = build_agent(args.name)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: drained, then a quiet exit
        asyncio.run(_serve(agent, args))
    return EXIT_OK


async def _serve(agent: Any, args: argparse.Namespace) -> None:
    from a2a_mcp.client import close_pool
    from a2a_mcp.serve import AgentServer
    from a2a_mcp.server.guard import RateLimit
    from a2a_mcp.server.push import PushSettings
    from a2a_mcp.server.task_db import TaskDbError, TaskRetention
    from video_generator.app.mesh import close_agent
    from video_generator.app.runtime import video_cache
    from video_generator.settings import server_api_keys, task_db_for

    settings = get_settings()
    # Served like embedded: every call goes through the process's cache (VG_CACHE_URL).
    cache = video_cache()
    rate = settings.rate_limit_rps
    server = AgentServer(
        agent,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        skill_wrapper=cache,
        drain_timeout_s=args.drain_timeout,
        log_level=settings.log_level.lower(),
        task_db=task_db_for(settings, agent.name),
        task_retention=TaskRetention(keep=settings.task_keep, max_age_s=settings.task_max_age_s),
        api_keys=server_api_keys(settings),
        rate_limit=RateLimit(rate, settings.rate_limit_burst) if rate else None,
        max_body_bytes=settings.max_body_bytes,
        push=PushSettings(allow_private_urls=settings.push_allow_private),
    )
    try:
        try:
            await server.start()
        except TaskDbError as exc:
            raise TaskDbError(f"{exc.message} (set by VG_TASK_DB)", details=exc.details) from None
        tasks = "memory" if server.task_db is None else _hide_password(server.task_db)
        auth = "API key required" if server.api_keys else "no auth"
        print(
            f"{agent.name} listening at {server.url} (cache: {cache.where}; tasks: {tasks}; "
            f"{auth})",
            flush=True,
        )
        await server.wait_closed()
    finally:
        await close_agent(agent)
        await cache.aclose()
        await close_pool()


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    from a2a_mcp.server.task_db import database_url

    return make_url(database_url(url)).render_as_string(hide_password=True)


# ---------------------------------------------------------------- vidgen up


def cmd_up(args: argparse.Namespace) -> int:
    import os

    from video_generator.app.launcher import MeshLauncher, parse_replicas
    from video_generator.settings import server_api_keys

    environ = dict(os.environ)  # every agent gets it: VG_API_KEYS, VG_RATE_LIMIT_* included
    if args.log_level:
        environ["VG_LOG_LEVEL"] = args.log_level  # the agents log at the level asked for
    keyed = bool(server_api_keys(get_settings()))
    if not keyed and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {args.host} without VG_API_KEYS: anyone who reaches this "
            "host can run briefs (docs/security.md)",
            file=sys.stderr,
        )
    try:
        launcher = MeshLauncher(
            host=args.host,
            base_port=args.base_port,
            replicas=parse_replicas(args.replicas),
            start_timeout_s=args.start_timeout,
            grace_s=args.grace,
            environ=environ,
            echo=sys.stderr,
        )
    except AgentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_up(launcher))


async def _up(launcher: Any) -> int:
    """Start, show where each agent listens, run until a signal or a crash, stop everything."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    stopping = asyncio.create_task(stop.wait())
    try:
        starting = asyncio.create_task(launcher.start())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()  # start() stops what it began
            with contextlib.suppress(asyncio.CancelledError, AgentError):
                await starting
            print("stopped before the mesh was ready", file=sys.stderr)
            return EXIT_OK
        try:
            members = starting.result()
        except AgentError as exc:
            print(f"error: {exc}", file=sys.stderr)
            print("the mesh did not start; every agent it started was stopped", file=sys.stderr)
            return EXIT_USAGE
        _print_table(members)
        crashed = asyncio.create_task(launcher.wait_exit())
        await asyncio.wait({crashed, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if crashed.done() and not stop.is_set():
            member = crashed.result()
            reason = member.last_error() or "no output"
            print(
                f"error: agent '{member.label}' exited with status "
                f"{member.process.returncode} ({reason}); stopping the mesh",
                file=sys.stderr,
            )
            return EXIT_FAILED
        crashed.cancel()
        print("stopping the mesh...", file=sys.stderr, flush=True)
        return EXIT_OK
    finally:
        stopping.cancel()
        await launcher.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        print("mesh stopped", file=sys.stderr, flush=True)


def _print_table(members: list[Any]) -> None:
    from video_generator.settings import server_api_keys

    width = max(len(m.label) for m in members)
    print(f"{'agent':<{width}}  {'url':<26}  pid", flush=True)
    for member in members:
        print(f"{member.label:<{width}}  {member.url:<26}  {member.pid}", flush=True)
    orchestrator = next(m for m in members if m.name == "orchestrator")
    auth = "; clients need VG_API_KEY" if server_api_keys(get_settings()) else ""
    print(
        f'mesh ready: vidgen make "<brief>" --remote {orchestrator.url}  (Ctrl-C stops it{auth})',
        flush=True,
    )
