"""Generate the AI clips of a package's cuts on fal.ai: estimate, upload, queue, download, trim.

Layout under the package folder:

    clips/raw/<shot>-<key>.mp4        the clip as fal made it (reused by later runs)
    clips/<platform>/<shot>.mp4       trimmed (or held) to the shot's length in that cut
    clips/uploads.json                sha256 of each uploaded frame -> its fal URL
    clips/report.json                 what was asked, what came back, what it cost

raw/ and uploads.json may live elsewhere (`paid_dir`), shared by many renders: a clip is then
paid for once, whichever render asks for it again.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from a2a_mcp.agent import Progress
from a2a_mcp.errors import AgentError
from a2a_mcp.observability import get_logger
from video_generator.core.models import VideoPackage
from video_generator.render.fal import metrics
from video_generator.render.fal.cost import (
    ClipJob,
    ClipUse,
    CostEstimate,
    Frames,
    check_budget,
    estimate_plan,
    plan_clips,
)
from video_generator.render.fal.errors import FalError, FalModelError, FalRequestError
from video_generator.render.fal.models import MODELS, FalModel, Mode, build_payload, get_model
from video_generator.render.fal.queue import FalQueueClient, QueueHandle, QueueStatus
from video_generator.render.fal.uploads import UploadCache
from video_generator.render.tools import cpu_count, ffmpeg_exe, run_tool

log = get_logger("fal.clips")

CLIPS_DIR = "clips"
REPORT_NAME = "report.json"
TRIM_TIMEOUT_S = 300.0


class ClipStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    REUSED = "reused"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ShotClip(BaseModel):
    """One platform's shot: the request that made its clip, the file, and what it cost."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    shot_id: str
    clip_key: str
    request_id: str | None = None
    status: ClipStatus
    clip: Path | None = Field(default=None, description="Trimmed to the shot's length.")
    raw: Path | None = Field(default=None, description="The clip as fal made it.")
    seconds: float = Field(ge=0, description="The shot's length in this cut.")
    billed_s: int
    cost_usd: float = Field(
        ge=0, description="Charged to this shot: 0 when reused, or shared and paid elsewhere."
    )
    shared_with: str | None = None
    error: str | None = None


class ClipsReport(BaseModel):
    """The outcome of generate_clips; written to clips/report.json in the package."""

    model_config = ConfigDict(extra="forbid")

    model_id: str
    out_dir: Path
    estimate: CostEstimate
    shots: list[ShotClip]
    requests: int = Field(description="Clips asked of fal in this run.")
    reused: int = Field(description="Clips found from an earlier run (not paid again).")
    uploads: int = Field(description="Frames uploaded in this run.")
    uploads_reused: int = Field(description="Frames whose URL came from the upload cache.")
    actual_usd: float = Field(description="Cost of the clips fal completed in this run.")
    seconds: float = Field(ge=0, description="Wall time of the run.")
    status: ClipStatus
    notes: list[str] = Field(default_factory=list)

    def paths(self, platform: str) -> dict[str, Path]:
        """shot_id -> trimmed clip, for one platform's cut (what the assembly takes)."""
        return {
            shot.shot_id: shot.clip
            for shot in self.shots
            if shot.platform == platform and shot.clip is not None
        }

    @property
    def clips(self) -> dict[str, Path]:
        """shot_id -> trimmed clip of the first platform (the whole answer for one platform)."""
        first = self.shots[0].platform if self.shots else ""
        return self.paths(first)

    def to_text(self) -> str:
        done = sum(1 for s in self.shots if s.status in (ClipStatus.COMPLETED, ClipStatus.REUSED))
        return (
            f"{self.model_id}: {done}/{len(self.shots)} shots have clips "
            f"({self.requests} made, {self.reused} reused); cost ${self.actual_usd:.2f} "
            f"(estimated ${self.estimate.total_usd:.2f}); {self.out_dir / CLIPS_DIR}"
        )


class _JobState:
    """What one request has become as the run goes."""

    def __init__(self, job: ClipJob, raw: Path) -> None:
        self.job = job
        self.raw = raw
        self.status = ClipStatus.PENDING
        self.request_id: str | None = None
        self.error: str | None = None
        self.clips: dict[str, Path] = {}  # platform -> trimmed clip
        self.last: tuple[str, int | None] | None = None


def _video_url(result: dict[str, Any], handle: QueueHandle) -> str:
    video = result.get("video")
    url = video.get("url") if isinstance(video, dict) else None
    if not isinstance(url, str) or not url:
        raise FalRequestError(
            f"the result of request {handle.request_id} ({handle.endpoint_id}) has no video "
            f"URL: {str(result)[:200]}",
            request_id=handle.request_id,
        )
    return url


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


