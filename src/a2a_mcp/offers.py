"""What an agent, a skill's output or a skill wrapper may offer beyond the base contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from a2a_mcp.mcp.tools import ResourceRef

# Each is runtime_checkable: the server asks `isinstance(output, TextArtifacts)` and so on, so a
# product's models and agents opt in by defining the member, without importing these classes.


@runtime_checkable
class TextArtifacts(Protocol):
    """An output that publishes extra text artifacts next to its JSON (name -> text)."""

    def a2a_text_artifacts(self) -> dict[str, str]: ...


@runtime_checkable
class FileArtifacts(Protocol):
    """An output that publishes files (artifact name -> path under the agent's files folder);
    the server sends their URLs, never their bytes."""

    def a2a_file_artifacts(self) -> Mapping[str, Path]: ...


@runtime_checkable
class ServesFiles(Protocol):
    """An agent with a folder of files its outputs may publish (served at GET /files/...)."""

    @property
    def files_dir(self) -> Path | None: ...


@runtime_checkable
class McpSummary(Protocol):
    """An output with a short human summary, shown before its JSON in an MCP tool result."""

    def mcp_summary(self) -> str: ...


@runtime_checkable
class McpResourceLinks(Protocol):
    """An output that names MCP resources (its files) as links in the tool result."""

    def mcp_resource_links(self) -> Sequence[ResourceRef]: ...


@runtime_checkable
class CacheContext(Protocol):
    """An agent whose own options shape its outputs (a cache key holds them with the input)."""

    def cache_context(self) -> Mapping[str, Any]: ...


@runtime_checkable
class MayCache(Protocol):
    """An input that can say its result is not for a cache (neither read nor written)."""

    def may_cache(self) -> bool: ...


@runtime_checkable
class Closable(Protocol):
    """Something holding per-event-loop resources (a skill wrapper's cache connections)."""

    async def aclose(self) -> None: ...


@runtime_checkable
class Startable(Protocol):
    """A task store with work to do once the event loop runs (connect, recover, prune)."""

    async def start(self) -> None: ...
