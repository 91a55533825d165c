"""Start and stop a private redis-server on a free loopback port (for tests and benchmarks)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType


class RedisServerError(RuntimeError):
    """redis-server is missing, or did not start or stop in time."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def redis_server_binary() -> str | None:
    """Path of redis-server, or None when it is not installed."""
    return shutil.which("redis-server")


class RedisServer:
    """One redis-server process: no persistence, loopback only; can be killed and restarted."""

    def __init__(
        self,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        binary: str | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        found = binary or redis_server_binary()
        if found is None:
            raise RedisServerError(
                "redis-server is not installed; install it with: apt-get install -y redis-server"
            )
        self.binary = found
        self.host = host
        self.port = port or free_port(host)
        self.extra_args = extra_args
        self._dir = tempfile.TemporaryDirectory(prefix="vg-redis-")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout_s: float = 10.0) -> RedisServer:
        if self._proc is not None and self._proc.poll() is None:
            return self
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", self.host,
            "--save", "",
            "--appendonly", "no",
            "--dir", self._dir.name,
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(Path(self._dir.name) / "redis.log"),
            *self.extra_args,
        ]  # fmt: skip
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RedisServerError(f"redis-server exited at start: {err or self._log_tail()}")
            if self.ping():
                return self
            time.sleep(0.01)
        self.kill()
        raise RedisServerError(f"redis-server did not answer on port {self.port} in {timeout_s} s")

    def ping(self, timeout_s: float = 0.2) -> bool:
        """True when the server answers PING."""
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout_s) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout_s: float = 5.0) -> None:
        """Shut down politely (SIGTERM), then by force."""
        self._end(signal.SIGTERM, timeout_s)

    def kill(self) -> None:
        """Die at once (SIGKILL), as a crash would."""
        self._end(signal.SIGKILL, 5.0)

    def restart(self, timeout_s: float = 10.0) -> RedisServer:
        """Start again on the same port (data is gone: there is no persistence)."""
        self.stop()
        return self.start(timeout_s)

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def _end(self, sig: signal.Signals, timeout_s: float) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout_s)
        if proc.stderr:
            proc.stderr.close()

    def _log_tail(self) -> str:
        log = Path(self._dir.name) / "redis.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
