"""The orchestrator's render node: a package's videos rendered into a work folder of its task."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from functools import partial
from pathlib import Path

import orjson
import structlog
from pydantic import SecretStr

from a2a_mcp.agent import Progress, no_progress
from a2a_mcp.errors import InvalidInputError
from video_generator.core.models import RenderedClips, RenderedPlatform, RenderSummary, VideoPackage
from video_generator.render.options import RenderOptions
from video_generator.render.report import RenderReport
from video_generator.render.services import RenderServices
from video_generator.request import RenderRequest
from video_generator.settings import Settings

log = structlog.get_logger(component="render_node")

_TASK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
REPORT = "render.json"
FINAL_REPORT = "final.json"
# Beside the task folders: raw AI clips and the upload cache, shared by every render so a clip
# is paid for once (never pruned; the name cannot be a task id).
PAID_CLIPS = "_paid_clips"
CLIPS_REPORT = "clips/report.json"
# Beside the task folders too: stock footage downloads, content-addressed, shared by renders.
STOCK_CACHE = "_stock_cache"
CREDITS = "credits.txt"


class RenderWorkspace:
    """One folder per task under `root`; the `keep` most recent are kept, older ones pruned
    when a new render starts (never one this process is still rendering into)."""

    def __init__(self, root: Path, keep: int = 20) -> None:
        self.root = Path(root)
        self.keep = max(1, keep)
        self._active: set[str] = set()

    def folder_for(self, task_id: str) -> Path:
        """The task's folder, created empty-or-as-left; prunes the oldest beyond `keep`."""
        if not _TASK_ID.match(task_id):
            raise InvalidInputError(
                f"task id {task_id!r} cannot name a render folder (letters, digits, '_.-')",
                details={"field": "task_id"},
            )
        folder = self.root / task_id
        folder.mkdir(parents=True, exist_ok=True)
        self._active.add(task_id)
        self.prune()
        return folder

    def release(self, task_id: str) -> None:
        """The render into this task's folder has ended (its files stay until pruned)."""
        self._active.discard(task_id)

    def prune(self) -> list[str]:
        """Delete task folders beyond the `keep` most recent; returns the ids removed."""
        try:
            # Only task folders: PAID_CLIPS (and anything else not named like a task) stays.
            folders = [p for p in self.root.iterdir() if p.is_dir() and _TASK_ID.match(p.name)]
        except FileNotFoundError:
            return []
        folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        removed = []
        for old in folders[self.keep :]:
            if old.name in self._active:
                continue
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old.name)
        if removed:
            log.info("render_folders_pruned", removed=len(removed), root=str(self.root))
        return removed


def selected_platforms(pkg: VideoPackage, request: RenderRequest) -> list[str]:
    """The cuts to render: the request's platforms (each one of the brief's), else all."""
    known = [cut.platform for cut in pkg.cuts]
    if request.platforms is None:
        return known
    unknown = [p for p in request.platforms if p not in known]
    if unknown:
        message = (
            f"render.platforms names {', '.join(unknown)}, which the brief does not ask for; "
            f"choose among {', '.join(known)}"
        )
        raise InvalidInputError(
            message,
            details={
                "field": "render.platforms",
                "errors": [{"field": "render.platforms", "problem": message}],
            },
        )
    return list(dict.fromkeys(request.platforms))


def keyframe_model(request: RenderRequest) -> str | None:
    """The AI keyframe model the request uses: its own, else flux-schnell for an image-to-video
    model (the keyframes are its start images), else none."""
    if request.keyframes == "none":
        return None
    if request.keyframes is not None:
        return request.keyframes
    if request.model is None:
        return None
    from video_generator.render.fal import Mode, get_model
    from video_generator.render.fal.models import DEFAULT_KEYFRAME_MODEL

    return DEFAULT_KEYFRAME_MODEL if get_model(request.model).endpoint(Mode.IMAGE) else None


def estimate_keyframes_usd(
    pkg: VideoPackage, request: RenderRequest, platforms: list[str]
) -> float:
    """The most the keyframes can cost: one per shot and aspect (each made once)."""
    model_id = keyframe_model(request)
    if model_id is None:
        return 0.0
    from video_generator.render.fal.keyframes import estimate_keyframes
    from video_generator.render.fal.models import get_image_model
    from video_generator.render.spans import draft_size

    model = get_image_model(model_id)
    shots = {shot.id: shot for shot in pkg.storyboard.shots()}
    wanted: dict[tuple[str, tuple[int, int]], tuple] = {}
    for cut in pkg.cuts:
        if cut.platform not in platforms:
            continue
        w, h = draft_size(cut.resolution.width, cut.resolution.height)
        for item in cut.shots:
            if item.shot_id in shots:
                wanted[(item.shot_id, model.size_for(w, h))] = (shots[item.shot_id], w, h)
    return estimate_keyframes(model_id, list(wanted.values()))


