"""Orchestrator agent: brief text -> Brief -> the video workflow on the engine -> VideoPackage."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import structlog

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.client.base import AgentClient, CallOptions
from a2a_mcp.errors import AgentError, InvalidInputError
from a2a_mcp.events import EventKind, ProgressEvent
from a2a_mcp.workflow import (
    CachedOutput,
    Plan,
    PlannedNode,
    WorkflowExecutor,
    load_workflow,
    plan_workflow,
)
from a2a_mcp.workflow.executor import Mode
from video_generator.brief import BriefError, parse_brief
from video_generator.brief.errors import MIN_DURATION_S
from video_generator.core.models import (
    Brief,
    NodeTiming,
    PlatformCut,
    RenderSummary,
    RunPlan,
    Script,
    Storyboard,
    TimingPlan,
    VideoPackage,
)
from video_generator.core.quality import check_package
from video_generator.output.artifacts import PublishedPackage
from video_generator.request import RenderRequest, VideoRequest
from video_generator.settings import Settings, render_root

log = structlog.get_logger(component="orchestrator")

_FINISHED = {EventKind.NODE_COMPLETED, EventKind.NODE_FAILED, EventKind.NODE_SKIPPED}


class InvalidBriefError(InvalidInputError):
    """The brief could not be read; the message says what was wrong and shows a good brief."""

    code = "invalid_brief"


class WorkflowFailedError(AgentError):
    code = "workflow_failed"


def plan_brief(spec: Any, brief: Brief, render: RenderRequest | None = None) -> Plan:
    """The plan of `spec` for a brief (no agents needed: `vidgen plan` uses it as is)."""
    run_input = {
        "brief": brief.model_dump(mode="json"),
        "render": render.model_dump(mode="json") if render is not None else None,
        "script": None,
    }
    return plan_workflow(spec, run_input)


def brief_for_request(request: VideoRequest, base_wpm: float) -> Brief:
    """The request's brief. With the creator's own script, a brief without a topic takes the
    script's title, and one without a length takes the script's spoken length (at `base_wpm`,
    the settings' words per minute, shaped by the brief's tone and style)."""
    text = request.brief
    try:
        if request.script is not None:
            from video_generator.brief.script_file import brief_text

            text = brief_text(request.brief, request.script)
        brief = parse_brief(text, platforms=request.platforms, duration_s=request.duration_s)
        if request.script is not None and "duration_s" in brief.assumed:
            from video_generator.brief.script_file import script_seconds

            seconds = script_seconds(request.script, brief, base_wpm)
            if seconds < MIN_DURATION_S:
                raise InvalidBriefError(
                    f"the script runs about {seconds:g} s when spoken; the shortest video is "
                    f"{MIN_DURATION_S:g} s: write a few more sentences, or give a length",
                    details={"field": "script"},
                )
            brief = parse_brief(text, platforms=request.platforms, duration_s=seconds)
            brief = brief.model_copy(
                update={"assumed": [a for a in brief.assumed if a != "duration_s"]}
            )
        if request.script is not None:
            # The script carries its own points and close: nothing of them was assumed.
            given = {"key_points", "call_to_action"}
            brief = brief.model_copy(
                update={"assumed": [a for a in brief.assumed if a not in given]}
            )
    except BriefError as exc:
        raise InvalidBriefError(str(exc), details={"field": "brief"}) from None
    return brief


class Orchestrator(Agent):
    name = "orchestrator"
    description = (
        "Turns a natural-language brief (or the creator's own script) into a short-video "
        "package: script, storyboard with generation prompts, timing sheet, captions and one "
        "cut per platform."
    )
    version = "1.0.0"
    default_port = 10100

    def __init__(
        self,
        client: AgentClient,
        *,
        settings: Settings,
        workflow_path: Path | None = None,
        mode: Mode | None = None,
        max_concurrency: int | None = None,
        engine_info: dict[str, Any] | None = None,
        render_dir: Path | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        # Text nodes wait as long as their LLM calls may take. Imported here: `vidgen plan`
        # imports this module and must not load the engines (and aiohttp) to plan.
        from video_generator.engines.llm.timeouts import fit_text_timeouts

        self.spec = fit_text_timeouts(
            load_workflow(workflow_path or settings.workflow), settings.llm_timeout_s
        )
        self.mode = mode or settings.schedule_mode
        self.max_concurrency = max_concurrency or settings.max_concurrency
        self.call_timeout_s = settings.call_timeout_s
        self.engine_info = engine_info or {}
        self._render_dir = render_dir if render_dir is not None else render_root(settings)
        self._render_keep = settings.render_keep
        self._workspace: Any = None

    @property
    def files_dir(self) -> Path:
        """The folder this agent's served files come from (its render work folder)."""
        return self._render_dir

    @property
    def workspace(self) -> Any:
        """The render work folders, one per task id (made on first use)."""
        if self._workspace is None:
            from video_generator.render.node import RenderWorkspace

            self._workspace = RenderWorkspace(self._render_dir, self._render_keep)
        return self._workspace

    def plan_for(self, brief: Brief, render: RenderRequest | None = None) -> Plan:
        """The DAG this brief runs: levels, fan-out per platform (and the render node when
        `render` asks for the videos)."""
        return plan_brief(self.spec, brief, render)

    @skill(
        id="make_video",
        name="Make a video package",
        tags=("video", "orchestration", "brief"),
        examples=(
            "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, "
            "end with 'link in bio'",
            "60 second YouTube Short explaining compound interest to teenagers",
        ),
        cache_kind="package",
    )
    async def make_video(self, request: VideoRequest, progress: Progress) -> PublishedPackage:
        """Plan and run the video workflow for a brief, streaming every node's progress."""
        brief = brief_for_request(request, self.settings.words_per_minute)
        run_input = {
            "brief": brief.model_dump(mode="json"),
            "render": request.render.model_dump(mode="json") if request.render else None,
            "script": request.script.model_dump(mode="json") if request.script else None,
        }
        plan = plan_workflow(self.spec, run_input)
        task_id = structlog.contextvars.get_contextvars().get("task_id") or uuid.uuid4().hex
        options = CallOptions(no_cache=request.no_cache, context_id=task_id)
        # A local step's own error, kept so the run fails with its code, not a generic one.
        step_errors: dict[str, AgentError] = {}

        async def run_node(
            node: PlannedNode, inputs: dict[str, Any], node_progress: Progress
        ) -> Any:
            if node.step is not None:
                try:
                    return await self._run_step(node.step, inputs, node_progress, task_id)
                except AgentError as exc:
                    step_errors[node.id] = exc
                    raise
            node_options = options.model_copy(
                update={"timeout_s": node.timeout_s or self.call_timeout_s}
            )
            cached = False

            async def watch(
                fraction: float, message: str = "", data: dict[str, Any] | None = None
            ) -> None:
                # An agent's cache reports a hit as progress data {"cached": true, ...}.
                nonlocal cached
                cached = cached or bool(data and data.get("cached"))
                await node_progress(fraction, message, data)

            agent, skill = node.agent, node.skill
            if agent is None or skill is None:  # the spec's validation gives each node one
                raise RuntimeError(f"node {node.id!r} names neither a step nor an agent's skill")
            try:
                output = await self.client.call(agent, skill, inputs, watch, node_options)
            except AgentError as exc:
                if exc.code.startswith("engine_"):
                    # A text engine's error says what to fix (URL, key): the run fails with it.
                    step_errors[node.id] = exc
                raise
            return CachedOutput(output) if cached else output

        executor = WorkflowExecutor(run_node, mode=self.mode, max_concurrency=self.max_concurrency)
        started = time.time()
        bound = structlog.contextvars.get_contextvars()
        # Node tasks copy the context they start in, so every agent's log line names the run.
        with structlog.contextvars.bound_contextvars(
            task_id=task_id, context_id=bound.get("context_id", task_id)
        ):
            run = executor.start(plan, run_input, task_id=task_id)
        finished = 0
        try:
            async for event in run.events():
                finished += event.kind in _FINISHED
                await progress(
                    finished / len(plan.nodes),
                    _describe(event),
                    {"event": event.model_dump(mode="json")},
                )
        except asyncio.CancelledError:
            # The caller gave up (CancelTask, timeout, Ctrl-C): stop every running node too,
            # so the specialists' calls are cancelled rather than left to finish unseen.
            run.cancel()
            await asyncio.shield(run.result())
            raise
        result = await run.result()
        if result.status != "completed":
            if result.failed_node in step_errors:
                raise step_errors[result.failed_node]
            raise WorkflowFailedError(result.error or f"the run ended {result.status}")
        package = result.nodes["package"].output  # made by _assemble in this process
        rendered = result.nodes.get("render")
        if rendered is not None and isinstance(rendered.output, RenderSummary):
            package.render = rendered.output
        package.plan = _run_plan(self.spec.name, self.mode, plan, result, started)
        log.info("package_made", task_id=task_id, topic=brief.topic, passed=package.quality.passed)
        return package

    async def _run_step(
        self, step: str, inputs: dict[str, Any], progress: Progress, task_id: str
    ) -> Any:
        if step == "assemble_package":
            return self._assemble(inputs)
        if step == "render_video":
            return await self._render(inputs, progress, task_id)
        raise WorkflowFailedError(f"unknown local step '{step}' in {self.spec.name}")

    async def _render(
        self, inputs: dict[str, Any], progress: Progress, task_id: str
    ) -> RenderSummary:
        """The package's videos into this task's render folder (served at /files/<task id>/)."""
        from video_generator.render.node import render_video

        package = VideoPackage.model_validate(inputs["package"])
        request = RenderRequest.model_validate(inputs["options"])
        folder = self.workspace.folder_for(task_id)
        try:
            if self.settings.render_queue:
                # On the render workers (`vidgen worker`), into the same shared folder.
                from video_generator.render.queue import QueueSettings, render_queued

                settings = QueueSettings.from_settings(self.settings)
                return await render_queued(
                    package, request, folder, progress, task_id=task_id, settings=settings
                )
            return await render_video(package, request, folder, progress, settings=self.settings)
        finally:
            self.workspace.release(task_id)

    def _assemble(self, inputs: dict[str, Any]) -> PublishedPackage:
        # Outputs of in-process agents are models already (kept as they are); over A2A, the
        # JSON they sent is validated here, once.
        brief = Brief.model_validate(inputs["brief"])
        script = Script.model_validate(inputs["script"])
        storyboard = Storyboard.model_validate(inputs["storyboard"])
        timing = TimingPlan.model_validate(inputs["timing"])
        cuts = [PlatformCut.model_validate(cut) for cut in inputs["cuts"].values()]
        quality = check_package(brief, script, storyboard, timing, cuts)
        return PublishedPackage(
            brief=brief,
            script=script,
            storyboard=storyboard,
            timing=timing,
            cuts=cuts,
            quality=quality,
            engine=self.engine_info,
        )


