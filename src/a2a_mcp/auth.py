"""API keys for A2A (and MCP) endpoints: parse a key list, check a presented token, name it.

Callers pass the keys in (the application reads them from its own settings); nothing here reads
the environment. A key never leaves this module in the clear: logs and rate-limit buckets use its
fingerprint, a short hash that identifies a key without revealing it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

BEARER = "bearer"  # the card's security scheme names
API_KEY = "apiKey"
API_KEY_HEADER = "X-API-Key"


def parse_api_keys(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """ "k1, k2,,k3" (or a list of keys) -> ("k1", "k2", "k3"): stripped, empties dropped,
    duplicates dropped, order kept."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    keys: list[str] = []
    for item in items:
        key = item.strip()
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def fingerprint(key: str) -> str:
    """A stable, non-reversible name for a key: "key-" and 8 hex digits of its SHA-256."""
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def auth_headers(token: str | None) -> dict[str, str]:
    """The header a client sends its token in (none without a token)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def presented_token(headers: Mapping[str, str]) -> str | None:
    """The token a request carries: `Authorization: Bearer <key>`, else `X-API-Key: <key>`."""
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    api_key = headers.get(API_KEY_HEADER.lower(), "").strip()
    return api_key or None


class ApiKeys:
    """The keys a server accepts; compares in constant time so a guess learns nothing."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = tuple(key.encode() for key in parse_api_keys(keys))

    def __bool__(self) -> bool:
        return bool(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:  # never the keys themselves
        return f"ApiKeys(<{len(self._keys)} keys>)"

    def check(self, token: str | None) -> str | None:
        """The fingerprint of the key `token` is, or None when it is no accepted key."""
        if not token:
            return None
        presented = token.encode()
        found = None
        for key in self._keys:  # every key compared, so timing does not say which matched
            if hmac.compare_digest(presented, key):
                found = key
        return fingerprint(found.decode()) if found is not None else None
