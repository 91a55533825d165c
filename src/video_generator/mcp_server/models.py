"""The MCP tools' typed inputs and outputs (their JSON schemas are the tools' schemas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from a2a_mcp.cache.base import CacheStats
from a2a_mcp.mcp import ResourceRef
from a2a_mcp.mcp.resources import mime_type
from video_generator.core.limits import Model
from video_generator.core.models import Brief, GateResult, VideoPackage
from video_generator.core.platforms import Platform
from video_generator.render.fal.cost import CostEstimate
from video_generator.request import RenderRequest

PACKAGE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$"
URI_PREFIX = "vidgen://packages/"


def package_uri(name: str, relative: str) -> str:
    return f"{URI_PREFIX}{name}/{relative}"


# ---------------------------------------------------------------- inputs


class NoInput(Model):
    """This tool takes no arguments."""


class BriefInput(Model):
    brief: str = Field(
        min_length=1,
        max_length=4000,
        description='The video in plain words, e.g. "a 30-second TikTok about cold brew for '
        "busy parents, upbeat, end with 'link in bio'\".",
    )
    platforms: list[str] | None = Field(
        default=None,
        min_length=1,
        description='Platform ids or names (see list_platforms), e.g. ["tiktok", "YouTube '
        'Shorts"]. '
        "Default: the platforms the brief names, else TikTok, Reels and Shorts.",
    )
    length_s: float | None = Field(
        default=None,
        gt=0,
        description="Target length in seconds. Default: the length the brief says, else the "
        "platforms' usual length.",
    )


RENDER_OPTIONS = (
    "How to render: full_res, model (fal.ai AI clips for final.mp4; see list_models and "
    "estimate_cost, needs FAL_KEY), budget_usd, platforms, voice (see list_voices), "
    "caption_style, music and media (paths where the server runs), stock, fit, keyframes."
)


def check_budget_flag(options: RenderRequest | None) -> None:
    """As the CLI's --budget: a budget applies to AI clips only."""
    if options is not None and options.budget_usd is not None and not options.model:
        raise ValueError("budget_usd applies to AI clips: set model too (see list_models)")


class MakeVideoInput(BriefInput):
    render: bool = Field(
        default=False,
        description="Also render preview.mp4 and contact.png per platform (offline; a Piper or "
        "espeak-ng voice-over, word captions). Takes seconds to a minute per platform.",
    )
    render_options: RenderRequest | None = Field(default=None, description=RENDER_OPTIONS)
    no_cache: bool = Field(default=False, description="Compute everything afresh.")
    name: str | None = Field(
        default=None,
        pattern=PACKAGE_NAME,
        description="Folder name for the package in the server's package folder (VG_OUT_DIR); "
        "a package already there under that name is replaced. Default: <topic>-<hash of the "
        "brief> (the same brief gets the same folder).",
    )
    script: str | None = Field(
        default=None,
        min_length=1,
        max_length=200_000,
        description="Your own script (plain text or Markdown; `## Heading`s become segments): "
        "the video speaks these words as written, and `brief` then only gives platforms, "
        'length and tone, e.g. "45 seconds, TikTok, calm" (docs/scripts.md).',
    )

    @model_validator(mode="after")
    def _render_flags(self) -> MakeVideoInput:
        if self.render_options is not None and not self.render:
            raise ValueError("render_options applies to the rendered video: set render to true")
        check_budget_flag(self.render_options)
        return self


class PlanInput(BriefInput):
    render: bool = Field(default=False, description="Plan the render node too.")


class PackageInput(Model):
    package: str = Field(
        min_length=1,
        description="A package folder name as make_video returned it (its `package` field), "
        "or its path inside the server's package folder.",
    )


class GetPackageInput(PackageInput):
    include_package: bool = Field(
        default=False, description="Also return the whole package (script, storyboard, cuts)."
    )


class RenderPackageInput(PackageInput):
    render_options: RenderRequest = Field(default_factory=RenderRequest, description=RENDER_OPTIONS)

    @model_validator(mode="after")
    def _budget(self) -> RenderPackageInput:
        check_budget_flag(self.render_options)
        return self


