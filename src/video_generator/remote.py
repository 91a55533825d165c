"""Run a brief on a running mesh: send it to the orchestrator over A2A, get the package back."""

from __future__ import annotations

from typing import Any

from a2a.types import AgentCard
from pydantic import ValidationError

from a2a_mcp.agent import Progress
from a2a_mcp.client import A2AClient, A2AClientSettings, CallOptions, HttpPool
from a2a_mcp.errors import AgentUnavailableError, SkillFailedError, describe_validation_error
from a2a_mcp.registry import AgentRegistry, env_key
from video_generator.models import VideoPackage, VideoRequest

ORCHESTRATOR = "orchestrator"
SKILL = "make_video"

# The orchestrator's card per address list, resolved once per process: fetching it again for
# every brief doubled the cost of a warm (cached) brief. Dropped when the orchestrator is gone.
_CARDS: dict[tuple[str, ...], AgentCard] = {}


def orchestrator_registry(url: str | None = None) -> AgentRegistry:
    """`url` when given; else the orchestrator's address from agents/*.json and the environment."""
    if url:
        return AgentRegistry({ORCHESTRATOR: [url]})
    from video_generator.mesh import mesh_registry

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
    registry = orchestrator_registry(url)
    where_key = tuple(registry.urls(ORCHESTRATOR))
    known = _CARDS.get(where_key)
    client = A2AClient(
        registry,
        session_pool=pool,
        settings=settings,
        cards={ORCHESTRATOR: known} if known is not None else None,
    )
    try:
        data = await client.call(ORCHESTRATOR, SKILL, request, on_progress, options)
        _CARDS[where_key] = await client.card(ORCHESTRATOR)
    except AgentUnavailableError as exc:
        _CARDS.pop(where_key, None)
        if exc.details.get("agent") not in (ORCHESTRATOR, None):
            raise
        where = ", ".join(registry.urls(ORCHESTRATOR))
        raise AgentUnavailableError(
            f"no orchestrator answers at {where}: start the mesh with `vidgen up`, or pass the "
            f"orchestrator's URL to --remote (or set {env_key(ORCHESTRATOR)}). ({exc.message})",
            details=exc.details,
        ) from None
    finally:
        await client.aclose()
    try:
        return VideoPackage.model_validate(_sorted_maps(data))
    except ValidationError as exc:
        summary, errors = describe_validation_error(exc)
        raise SkillFailedError(
            f"the orchestrator at {', '.join(registry.urls(ORCHESTRATOR))} sent a package this "
            f"version cannot read: {summary}",
            details={"errors": errors},
        ) from None


def _sorted_maps(value: Any) -> Any:
    """Every JSON object with its keys sorted. A2A data parts (protobuf Struct) do not keep key
    order; validation puts model fields back in class order, and free-form maps (the package's
    `engine`) get the sorted order runtime.engine_info writes them in, so files match."""
    if isinstance(value, dict):
        return {key: _sorted_maps(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_maps(item) for item in value]
    return value