def _over_budget(message: str) -> InvalidInputError:
    return InvalidInputError(
        message,
        details={
            "field": "render.budget_usd",
            "errors": [{"field": "render.budget_usd", "problem": message}],
        },
    )


def check_clips_budget(
    pkg: VideoPackage, request: RenderRequest, platforms: list[str], fal_key: SecretStr | None
) -> None:
    """The clips' and keyframes' estimate against budget_usd, and the key (FAL_KEY), before
    anything is drawn or sent."""
    keyframes_usd = estimate_keyframes_usd(pkg, request, platforms)
    if request.model is None:
        if keyframes_usd and request.budget_usd is not None and keyframes_usd > request.budget_usd:
            raise _over_budget(
                f"the AI keyframes may cost ${keyframes_usd:.2f}, over the budget of "
                f"${request.budget_usd:.2f}: raise --budget or use --keyframes none"
            )
        if keyframes_usd:
            _need_fal_key(fal_key)
        return
    from video_generator.render.fal import (
        BudgetExceededError,
        Mode,
        check_budget,
        estimate_cost,
        get_model,
    )

    image = get_model(request.model).endpoint(Mode.IMAGE) is not None
    estimate = estimate_cost(pkg, request.model, platforms, assume_frames=image)
    try:
        budget = request.budget_usd
        check_budget(estimate, None if budget is None else budget - keyframes_usd, pkg)
    except BudgetExceededError as exc:
        message = exc.message
        if keyframes_usd:
            message += f" (the budget left for clips after ${keyframes_usd:.2f} of AI keyframes)"
        details = {**exc.details, "field": "render.budget_usd"}
        details["errors"] = [{"field": "render.budget_usd", "problem": message}]
        raise InvalidInputError(message, details=details) from None
    _need_fal_key(fal_key)


def _need_fal_key(fal_key: SecretStr | None) -> None:
    from video_generator.render.fal import FalAuthError

    if fal_key is None or not fal_key.get_secret_value():
        raise FalAuthError(
            "FAL_KEY is not set where the orchestrator runs: create a key at "
            "https://fal.ai/dashboard/keys and `export FAL_KEY=<key>` there"
        )


def render_options(request: RenderRequest, settings: Settings) -> RenderOptions:
    """The request's creative choices, checked where the renderer runs (paths must exist, and
    lie under VG_RENDER_MEDIA_ROOTS when set), with the services the settings give."""
    from video_generator.render.voices import VoiceNotFoundError, resolve_voice

    roots = [Path(p).resolve() for p in settings.render_media_roots.split(":") if p.strip()]
    for field, value in (("render.music", request.music), ("render.media", request.media)):
        if value is None:
            continue
        message = ""
        path = Path(value).expanduser().resolve()
        if roots and not any(path.is_relative_to(root) for root in roots):
            message = (
                f"{field}: {value} is outside the folders this renderer reads media from "
                f"(VG_RENDER_MEDIA_ROOTS: {', '.join(map(str, roots))})"
            )
        elif not path.exists():
            message = f"{field}: {value} does not exist where the renderer runs"
        if message:
            raise InvalidInputError(
                message, details={"field": field, "errors": [{"field": field, "problem": message}]}
            )
    if request.voice is not None:
        try:
            resolve_voice(request.voice, "en")  # a named voice: the language does not matter
        except VoiceNotFoundError as exc:
            raise InvalidInputError(
                str(exc),
                details={
                    "field": "render.voice",
                    "errors": [{"field": "render.voice", "problem": str(exc)}],
                },
            ) from None
    return RenderOptions(
        voice=request.voice,
        caption_style=request.caption_style,
        music=Path(request.music).expanduser() if request.music else None,
        media=Path(request.media).expanduser() if request.media else None,
        stock=request.stock,
        fit=request.fit,
        keyframes=keyframe_model(request),
        services=RenderServices.from_settings(settings),
    )


def _scaled(progress: Progress, start: float, span: float, prefix: str = "") -> Progress:
    async def report(fraction: float, message: str = "", data: dict | None = None) -> None:
        await progress(start + span * max(0.0, min(1.0, fraction)), prefix + message, data)

    return report


