"""Launching: `vidgen up` as a real process tree, `vidgen agent`, ports, replicas, registry."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mesh_helpers import EXAMPLE

from video_generator.app.launcher import MeshLauncher, MeshStartError, parse_replicas
from video_generator.app.mesh import AGENTS, build_agent, default_port, mesh_registry
from video_generator.cli import main
from video_generator.cli.serve import AGENT_NAMES
from video_generator.core.models import VideoPackage

ROOT = Path(__file__).resolve().parents[2]


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port with a listener on 127.0.0.1 whose next four ports are free, so a mesh based on it
    finds only the orchestrator's port taken (another process may hold a neighbour by chance)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            if all(_free(port + offset) for offset in range(1, 5)):
                sock.listen()
                yield port
                return
    pytest.fail("found no free block of five ports on 127.0.0.1")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _read_until(process: subprocess.Popen[str], marker: str, timeout_s: float) -> list[str]:
    """Lines of the child's stdout up to the one holding `marker` (bounded in time)."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if marker in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout_s):
        raise AssertionError(f"no {marker!r} within {timeout_s} s; stdout so far: {lines}")
    return lines


def test_vidgen_up_serves_a_brief_and_stops_every_agent_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "VG_LOG_LEVEL": "WARNING", "VG_OUT_DIR": str(tmp_path / "out")}
    process = subprocess.Popen(
        [sys.executable, "-m", "video_generator.cli", "up", "--base-port", "0",
         "--replicas", "platform_adapter=2", "--grace", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    try:
        lines = _read_until(process, "mesh ready", 120)
        rows = [line.split() for line in lines[1:-1]]
        where = {row[0]: (row[1], int(row[2])) for row in rows}
        assert set(where) == {*AGENTS, "platform_adapter#2"}
        for url, pid in where.values():
            assert url.startswith("http://127.0.0.1:") and _alive(pid)
        url = where["orchestrator"][0]
        assert f"--remote {url}" in lines[-1]

        out = tmp_path / "pkg"
        assert main(["make", EXAMPLE, "-o", str(out), "--quiet", "--remote", url]) == 0
        package = VideoPackage.model_validate_json((out / "package.json").read_bytes())
        assert package.quality.passed

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        pids = [pid for _, pid in where.values()]
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_up_with_a_port_in_use_names_the_agent_and_exits_2(busy_port: int, capsys) -> None:
    # The orchestrator's port is the base port: taken, so nothing starts.
    assert main(["up", "--base-port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot start agent 'orchestrator': port {busy_port}" in err
    assert "already in use" in err and "Traceback" not in err


def test_agent_with_a_port_in_use_names_the_agent_and_exits_2(busy_port: int, capsys) -> None:
    assert main(["agent", "script_writer", "--port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot serve agent 'script_writer'")
    assert f"port {busy_port}" in err and "Traceback" not in err


def test_unknown_agent_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["agent", "painter"])
    assert caught.value.code == 2
    assert "invalid choice: 'painter'" in capsys.readouterr().err


def test_ports_follow_the_base_port_and_replicas_take_the_next_ones() -> None:
    launcher = MeshLauncher(base_port=20100, replicas={"scene_designer": 3, "orchestrator": 2})
    ports = [(m.label, m.port) for m in launcher.members]
    assert ports == [
        ("script_writer", 20101),
        ("scene_designer", 20102),
        ("scene_designer#2", 20105),
        ("scene_designer#3", 20106),
        ("timing_coordinator", 20103),
        ("platform_adapter", 20104),
        ("orchestrator", 20100),
        ("orchestrator#2", 20107),
    ]
    assert launcher.urls()["scene_designer"] == [
        "http://127.0.0.1:20102", "http://127.0.0.1:20105", "http://127.0.0.1:20106"
    ]  # fmt: skip
    default = MeshLauncher()
    assert {m.name: m.port for m in default.members} == {n: default_port(n) for n in AGENTS}


def test_replica_flags_are_checked() -> None:
    assert parse_replicas(["script_writer=2", "orchestrator=1"]) == {
        "script_writer": 2, "orchestrator": 1
    }  # fmt: skip
    for bad in ("script_writer", "script_writer=0", "painter=2", "script_writer=two"):
        with pytest.raises(MeshStartError, match="NAME=N"):
            parse_replicas([bad])


def test_the_registry_takes_replicas_from_the_environment() -> None:
    registry = mesh_registry(
        {"VG_AGENT_SCRIPT_WRITER_URLS": "http://127.0.0.1:1,http://127.0.0.1:2"}
    )
    assert registry.urls("script_writer") == ["http://127.0.0.1:1", "http://127.0.0.1:2"]
    assert registry.urls("orchestrator") == [f"http://127.0.0.1:{default_port('orchestrator')}"]
    for name in AGENTS:
        assert build_agent(name).name == name


def test_the_cli_knows_every_agent() -> None:
    assert set(AGENT_NAMES) == set(AGENTS)
