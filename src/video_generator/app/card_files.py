"""agents/*.json: the A2A agent cards, generated from the agents' code so they never drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from a2a_mcp.cards import card_json
from video_generator.app.runtime import all_agents


def expected_cards(host: str = "127.0.0.1") -> dict[str, dict[str, Any]]:
    """Each agent's card as served on its default port."""
    return {
        agent.name: card_json(agent, f"http://{host}:{agent.default_port}")
        for agent in all_agents()
    }


def _render(card: dict[str, Any]) -> str:
    return json.dumps(card, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_cards(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, card in expected_cards().items():
        path = folder / f"{name}.json"
        path.write_text(_render(card), encoding="utf-8")
        written.append(path)
    return written


def check_cards(folder: Path) -> list[str]:
    """Names of agents whose card file is missing or differs from the code."""
    drifted = []
    for name, card in expected_cards().items():
        path = folder / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != _render(card):
            drifted.append(name)
    return drifted