async def render_video(
    pkg: VideoPackage,
    request: RenderRequest,
    folder: Path,
    progress: Progress = no_progress,
    *,
    settings: Settings,
) -> RenderSummary:
    """The preview per platform (and, with a model, final.mp4 from AI clips) into `folder`;
    keys and service endpoints from `settings`."""
    from video_generator.render import assemble, render_frames, render_package

    platforms = selected_platforms(pkg, request)
    check_clips_budget(pkg, request, platforms, settings.fal_key)
    folder = Path(folder)
    options = replace(render_options(request, settings), paid_dir=folder.parent / PAID_CLIPS)
    preview_span = 0.5 if request.model else 1.0
    report = await render_package(
        pkg,
        folder,
        full_res=request.full_res,
        platforms=platforms,
        on_progress=_scaled(progress, 0.0, preview_span),
        options=options,
        stock_cache=folder.parent / STOCK_CACHE,
    )
    _relative_report(report, folder, REPORT)
    reports = [REPORT]
    if write_credits(report, folder / CREDITS):
        reports.append(CREDITS)
    clips: RenderedClips | None = None
    finals: dict[str, str] = {}
    if request.model is not None:
        from video_generator.render.fal import render_with_clips

        final = await render_with_clips(
            pkg,
            request.model,
            folder,
            render_frames=partial(render_frames, options=options),
            assemble=partial(assemble, options=options),
            budget_usd=request.budget_usd,
            on_progress=_scaled(progress, preview_span, 1 - preview_span, "fal: "),
            client=options.services.fal_client(),
            platforms=platforms,
            paid_dir=folder.parent / PAID_CLIPS,
        )
        made = final.clips
        clips = RenderedClips(
            model_id=made.model_id,
            estimated_usd=made.estimate.total_usd,
            actual_usd=made.actual_usd,
            made=made.requests,
            reused=made.reused,
        )
        if isinstance(final.assembly, RenderReport):
            _relative_report(final.assembly, folder, FINAL_REPORT)
            finals = {
                item.platform: f"{item.platform}/final.mp4" for item in final.assembly.platforms
            }
        reports += [name for name in (FINAL_REPORT, CLIPS_REPORT) if (folder / name).is_file()]
    summary = RenderSummary(
        full_res=request.full_res,
        platforms=[
            RenderedPlatform(
                platform=item.platform,
                seconds=item.seconds,
                duration_s=item.duration_s,
                width=item.width,
                height=item.height,
                fps=item.fps,
                voice=item.voice,
                warnings=item.warnings,
                preview=f"{item.platform}/preview.mp4",
                contact=f"{item.platform}/contact.png",
                final=finals.get(item.platform),
                voice_name=item.voice_name,
                word_timing=item.word_timing,
                captions_ass=f"{item.platform}/captions.ass" if item.captions_ass else None,
                caption_style=item.caption_style,
                music=Path(item.music).name if item.music else None,
                loudness_lufs=item.loudness_lufs,
                true_peak_dbtp=item.true_peak_dbtp,
                shots=item.shots,
            )
            for item in report.platforms
        ],
        seconds=report.seconds + (final.clips.seconds if request.model is not None else 0.0),
        clips=clips,
        reports=reports,
    )
    return summary.at(folder)


def write_credits(report: RenderReport, path: Path) -> bool:
    """credits.txt: each picture that is not the creator's or drawn, with the credit and
    licence its source asks for (paste it into the post's description). False: none."""
    lines: dict[str, str] = {}
    for item in report.platforms:
        for shot in item.shots:
            if shot.source in ("media", "card"):
                continue
            credit = shot.attribution or shot.source
            where = f" {shot.url}" if shot.url else ""
            lines.setdefault(f"{credit}{where}", f"{credit}{where}  ({shot.licence})")
    if not lines:
        return False
    path.write_text("Pictures in this video\n\n" + "\n".join(lines.values()) + "\n", "utf-8")
    return True


def _relative_report(report: RenderReport, folder: Path, name: str) -> None:
    """Rewrite the renderer's report with paths relative to the folder: it travels with the
    files into the package, where the work folder's absolute paths would mean nothing."""
    data = report.model_dump(mode="json")
    for item in data["platforms"]:
        for key in ("preview", "contact", "srt", "captions_ass"):
            if item.get(key) is None:
                continue
            path = Path(item[key])
            if path.is_relative_to(folder):
                item[key] = path.relative_to(folder).as_posix()
    (folder / name).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def copy_rendered(summary: RenderSummary, source: Path, out_dir: Path) -> list[Path]:
    """Put the summary's files from `source` into the package folder at their relative paths
    (a hard link where the disk allows, else a copy); returns the paths written."""
    written = []
    for name in summary.files():
        src = source / name
        dst = out_dir / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.unlink(missing_ok=True)
        try:
            dst.hardlink_to(src)
        except OSError:
            shutil.copyfile(src, dst)
        written.append(dst)
    return written
