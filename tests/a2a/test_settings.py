"""a2a_mcp reads no application variable: its settings come from the caller (here vidgen's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2a_mcp.client.pool import get_pool
from a2a_mcp.settings import A2AClientSettings, HttpPoolSettings, configure_pool, from_env
from video_generator.settings import Settings, a2a_client_settings

SRC = Path(__file__).resolve().parents[2] / "src" / "a2a_mcp"


def test_the_framework_names_no_vg_variable() -> None:
    named = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if "VG_" in path.read_text()]
    assert named == []


def test_from_env_reads_only_the_prefix_the_application_picks(monkeypatch) -> None:
    monkeypatch.setenv("APP_HTTP_LIMIT", "7")
    monkeypatch.setenv("LIMIT_PER_HOST", "3")  # no prefix: not ours
    monkeypatch.setenv("APP_A2A_RETRY__ATTEMPTS", "5")
    pool = from_env(HttpPoolSettings, "APP_HTTP_")
    assert type(pool) is HttpPoolSettings and pool.limit == 7 and pool.limit_per_host == 64
    client = from_env(A2AClientSettings, "APP_A2A_", call_timeout_s=9)
    assert client.retry.attempts == 5 and client.call_timeout_s == 9
    assert HttpPoolSettings().limit == 200  # a model made directly reads nothing


def test_vidgen_supplies_its_documented_variables(monkeypatch) -> None:
    monkeypatch.setenv("VG_HTTP_LIMIT_PER_HOST", "7")
    monkeypatch.setenv("VG_A2A_CALL_TIMEOUT_S", "12.5")
    monkeypatch.setenv("VG_A2A_BREAKER_FAILURES", "4")
    monkeypatch.setenv("VG_A2A_ATTEMPTS", "6")
    monkeypatch.setenv("VG_API_KEY", "k-1")
    settings = Settings()
    assert settings.http.limit_per_host == 7 and settings.http.limit == 200
    client = a2a_client_settings(settings)
    assert client.call_timeout_s == 12.5 and client.breaker_failures == 4
    assert client.retry.attempts == 6 and client.retry.max_delay_s == 1.0
    assert client.api_key is not None and client.api_key.get_secret_value() == "k-1"
    assert "VG_API_KEY" in client.api_key_hint


def test_the_process_pool_takes_the_configured_settings() -> None:
    configure_pool(HttpPoolSettings(limit=11))
    try:
        from a2a_mcp.client import pool as module

        module._pool = None
        assert get_pool().settings.limit == 11
    finally:
        configure_pool(HttpPoolSettings())
        module._pool = None


@pytest.mark.parametrize(
    ("variable", "value"), [("VG_HTTP_LIMIT", "many"), ("VG_A2A_ATTEMPTS", "0")]
)
def test_a_bad_variable_is_named_by_the_cli(monkeypatch, capsys, variable, value) -> None:
    from video_generator.cli import main
    from video_generator.settings import get_settings

    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        assert main(["cards", "--check"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert f"{variable}:" in err and "Traceback" not in err
