"""Run a brief on a running mesh: send it to the orchestrator over A2A, get the package back."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from a2a.types import AgentCard
from pydantic import ValidationError

from a2a_mcp.agent import Progress
from a2a_mcp.auth import auth_headers
from a2a_mcp.client import (
    A2AClient,
    A2AClientSettings,
    CallOptions,
    FileArtifact,
    HttpPool,
    get_pool,
)
from a2a_mcp.errors import AgentUnavailableError, SkillFailedError, describe_validation_error
from a2a_mcp.registry import AgentRegistry
from video_generator.core.models import VideoPackage
from video_generator.request import VideoRequest
from video_generator.settings import agent_urls_variable

ORCHESTRATOR = "orchestrator"
SKILL = "make_video"
RENDER_CALL_S = 4 * 3600.0  # a whole render, clips included, on the orchestrator
DOWNLOAD_S = 600.0  # one rendered file
READ_S = 60.0  # silence on a download's socket

# The orchestrator's card per address list, resolved once per process: fetching it again for
# every brief doubled the cost of a warm (cached) brief. Dropped when the orchestrator is gone.
_CARDS: dict[tuple[str, ...], AgentCard] = {}


def orchestrator_registry(url: str | None = None) -> AgentRegistry:
    """`url` when given; else the orchestrator's address from agents/*.json and the environment."""
    if url:
        return AgentRegistry({ORCHESTRATOR: [url]})
    from video_generator.app.mesh import mesh_registry

    return mesh_registry()


async def make_remote(
    request: VideoRequest,
    on_progress: Progress | None = None,
    *,
    url: str | None = None,
    pool: HttpPool | None = None,
    settings: A2AClientSettings | None = None,
    options: CallOptions | None = None,
) -> VideoPackage:
    """Run make_video on the orchestrator at `url` (default: from the registry); progress events
    arrive through on_progress exactly as in-process. Remote errors keep their code."""
    package, _ = await make_remote_with_files(
        request, on_progress, url=url, pool=pool, settings=settings, options=options
    )
    return package


async def make_remote_with_files(
    request: VideoRequest,
    on_progress: Progress | None = None,
    *,
    url: str | None = None,
    pool: HttpPool | None = None,
    settings: A2AClientSettings | None = None,
    options: CallOptions | None = None,
) -> tuple[VideoPackage, list[FileArtifact]]:
    """make_remote, and the files the orchestrator published (the rendered videos) as URLs."""
    if request.render is not None and (options is None or options.timeout_s is None):
        # A render takes as long as it takes on the orchestrator (its node has its own
        # timeout); the call's default deadline is sized for packages without videos.
        options = (options or CallOptions()).model_copy(update={"timeout_s": RENDER_CALL_S})
    registry = orchestrator_registry(url)
    where_key = tuple(registry.urls(ORCHESTRATOR))
    known = _CARDS.get(where_key)
    if settings is None:
        from video_generator.settings import a2a_client_settings

        settings = a2a_client_settings()  # VG_A2A_* and this process's key (VG_API_KEY)
    client = A2AClient(
        registry,
        session_pool=pool,
        settings=settings,
        cards={ORCHESTRATOR: known} if known is not None else None,
    )
    try:
        data, files = await client.call_with_files(
            ORCHESTRATOR, SKILL, request, on_progress, options
        )
        _CARDS[where_key] = await client.card(ORCHESTRATOR)
    except AgentUnavailableError as exc:
        _CARDS.pop(where_key, None)
        if exc.details.get("agent") not in (ORCHESTRATOR, None):
            raise
        where = ", ".join(registry.urls(ORCHESTRATOR))
        variable = agent_urls_variable(ORCHESTRATOR)
        raise AgentUnavailableError(
            f"no orchestrator answers at {where}: start the mesh with `vidgen up`, or pass the "
            f"orchestrator's URL to --remote (or set {variable}). ({exc.message})",
            details=exc.details,
        ) from None
    finally:
        await client.aclose()
    try:
        return VideoPackage.model_validate(_sorted_maps(data)), files
    except ValidationError as exc:
        summary, errors = describe_validation_error(exc)
        raise SkillFailedError(
            f"the orchestrator at {', '.join(registry.urls(ORCHESTRATOR))} sent a package this "
            f"version cannot read: {summary}",
            details={"errors": errors},
        ) from None


async def download_files(
    files: Sequence[FileArtifact],
    out_dir: Path,
    *,
    pool: HttpPool | None = None,
    timeout_s: float = DOWNLOAD_S,
    api_key: str | None = None,
    key_origins: Sequence[str] = (),
) -> list[Path]:
    """GET each file artifact into out_dir/<its name> over the pooled session, streamed to
    disk (a partial file is renamed into place only when complete); returns the paths.

    `api_key` goes only to URLs on one of `key_origins` (the orchestrator's addresses): a
    file URL elsewhere never gets the key."""
    pool = pool or get_pool()
    trusted = {_origin(url) for url in key_origins}
    written = []
    for item in files:
        target = out_dir / _safe_name(item.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        try:
            headers = auth_headers(api_key) if _origin(item.url) in trusted else {}
            async with pool.session.get(
                item.url, headers=headers, timeout=pool.timeout(timeout_s, read_s=READ_S)
            ) as resp:
                if resp.status != 200:
                    body = (await resp.text(errors="replace"))[:300]
                    raise SkillFailedError(
                        f"could not download {item.name} from {item.url}: HTTP {resp.status} "
                        f"{body}",
                        details={"url": item.url, "status": resp.status},
                    )
                with partial.open("wb") as out:
                    async for chunk in resp.content.iter_chunked(1 << 16):
                        out.write(chunk)
        except (aiohttp.ClientError, TimeoutError) as exc:
            partial.unlink(missing_ok=True)
            raise AgentUnavailableError(
                f"could not download {item.name} from {item.url}: {type(exc).__name__} {exc}",
                details={"url": item.url},
            ) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        written.append(target)
    return written


def _origin(url: str) -> tuple[str, str, int | None]:
    parsed = urlsplit(url)
    return parsed.scheme.lower(), (parsed.hostname or "").lower(), parsed.port


def _safe_name(name: str) -> Path:
    """An artifact name as a path inside the package folder (never outside it)."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts):
        raise SkillFailedError(
            f"the orchestrator sent a file named {name!r}, which is not a path inside a package "
            "folder; it was not written",
            details={"name": name},
        )
    return Path(*pure.parts)


def _sorted_maps(value: Any) -> Any:
    """Every JSON object with its keys sorted. A2A data parts (protobuf Struct) do not keep key
    order; validation puts model fields back in class order, and free-form maps (the package's
    `engine`) get the sorted order runtime.engine_info writes them in, so files match."""
    if isinstance(value, dict):
        return {key: _sorted_maps(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_maps(item) for item in value]
    return value
