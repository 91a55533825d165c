"""`vidgen up` with VG_API_KEYS: the mesh works with auth on, and a planted key shows up in no
log, card, package file, metric or error message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import httpx
import pytest

from video_generator.cli import main
from video_generator.settings import get_settings

EXAMPLE = "a 20-second TikTok about green tea for students, upbeat"
KEY = "planted-" + uuid.uuid4().hex  # the secret that must never leak
WRONG = "wrong-" + uuid.uuid4().hex


def _read_until(process: subprocess.Popen[str], marker: str, timeout_s: float) -> list[str]:
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if marker in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout_s):
        raise AssertionError(f"no {marker!r} within {timeout_s} s; stdout so far: {lines}")
    return lines


def _make(args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> int:
    for name in ("VG_API_KEY", "VG_API_KEYS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        return main(args)
    finally:
        get_settings.cache_clear()


def test_a_keyed_mesh_serves_keyed_clients_only_and_never_shows_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "up.log"
    env = {
        **os.environ,
        "VG_API_KEYS": f"another-key, {KEY}",
        "VG_LOG_LEVEL": "INFO",
        "VG_OUT_DIR": str(tmp_path / "out"),
    }
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "video_generator.cli", "up",
             "--base-port", "0", "--grace", "10"],
            stdout=subprocess.PIPE, stderr=log, text=True, cwd=tmp_path, env=env,
        )  # fmt: skip
    seen: list[str] = []
    try:
        lines = _read_until(process, "mesh ready", 120)
        urls = {row.split()[0]: row.split()[1] for row in lines[1:-1]}
        orchestrator = urls["orchestrator"]
        with httpx.Client(timeout=30) as client:
            for name, url in urls.items():
                card = client.get(f"{url}/.well-known/agent-card.json")
                assert card.status_code == 200 and "securitySchemes" in card.json(), name
                seen += [card.text, client.get(f"{url}/metrics").text]
                refused = client.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "x"})
                assert refused.status_code == 401, name
                wrong = client.post(url, json={}, headers={"Authorization": f"Bearer {WRONG}"})
                assert wrong.status_code == 401
                seen += [refused.text, wrong.text]

        # The CLI with the key (VG_API_KEY) gets its package through the keyed mesh ...
        out = tmp_path / "pkg"
        args = ["make", EXAMPLE, "-o", str(out), "--quiet", "--remote", orchestrator]
        assert _make(args, {"VG_API_KEY": KEY}, monkeypatch) == 0
        assert (out / "package.json").is_file()
        # ... and without it, or with a wrong one, a clear refusal (not a stack trace).
        capsys.readouterr()
        assert _make([*args[:2], "--quiet", "--remote", orchestrator], {}, monkeypatch) == 2
        refused = capsys.readouterr().err
        assert "API key" in refused and "Traceback" not in refused
        assert _make(args[:2] + args[4:], {"VG_API_KEY": WRONG}, monkeypatch) == 2
        seen.append(capsys.readouterr().err)
        seen.append(refused)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    logs = log_file.read_text()
    assert "request unauthorized" in logs  # the refusals were logged (without the keys)
    seen.append(logs)
    seen += [path.read_text(errors="replace") for path in out.rglob("*") if path.is_file()]
    for text in seen:
        assert KEY not in text
        assert WRONG not in text
