"""What an MCP server offers besides tools: resource sources (list, read) and prompts."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import mcp_types as types

from a2a_mcp.errors import AgentError

Contents = types.TextResourceContents | types.BlobResourceContents
TEXT_TYPES = ("text/", "application/json", "application/x-subrip", "image/svg+xml")
MAX_BLOB_BYTES = 64 * 1024 * 1024  # a resource read returns the file in one message


class ResourceNotFoundError(AgentError):
    """No resource has this URI."""

    code = "resource_not_found"


class ResourceSource(Protocol):
    """A family of resources under one URI prefix."""

    prefix: str

    def resources(self) -> list[types.Resource]: ...

    def templates(self) -> list[types.ResourceTemplate]: ...

    def read(self, uri: str) -> list[Contents]: ...


@dataclass(frozen=True)
class PromptSpec:
    """A prompt template: its arguments, and the text it renders to from their values."""

    name: str
    description: str
    render: Callable[[Mapping[str, str]], str]
    arguments: list[types.PromptArgument] = field(default_factory=list)
    title: str | None = None

    def definition(self) -> types.Prompt:
        return types.Prompt(
            name=self.name, title=self.title, description=self.description, arguments=self.arguments
        )


def mime_type(path: Path) -> str:
    """The file's MIME type by extension (SRT/VTT/Markdown known even where the OS is not)."""
    extra = {".srt": "application/x-subrip", ".vtt": "text/vtt", ".md": "text/markdown"}
    return (
        extra.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


def file_contents(uri: str, path: Path) -> list[Contents]:
    """A file as one resource contents block: text when it is text, else base64."""
    kind = mime_type(path)
    if kind.startswith(TEXT_TYPES):
        return [types.TextResourceContents(uri=uri, mime_type=kind, text=path.read_text("utf-8"))]
    size = path.stat().st_size
    if size > MAX_BLOB_BYTES:
        raise ResourceNotFoundError(
            f"{uri} is {size / 1e6:.0f} MB, more than the {MAX_BLOB_BYTES // 2**20} MiB a "
            f"resource read returns; open the file itself: {path}"
        )
    blob = base64.b64encode(path.read_bytes()).decode("ascii")
    return [types.BlobResourceContents(uri=uri, mime_type=kind, blob=blob)]
