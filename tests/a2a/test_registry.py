"""AgentRegistry: agent cards on disk (1.0 and 0.3 layouts) and VG_AGENT_<NAME>_URLS overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from a2a_test_agents import EchoAgent, SleepAgent

from a2a_mcp.cards import card_json
from a2a_mcp.errors import UnknownAgentError
from a2a_mcp.registry import AgentRegistry, RegistryError, env_key


def write(folder: Path, name: str, body: object) -> None:
    (folder / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")


def test_cards_and_environment(tmp_path: Path) -> None:
    write(tmp_path, "echo", card_json(EchoAgent(), "http://127.0.0.1:10101/"))
    legacy = {  # a protocol 0.3 card: url + preferredTransport, no supportedInterfaces
        "name": "legacy",
        "description": "old",
        "version": "0.1",
        "url": "http://10.0.0.5:9000",
        "preferredTransport": "JSONRPC",
        "protocolVersion": "0.3.0",
        "capabilities": {},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [],
    }
    write(tmp_path, "legacy", legacy)
    registry = AgentRegistry.from_cards_dir(tmp_path)
    assert registry.names() == ["echo", "legacy"]
    assert registry.urls("echo") == ["http://127.0.0.1:10101"]
    assert registry.urls("legacy") == ["http://10.0.0.5:9000"]
    assert registry.card("echo") is not None and registry.card("echo").version == "1.2.3"

    env = {
        env_key("echo", "APP_AGENT_"): "http://h1:1/, http://h2:2,http://h1:1",
        env_key("sleeper", "APP_AGENT_"): "http://h3:3",
        "APP_AGENT_URLS": "ignored",
        "VG_AGENT_ECHO_URLS": "http://other-prefix:1",
        "PATH": "/bin",
    }
    moved = registry.with_env(env, prefix="APP_AGENT_")
    assert moved.urls("echo") == ["http://h1:1", "http://h2:2"]
    assert moved.urls("sleeper") == ["http://h3:3"]
    assert moved.urls("legacy") == ["http://10.0.0.5:9000"]
    assert registry.urls("echo") == ["http://127.0.0.1:10101"]  # the original is unchanged
    assert env_key("script_writer", "APP_AGENT_") == "APP_AGENT_SCRIPT_WRITER_URLS"
    assert SleepAgent.name in moved


def test_errors_name_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(UnknownAgentError, match=r"known: echo.*agents/nope\.json$"):
        AgentRegistry({"echo": ["http://a:1"]}).urls("nope")
    # Moved by variables: the error names the variable, under the application's prefix.
    moved = AgentRegistry({"echo": ["http://a:1"]}).with_env({}, prefix="APP_AGENT_")
    with pytest.raises(UnknownAgentError, match="APP_AGENT_NOPE_URLS"):
        moved.urls("nope")
    with pytest.raises(UnknownAgentError, match="APP_AGENT_NOPE_URLS"):
        moved.with_urls("other", ["http://b:2"]).urls("nope")
    with pytest.raises(RegistryError, match="APP_AGENT_ECHO_URLS: 'a:1' is not an http"):
        AgentRegistry().with_env({"APP_AGENT_ECHO_URLS": "a:1"}, prefix="APP_AGENT_")
    with pytest.raises(RegistryError, match="does not exist"):
        AgentRegistry.from_cards_dir(tmp_path / "missing")
    (tmp_path / "broken.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"broken\.json"):
        AgentRegistry.from_cards_dir(tmp_path)