async def trim_clip(
    raw: Path,
    out: Path,
    seconds: float,
    *,
    width: int,
    height: int,
    fps: int,
    platform: str | None = None,
) -> Path:
    """Cut (or, when short, hold the last frame of) a clip to `seconds`, cropped to fill
    width x height at fps, without audio (the package brings its own voice-over)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.part.mp4")
    width, height = _even(width), _even(height)
    filters = (
        f"scale={width}:{height}:force_original_aspect_ratio=increase,"
        f"crop={width}:{height},setsar=1,fps={fps},"
        f"tpad=stop_mode=clone:stop_duration={seconds:.3f}"
    )
    args = [
        ffmpeg_exe(),
        "-y",
        "-v",
        "error",
        "-i",
        str(raw),
        "-vf",
        filters,
        "-t",
        f"{seconds:.3f}",
        "-an",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "20",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        str(partial),
    ]
    try:
        await run_tool(args, step="trim clip", platform=platform, timeout_s=TRIM_TIMEOUT_S)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return out


def _missing_frames_error(model: FalModel, missing: list[ClipUse]) -> FalModelError:
    text_models = [m.id for m in MODELS.values() if m.endpoint(Mode.TEXT) is not None]
    first = ", ".join(f"{u.platform}/{u.shot_id}" for u in missing[:3])
    return FalModelError(
        f"{model.id} makes clips only from images, and {len(missing)} shots have no frame "
        f"(e.g. {first}). Render the preview first so every shot has a frame (render_with_clips "
        f"does this), or choose a text-to-video model: {', '.join(text_models)}.",
        details={"model": model.id, "missing": [f"{u.platform}/{u.shot_id}" for u in missing]},
    )


def _first_error(group: BaseExceptionGroup) -> BaseException:
    """The error to show: a FalError first, else any AgentError, else the first one."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        item = pending.pop(0)
        if isinstance(item, BaseExceptionGroup):
            pending.extend(item.exceptions)
        else:
            leaves.append(item)
    for kind in (FalError, AgentError):
        for leaf in leaves:
            if isinstance(leaf, kind):
                return leaf
    return leaves[0]


async def generate_clips(
    pkg: VideoPackage,
    model_id: str,
    out_dir: Path,
    *,
    budget_usd: float | None = None,
    max_concurrency: int = 4,
    on_progress: Progress | None = None,
    frames: Frames | None = None,
    platforms: list[str] | None = None,
    resolutions: Mapping[str, tuple[int, int]] | None = None,
    client: FalQueueClient,
    paid_dir: Path | None = None,
) -> ClipsReport:
    """Make every clip the package's cuts need with `model_id`, download and trim them.

    Before any call: the plan, the estimate and the budget (BudgetExceededError over it).
    Shots go to fal `max_concurrency` at a time. A failure cancels the clips still at fal and
    raises the FalError; cancelling this coroutine PUTs cancel for every request in flight,
    then re-raises. Clips already downloaded stay in clips/raw and are reused by the next run.
    `frames` ("<platform>/<shot_id>" or "<shot_id>" -> image) selects image-to-video;
    `resolutions` (platform -> (width, height)) overrides each cut's size for the trimmed clips.
    `paid_dir` holds the raw clips and the upload cache (default: out_dir/clips).
    """
    started = time.perf_counter()
    model = get_model(model_id)
    plan = plan_clips(pkg, model, platforms, frames)
    missing = plan.missing_frames()
    if missing:
        raise _missing_frames_error(model, missing)
    estimate = estimate_plan(plan, model, pkg)
    check_budget(estimate, budget_usd, pkg)

    folder = Path(out_dir) / CLIPS_DIR
    paid = Path(paid_dir) if paid_dir is not None else folder
    raw_dir = paid / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    uploads = UploadCache(client, paid)
    states = [_JobState(job, raw_dir / f"{job.shot_id}-{job.key}.mp4") for job in plan.jobs]
    total = len(states)
    done = 0
    gate = asyncio.Semaphore(max(1, max_concurrency))
    trims = asyncio.Semaphore(cpu_count())
    cuts = {cut.platform: cut for cut in pkg.cuts}

    async def report_progress(message: str, data: dict[str, Any]) -> None:
        if on_progress is not None:
            await on_progress(done / total if total else 1.0, message, data)

    async def on_status(state: _JobState, handle: QueueHandle, status: QueueStatus) -> None:
        seen = (status.status, status.queue_position)
        if seen == state.last:
            return
        state.last = seen
        where = f" (position {status.queue_position})" if status.queue_position is not None else ""
        await report_progress(
            f"clip {state.job.shot_id}: {status.status.lower().replace('_', ' ')}{where}",
            {
                "shot_id": state.job.shot_id,
                "request_id": handle.request_id,
                "status": status.status,
                "queue_position": status.queue_position,
                "logs": [str(entry.get("message", "")) for entry in status.logs[-3:]],
            },
        )

    async def make(state: _JobState) -> None:
        job = state.job
        async with gate:
            image_url = await uploads.url_for(job.frame) if job.frame is not None else None
            payload = build_payload(
                model,
                job.mode,
                prompt=job.prompt,
                negative_prompt=job.negative_prompt,
                duration_s=job.billed_s,
                aspect=job.aspect,
                image_url=image_url,
            )
            handle = await client.submit(job.endpoint_id, payload)
            state.request_id = handle.request_id
            result = await client.wait(handle, on_status=lambda h, s: on_status(state, h, s))
            await client.download(_video_url(result, handle), state.raw)
        state.status = ClipStatus.COMPLETED
        metrics.CLIPS.labels(model.id, "completed").inc()
        metrics.COST.labels(model.id).inc(model.cost(job.billed_s))

    async def trim(state: _JobState, use: ClipUse) -> None:
        cut = cuts[use.platform]
        width, height = (resolutions or {}).get(
            use.platform, (cut.resolution.width, cut.resolution.height)
        )
        out = folder / use.platform / f"{use.shot_id}.mp4"
        async with trims:
            await trim_clip(
                state.raw,
                out,
                use.requested_s,
                width=width,
                height=height,
                fps=cut.fps,
                platform=use.platform,
            )
        state.clips[use.platform] = out

    async def run(state: _JobState) -> None:
        nonlocal done
        try:
            if state.raw.is_file():
                state.status = ClipStatus.REUSED
                metrics.CLIPS.labels(model.id, "reused").inc()
            else:
                await make(state)
            await asyncio.gather(*(trim(state, use) for use in state.job.uses))
        except asyncio.CancelledError:
            state.status = ClipStatus.CANCELLED
            metrics.CLIPS.labels(model.id, "cancelled").inc()
            raise
        except BaseException as exc:
            state.status = ClipStatus.FAILED
            state.error = str(exc)
            metrics.CLIPS.labels(model.id, "failed").inc()
            raise
        done += 1
        await report_progress(
            f"clip {state.job.shot_id}: {state.status.value}",
            {"shot_id": state.job.shot_id, "request_id": state.request_id, "status": "done"},
        )

    def finish(status: ClipStatus) -> ClipsReport:
        report = _report(model, Path(out_dir), estimate, plan.notes, states, uploads, status)
        report.seconds = round(time.perf_counter() - started, 3)
        _write_report(folder / REPORT_NAME, report)
        return report

    log.info(
        "fal_clips_started",
        model=model.id,
        clips=total,
        estimate_usd=estimate.total_usd,
        concurrency=max_concurrency,
    )
    try:
        async with asyncio.TaskGroup() as group:
            for state in states:
                group.create_task(run(state))
    except asyncio.CancelledError:
        finish(ClipStatus.CANCELLED)
        raise
    except BaseExceptionGroup as failures:
        report = finish(ClipStatus.FAILED)
        error = _first_error(failures)
        if isinstance(error, AgentError):
            error.details.setdefault("spent_usd", report.actual_usd)
        raise error from None
    report = finish(ClipStatus.COMPLETED)
    log.info("fal_clips_done", model=model.id, cost_usd=report.actual_usd, seconds=report.seconds)
    return report