class EstimateInput(Model):
    model: str = Field(description="A fal.ai model id (see list_models), e.g. kling-2.1-standard.")
    package: str | None = Field(
        default=None, description="A package made before (name from make_video)."
    )
    brief: str | None = Field(
        default=None,
        max_length=4000,
        description="Or a brief: its package is made first (no render), then estimated.",
    )
    platforms: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Estimate only these of the package's platforms (with a brief: the "
        "platforms to make it for).",
    )
    budget_usd: float | None = Field(
        default=None, ge=0, description="Say whether the estimate fits this budget (USD)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> EstimateInput:
        if (self.package is None) == (self.brief is None):
            raise ValueError("give either package (a package made before) or brief, not both")
        return self


# ---------------------------------------------------------------- outputs


class CutInfo(Model):
    platform: str
    duration_s: float
    width: int
    height: int
    shots: int
    captions: int
    trimmed_segments: list[str] = Field(default_factory=list)


class RenderedInfo(Model):
    platform: str
    duration_s: float
    width: int
    height: int
    voice: bool = Field(description="True with a voice-over, False when silent.")
    preview: str = Field(description="Resource URI of preview.mp4.")
    contact: str = Field(description="Resource URI of the contact sheet (PNG).")
    final: str | None = Field(default=None, description="Resource URI of final.mp4 (AI clips).")
    warnings: list[str] = Field(default_factory=list)


class PackageSummary(Model):
    """What a package holds and where: the tools' common answer about one package."""

    package: str = Field(description="The package's folder name: pass it to the other tools.")
    folder: str = Field(description="The folder on the server's disk.")
    uri: str = Field(description="Resource URI of package.json.")
    title: str
    hook: str = Field(description="The script's opening line.")
    call_to_action: str
    brief: Brief
    cuts: list[CutInfo]
    quality_passed: bool
    quality_checks: int
    quality_failures: list[str] = Field(description="Each failed gate in one line.")
    files: list[str] = Field(description="Every file of the package, relative to its folder.")
    rendered: list[RenderedInfo] = Field(default_factory=list)
    engine: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    detail: VideoPackage | None = Field(
        default=None, description="The whole package (package.json), when asked for."
    )

    def mcp_summary(self) -> str:
        lines = [f"{self.title} (package {self.package})", f'  hook: "{self.hook}"']
        if self.brief.assumed:
            lines.append(f"  assumed (not in the brief): {', '.join(self.brief.assumed)}")
        for cut in self.cuts:
            lines.append(
                f"  {cut.platform:<16} {cut.duration_s:5.1f} s  {cut.width}x{cut.height}  "
                f"{cut.shots} shots  {cut.captions} captions"
            )
        verdict = "all gates passed" if self.quality_passed else "gates FAILED"
        lines.append(f"  quality: {self.quality_checks} checks, {verdict}")
        lines += [f"    {failure}" for failure in self.quality_failures]
        for item in self.rendered:
            voice = "voice-over" if item.voice else "silent"
            lines.append(f"  preview {item.platform}: {item.duration_s:.1f} s, {voice}")
        lines += [f"  note: {note}" for note in self.notes]
        lines.append(f"  folder: {self.folder}")
        return "\n".join(lines)

    def mcp_resource_links(self) -> list[ResourceRef]:
        """Links to the files people open: package.json, script, storyboard, captions, videos."""
        wanted = {"package.json", "script.md", "storyboard.html"}
        refs = []
        for name in self.files:
            last = name.rsplit("/", 1)[-1]
            if (
                name in wanted
                or last in {"captions.srt", "captions.vtt"}
                or last.endswith((".mp4", ".png"))
            ):
                path = Path(self.folder) / name
                refs.append(
                    ResourceRef(
                        uri=package_uri(self.package, name),
                        name=f"{self.package}/{name}",
                        mime_type=mime_type(path),
                        size=path.stat().st_size if path.is_file() else None,
                    )
                )
        return refs


class PlanNode(Model):
    id: str
    runs: str = Field(description="agent.skill, or step:<name> for the orchestrator's own steps.")
    level: int
    needs: list[str]
    optional: bool


class PlanResult(Model):
    workflow: str
    brief: Brief
    levels: list[list[str]]
    nodes: list[PlanNode]
    critical_path: list[str]
    critical_path_s: float = Field(description="Estimated seconds along the critical path.")
    skipped: list[str] = Field(default_factory=list)
    mermaid: str = Field(description="The DAG as a Mermaid flowchart.")

    def mcp_summary(self) -> str:
        lines = [f"{len(self.nodes)} nodes in {len(self.levels)} levels"]
        lines += [f"  level {n}: {', '.join(level)}" for n, level in enumerate(self.levels)]
        lines.append(
            f"critical path (~{self.critical_path_s:g} s): {' -> '.join(self.critical_path)}"
        )
        return "\n".join(lines)


class EstimateResult(Model):
    estimate: CostEstimate
    budget_usd: float | None = None
    within_budget: bool | None = Field(default=None, description="None when no budget given.")
    budget_note: str | None = Field(default=None, description="Over budget: what would fit.")
    package: str | None = Field(default=None, description="The package estimated.")

    def mcp_summary(self) -> str:
        text = self.estimate.to_text()
        if self.budget_usd is not None:
            verdict = "within" if self.within_budget else "OVER"
            text += f"\nbudget ${self.budget_usd:.2f}: the estimate is {verdict} it"
        if self.budget_note:
            text += f"\n{self.budget_note}"
        return text


class ValidateResult(Model):
    package: str
    valid: bool = Field(description="Every quality gate passed.")
    gates: list[GateResult]
    file_problems: list[str] = Field(
        description="Files missing or not what package.json gives (edited by hand)."
    )

    def mcp_summary(self) -> str:
        failed = [g for g in self.gates if not g.passed]
        lines = [
            f"{self.package}: {'valid' if self.valid else 'INVALID'} ({len(self.gates)} gates)"
        ]
        lines += [
            f"  FAIL {g.scope}/{g.gate}: {g.value:g} {g.unit}, limit {g.limit}" for g in failed
        ]
        lines += [f"  note {problem}" for problem in self.file_problems]
        return "\n".join(lines)


class PlatformList(Model):
    platforms: list[Platform]


class ModelInfo(Model):
    id: str
    name: str
    modes: list[str] = Field(description="text-to-video and/or image-to-video.")
    durations_s: list[int] = Field(description="Clip lengths the model makes.")
    resolution: str
    price_per_s: float = Field(description="USD per second of clip.")
    price_note: str


class ModelList(Model):
    models: list[ModelInfo]


class VoicesInput(Model):
    language: str | None = Field(
        default=None, max_length=20, description="Only voices for this language, e.g. en, fr."
    )


class VoiceInfo(Model):
    name: str = Field(description='What render_options.voice takes, e.g. "piper:en_US-joe-medium".')
    alias: str | None = Field(default=None, description='A short name, e.g. "joe".')
    engine: str = Field(description="piper (neural) or espeak (espeak-ng).")
    language: str
    licence: str
    source: str
    default: bool = Field(description="The voice used for this language when none is named.")


class VoiceList(Model):
    voices: list[VoiceInfo]
    note: str = ""


class CacheStatsResult(Model):
    url: str = Field(description="Where the cache is (memory:// or a redis:// URL).")
    stats: CacheStats
