"""Where each agent lives: agent cards in agents/*.json, overridden by <PREFIX><NAME>_URLS."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from a2a.client.card_resolver import parse_agent_card
from a2a.types import AgentCard
from a2a.utils.constants import TransportProtocol
from google.protobuf.json_format import ParseError

from a2a_mcp.errors import AgentError, UnknownAgentError


class RegistryError(AgentError):
    """An agent card or a replica list is unusable; the message says which and why."""

    code = "registry_error"


def env_key(name: str, prefix: str) -> str:
    """The variable listing an agent's replicas, under the prefix the application chose:
    ("script_writer", "APP_AGENT_") -> APP_AGENT_SCRIPT_WRITER_URLS."""
    return f"{prefix}{re.sub(r'[^A-Za-z0-9]', '_', name).upper()}_URLS"


def _clean_urls(urls: Sequence[str], where: str) -> list[str]:
    cleaned: list[str] = []
    for raw in urls:
        url = raw.strip().rstrip("/")
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            raise RegistryError(
                f"{where}: '{raw}' is not an http(s) URL (like http://127.0.0.1:10101)"
            )
        if url not in cleaned:
            cleaned.append(url)
    return cleaned


def card_url(card: AgentCard) -> str | None:
    """The card's JSON-RPC URL, preferring protocol 1.x; else its first interface's URL."""
    jsonrpc = [
        i for i in card.supported_interfaces if i.protocol_binding == TransportProtocol.JSONRPC
    ]
    for interface in jsonrpc:
        if interface.protocol_version.startswith("1."):
            return interface.url
    if jsonrpc:
        return jsonrpc[0].url
    return card.supported_interfaces[0].url if card.supported_interfaces else None


class AgentRegistry:
    """Agent name -> replica URLs (each the agent's base URL: JSON-RPC endpoint and card root)."""

    def __init__(
        self,
        urls: Mapping[str, Sequence[str]] | None = None,
        cards: Mapping[str, AgentCard] | None = None,
        *,
        env_prefix: str | None = None,
    ) -> None:
        self._urls = {
            name: _clean_urls(found, f"agent '{name}'") for name, found in (urls or {}).items()
        }
        self._cards = dict(cards or {})
        # The prefix of the variables that moved agents (with_env): errors name the variable.
        self.env_prefix = env_prefix

    @classmethod
    def from_cards_dir(cls, path: str | Path) -> AgentRegistry:
        """Read every *.json agent card in `path` (A2A 1.0 or 0.3 layout)."""
        folder = Path(path)
        if not folder.is_dir():
            raise RegistryError(f"agent card folder '{folder}' does not exist")
        urls: dict[str, list[str]] = {}
        cards: dict[str, AgentCard] = {}
        for file in sorted(folder.glob("*.json")):
            try:
                card = parse_agent_card(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError, ParseError) as exc:
                raise RegistryError(f"agent card '{file}' is not a valid A2A card: {exc}") from None
            if not card.name:
                raise RegistryError(f"agent card '{file}' has no name")
            url = card_url(card)
            if url is None:
                raise RegistryError(
                    f"agent card '{file}' names no URL (supportedInterfaces or url)"
                )
            cards[card.name] = card
            urls.setdefault(card.name, []).append(url)
        return cls(urls, cards)

    def with_env(self, environ: Mapping[str, str], *, prefix: str) -> AgentRegistry:
        """A copy where <prefix><NAME>_URLS=http://h:p,http://h:p2 replaces (or adds) replicas;
        the application picks the prefix (like APP_AGENT_)."""
        urls = {name: list(found) for name, found in self._urls.items()}
        keys = {env_key(name, prefix): name for name in urls}
        pattern = re.compile(rf"^{re.escape(prefix)}(?P<name>[A-Z0-9_]+)_URLS$")
        for key, value in environ.items():
            match = pattern.match(key)
            if match is None:
                continue
            name = keys.get(key, match["name"].lower())
            found = _clean_urls(value.split(","), key)
            if not found:
                raise RegistryError(f"{key} is set but lists no URL")
            urls[name] = found
        return AgentRegistry(urls, self._cards, env_prefix=prefix)

    def with_urls(self, name: str, urls: Sequence[str]) -> AgentRegistry:
        """A copy with `name` served at `urls`."""
        merged = {**self._urls, name: list(urls)}
        return AgentRegistry(merged, self._cards, env_prefix=self.env_prefix)

    def where_set(self, name: str) -> str:
        """Where an agent's address is configured, for error messages."""
        if self.env_prefix is None:
            return f"agents/{name}.json"
        return f"agents/{name}.json or {env_key(name, self.env_prefix)}"

    def names(self) -> list[str]:
        return sorted(self._urls)

    def urls(self, name: str) -> list[str]:
        """The agent's replica URLs; UnknownAgentError naming the known agents if there are none."""
        found = self._urls.get(name)
        if not found:
            known = ", ".join(self.names()) or "none"
            raise UnknownAgentError(
                f"no address known for agent '{name}' (known: {known}); set it in "
                f"{self.where_set(name)}"
            )
        return list(found)

    def card(self, name: str) -> AgentCard | None:
        """The card read from agents/*.json, if any (clients still resolve the live one)."""
        return self._cards.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._urls