def _report(
    model: FalModel,
    out_dir: Path,
    estimate: CostEstimate,
    notes: list[str],
    states: list[_JobState],
    uploads: UploadCache,
    status: ClipStatus,
) -> ClipsReport:
    shots: list[ShotClip] = []
    for state in states:
        paid = state.status is ClipStatus.COMPLETED
        first = state.job.uses[0].platform
        for index, use in enumerate(state.job.uses):
            shots.append(
                ShotClip(
                    platform=use.platform,
                    shot_id=use.shot_id,
                    clip_key=state.job.key,
                    request_id=state.request_id,
                    status=state.status,
                    clip=state.clips.get(use.platform),
                    raw=state.raw if state.raw.is_file() else None,
                    seconds=use.requested_s,
                    billed_s=state.job.billed_s,
                    cost_usd=model.cost(state.job.billed_s) if paid and index == 0 else 0.0,
                    shared_with=first if index else None,
                    error=state.error,
                )
            )
    order = {cut.platform: i for i, cut in enumerate(estimate.platforms)}
    shots.sort(key=lambda s: (order.get(s.platform, len(order)), _shot_index(estimate, s)))
    cancelled = sum(1 for s in states if s.status is ClipStatus.CANCELLED and s.request_id)
    extra = list(notes)
    if cancelled:
        extra.append(
            f"{cancelled} requests were cancelled at fal; one that had already started may "
            "still be billed (fal's dashboard shows it)."
        )
    return ClipsReport(
        model_id=model.id,
        out_dir=out_dir,
        estimate=estimate,
        shots=shots,
        requests=sum(1 for s in states if s.request_id),
        reused=sum(1 for s in states if s.status is ClipStatus.REUSED),
        uploads=uploads.uploaded,
        uploads_reused=uploads.reused,
        actual_usd=round(
            sum(model.cost(s.job.billed_s) for s in states if s.status is ClipStatus.COMPLETED),
            2,
        ),
        seconds=0.0,
        status=status,
        notes=extra,
    )


def _shot_index(estimate: CostEstimate, shot: ShotClip) -> int:
    for platform in estimate.platforms:
        if platform.platform == shot.platform:
            for index, row in enumerate(platform.shots):
                if row.shot_id == shot.shot_id:
                    return index
    return 0


def _write_report(path: Path, report: ClipsReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(
        orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"
    )
    os.replace(partial, path)