def _describe(event: ProgressEvent) -> str:
    return event.message or (
        f"{event.node}: {event.kind.value}" if event.node else event.kind.value
    )


def _run_plan(workflow: str, mode: str, plan: Plan, result: Any, started: float) -> RunPlan:
    """Per-node timings of the run, relative to its start, and the measured critical path."""
    origin = min(
        (r.started_at for r in result.nodes.values() if r.started_at is not None), default=started
    )
    timings = []
    durations: dict[str, float] = {}
    for node_id in plan.graph.nodes:
        node_result = result.nodes[node_id]
        durations[node_id] = (node_result.duration_ms or 0.0) / 1000
        timings.append(
            NodeTiming(
                id=node_id,
                level=plan.level_of(node_id),
                status=str(node_result.status),
                attempts=node_result.attempts,
                started_ms=_since(origin, node_result.started_at),
                ended_ms=_since(origin, node_result.ended_at),
                duration_ms=node_result.duration_ms,
            )
        )
    path, _ = plan.critical_path(durations)
    return RunPlan(
        workflow=workflow,
        mode=mode,
        levels=plan.levels,
        nodes=timings,
        critical_path=path,
        makespan_ms=result.makespan_ms,
    )


def _since(origin: float, moment: float | None) -> float | None:
    return None if moment is None else round((moment - origin) * 1000, 3)
