"""Start the mesh as child processes (one per agent replica), wait until healthy, stop them all."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import aiohttp

from a2a_mcp.errors import AgentError
from a2a_mcp.serve import PortInUseError
from video_generator.app.mesh import AGENTS, ORCHESTRATOR, default_port, replica_env

_POLL_S = 0.1
_PROBE_TIMEOUT_S = 1.0
_KEEP_LINES = 20  # lines of a child's output kept to explain why it died


class MeshStartError(AgentError):
    """An agent of the mesh did not start; the message names it and says why."""

    code = "mesh_start_failed"


@dataclass
class Member:
    """One agent process of the mesh: which agent, which replica, where it listens."""

    name: str
    replica: int
    port: int
    url: str
    process: asyncio.subprocess.Process | None = None
    output: deque[str] = field(default_factory=lambda: deque(maxlen=_KEEP_LINES))
    relay: asyncio.Task[None] | None = None

    @property
    def label(self) -> str:
        return self.name if self.replica == 0 else f"{self.name}#{self.replica + 1}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    def last_error(self) -> str:
        """The child's last words: its last 'error:' line, else its last line."""
        for line in reversed(self.output):
            if line.startswith("error:"):
                return line
        return self.output[-1] if self.output else ""


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_port(name: str, host: str, port: int) -> None:
    """Fail before spawning anything when a port is taken: one clear error, nothing to undo."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"cannot start agent '{name}': port {port} on {host} is already in use; "
                    "stop the process using it or pick other ports with --base-port",
                    details={"agent": name, "host": host, "port": port},
                ) from None
            raise MeshStartError(
                f"cannot start agent '{name}' on {host}:{port}: {exc.strerror}",
                details={"agent": name, "host": host, "port": port},
            ) from None


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the launcher dies, so no agent is orphaned."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class MeshLauncher:
    """Runs `python -m video_generator.cli agent NAME --port P` per agent replica.

    Ports: with base_port B, agent A listens on B + (A's default port - the orchestrator's),
    and extra replicas on the ports after the last agent's; base_port 0 takes free ports."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        base_port: int | None = None,
        replicas: Mapping[str, int] | None = None,
        start_timeout_s: float = 60.0,
        grace_s: float = 15.0,
        drain_timeout_s: float = 10.0,
        environ: Mapping[str, str] | None = None,
        python: str = sys.executable,
        echo: TextIO | None = None,
    ) -> None:
        unknown = sorted(set(replicas or {}) - set(AGENTS))
        if unknown:
            raise MeshStartError(
                f"no agent named {', '.join(unknown)} (known: {', '.join(AGENTS)})"
            )
        self.host = host
        self.base_port = default_port(ORCHESTRATOR) if base_port is None else base_port
        self.replicas = {name: max(1, int((replicas or {}).get(name, 1))) for name in AGENTS}
        self.start_timeout_s = start_timeout_s
        self.grace_s = grace_s
        self.drain_timeout_s = drain_timeout_s
        self.environ = dict(os.environ if environ is None else environ)
        self.python = python
        self.echo = echo
        self.members = self._plan()
        self._session: aiohttp.ClientSession | None = None

    def _plan(self) -> list[Member]:
        """Every replica with its port, in start order: specialists, then the orchestrator."""
        order = [*(name for name in AGENTS if name != ORCHESTRATOR), ORCHESTRATOR]
        origin = default_port(ORCHESTRATOR)
        spare = self.base_port + max(default_port(name) - origin for name in AGENTS) + 1
        members = []
        for name in order:
            for replica in range(self.replicas[name]):
                if self.base_port == 0:
                    port = _free_port(self.host)
                elif replica == 0:
                    port = self.base_port + default_port(name) - origin
                else:
                    port, spare = spare, spare + 1
                if port > 65535:
                    raise MeshStartError(
                        f"--base-port {self.base_port} leaves no room for agent '{name}' "
                        f"(port {port} is past 65535): choose a base port of at most "
                        f"{65535 - (spare - self.base_port)}, or 0 for free ports"
                    )
                url = f"http://{_url_host(self.host)}:{port}"
                members.append(Member(name, replica, port, url))
        return members

    def urls(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for member in self.members:
            found.setdefault(member.name, []).append(member.url)
        return found

    # ---- starting -----------------------------------------------------------------------

    async def start(self) -> list[Member]:
        """Start every member and wait until each is ready; on any failure stop what started and
        raise PortInUseError or MeshStartError naming the agent."""
        for member in self.members:
            _check_port(member.label, self.host, member.port)
        self._session = aiohttp.ClientSession()
        try:
            specialists = [m for m in self.members if m.name != ORCHESTRATOR]
            orchestrators = [m for m in self.members if m.name == ORCHESTRATOR]
            for group in (specialists, orchestrators):
                for member in group:
                    await self._spawn(member)
                await asyncio.gather(*(self._wait_ready(member) for member in group))
        except BaseException:
            await self.stop()
            raise
        return self.members

    async def _spawn(self, member: Member) -> None:
        command = [
            self.python, "-m", "video_generator.cli", "agent", member.name,
            "--host", self.host, "--port", str(member.port),
            "--drain-timeout", str(self.drain_timeout_s),
        ]  # fmt: skip
        # Every process learns where every replica is; the orchestrator is the one that calls.
        env = {**self.environ, **replica_env(self.urls()), "PYTHONUNBUFFERED": "1"}
        member.process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            # Own session: a terminal's Ctrl-C reaches the launcher only, which stops the agents
            # in order (orchestrator first, so its running briefs can finish).
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        member.relay = asyncio.create_task(self._relay(member), name=f"relay-{member.label}")

    async def _relay(self, member: Member) -> None:
        """Pass the child's output on, each line tagged with its agent; keep the last lines."""
        assert member.process is not None and member.process.stdout is not None
        async for raw in member.process.stdout:
            line = raw.decode(errors="replace").rstrip()
            member.output.append(line)
            if self.echo is not None:
                print(f"[{member.label}] {line}", file=self.echo, flush=True)

    async def _wait_ready(self, member: Member) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if member.exited:
                await self._settle_relay(member)
                status = member.process.returncode if member.process else None
                reason = member.last_error() or f"it exited with status {status}"
                raise MeshStartError(
                    f"agent '{member.label}' did not start on port {member.port}: {reason}",
                    details={"agent": member.name, "port": member.port, "status": status},
                )
            if await self._ready(member.url):
                return
            await asyncio.sleep(_POLL_S)
        raise MeshStartError(
            f"agent '{member.label}' was not ready at {member.url}/health/ready within "
            f"{self.start_timeout_s:g} s",
            details={"agent": member.name, "port": member.port},
        )

    async def _ready(self, url: str) -> bool:
        assert self._session is not None
        try:
            timeout = aiohttp.ClientTimeout(total=_PROBE_TIMEOUT_S)
            async with self._session.get(f"{url}/health/ready", timeout=timeout) as response:
                await response.read()
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    @staticmethod
    async def _settle_relay(member: Member) -> None:
        if member.relay is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(member.relay), 2.0)

    # ---- running and stopping -----------------------------------------------------------

    async def wait_exit(self) -> Member:
        """Wait until any member exits (a crash while serving); returns it."""
        waits = {
            asyncio.create_task(m.process.wait()): m for m in self.members if m.process is not None
        }
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        member = waits[next(iter(done))]
        await self._settle_relay(member)
        return member

    async def stop(self) -> None:
        """Orchestrators first (their running briefs still reach the specialists), then the
        rest: SIGTERM, SIGKILL after the grace period. Safe to call twice."""
        orchestrators = [m for m in self.members if m.name == ORCHESTRATOR]
        others = [m for m in self.members if m.name != ORCHESTRATOR]
        for group in (orchestrators, others):
            await asyncio.gather(*(self._stop_one(member) for member in group))
        for member in self.members:
            if member.relay is not None:
                await self._settle_relay(member)
                member.relay.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _stop_one(self, member: Member) -> None:
        process = member.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self.grace_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


def parse_replicas(values: Sequence[str]) -> dict[str, int]:
    """["script_writer=2", ...] -> {"script_writer": 2}; a clear error for anything else."""
    found: dict[str, int] = {}
    for value in values:
        name, _, count = value.partition("=")
        if not count.isdigit() or int(count) < 1 or name not in AGENTS:
            raise MeshStartError(
                f"--replicas takes NAME=N with N >= 1 and NAME one of {', '.join(AGENTS)}, "
                f"not '{value}'"
            )
        found[name] = int(count)
    return found
