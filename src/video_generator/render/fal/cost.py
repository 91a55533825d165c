"""Which clips a package needs from a model, and what they cost, before anything is sent.

One plan serves the estimate and the run: every (platform, shot) becomes a clip request keyed by
what fal would be asked (shot, model, snapped duration, aspect or input image, prompt), so a
shot that several platforms' cuts share at the same length and aspect is generated, and paid
for, once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict, Field

from video_generator.core.models import PlatformCut, Shot, VideoPackage
from video_generator.render.fal.errors import BudgetExceededError, FalModelError
from video_generator.render.fal.models import MODELS, FalModel, Mode, get_model, nearest_aspect

Frames = Mapping[str, Path]
"""Shot frames for image-to-video: key "<platform>/<shot_id>" (preferred) or "<shot_id>"."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- the plan


class ClipUse(Model):
    """One platform's use of a clip: the shot's length in that cut and the aspect it needs."""

    platform: str
    shot_id: str
    requested_s: float = Field(ge=0, description="The shot's length in this cut.")
    aspect: str = Field(description="The cut's aspect.")


class ClipJob(Model):
    """One request to fal: the clip of one shot at one length and aspect (or from one image)."""

    key: str = Field(description="Hash of what fal is asked; names the downloaded file.")
    shot_id: str
    mode: Mode
    endpoint_id: str
    billed_s: int = Field(description="The requested length snapped up to an allowed duration.")
    aspect: str | None = Field(description="Aspect asked of a text-to-video model.")
    frame: Path | None = Field(default=None, description="Input image (image-to-video).")
    prompt: str
    negative_prompt: str = ""
    uses: list[ClipUse] = Field(min_length=1)

    @property
    def longest_use_s(self) -> float:
        return max(use.requested_s for use in self.uses)


class ClipPlan(Model):
    model_id: str
    jobs: list[ClipJob]
    notes: list[str] = Field(default_factory=list)

    def missing_frames(self) -> list[ClipUse]:
        """Uses of image-to-video jobs that have no input image."""
        return [
            use
            for job in self.jobs
            if job.mode is Mode.IMAGE and job.frame is None
            for use in job.uses
        ]


def shot_prompt(shot: Shot) -> str:
    """The storyboard's prompt with its camera motion, as one text-to-video prompt."""
    prompt = shot.prompts.prompt.strip()
    motion = shot.prompts.motion_prompt.strip()
    if motion and motion.lower() not in prompt.lower():
        prompt = f"{prompt.rstrip('.')}. Camera: {motion}."
    return prompt


def _frame_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise FalModelError(
            f"the frame {path} cannot be read ({exc.strerror}): render the preview again "
            "so every shot has its frame.",
            details={"frame": str(path)},
        ) from None


def _cuts(pkg: VideoPackage, platforms: list[str] | None) -> list[PlatformCut]:
    if not platforms:
        return list(pkg.cuts)
    known = [cut.platform for cut in pkg.cuts]
    unknown = [p for p in platforms if p not in known]
    if unknown:
        raise FalModelError(
            f"the package has no cut for {', '.join(unknown)}: it has {', '.join(known)}.",
            details={"platforms": unknown},
        )
    return [pkg.cut(p) for p in platforms]


def plan_clips(
    pkg: VideoPackage,
    model: FalModel,
    platforms: list[str] | None = None,
    frames: Frames | None = None,
    *,
    assume_frames: bool = False,
) -> ClipPlan:
    """Every clip the cuts need from `model`, shared clips merged (first platform first).

    `assume_frames` plans image-to-video (where the model has it) for shots whose frame is
    not drawn yet, as render_with_clips will draw them.
    """
    shots = {shot.id: shot for shot in pkg.storyboard.shots()}
    frames = frames or {}
    digests: dict[Path, str] = {}
    jobs: dict[str, ClipJob] = {}
    notes: list[str] = []
    text = model.endpoint(Mode.TEXT)
    image = model.endpoint(Mode.IMAGE)
    longest = max(model.durations)
    for cut in _cuts(pkg, platforms):
        for timed in cut.shots:
            shot = shots.get(timed.shot_id)
            if shot is None:
                raise FalModelError(
                    f"{cut.platform}'s cut names shot {timed.shot_id}, which the storyboard "
                    "lacks: make the package again.",
                    details={"shot_id": timed.shot_id},
                )
            requested = round(timed.end_s - timed.start_s, 3)
            billed = model.snap(requested)
            frame = frames.get(f"{cut.platform}/{shot.id}") or frames.get(shot.id)
            # Image-to-video when there is a frame (it keeps the preview's look), else text.
            use_image = image is not None and (frame is not None or assume_frames or text is None)
            endpoint = image if use_image else text
            assert endpoint is not None  # every model has at least one endpoint
            aspect: str | None = None
            if use_image:
                if frame is not None:
                    frame = Path(frame)
                    if frame not in digests:
                        digests[frame] = _frame_digest(frame)
                    identity = f"image:{digests[frame]}"
                else:
                    # No frame yet (an estimate before the preview): frames of one aspect
                    # are taken to be the same picture, as the preview renderer draws them.
                    identity = f"image-aspect:{cut.aspect}"
            else:
                aspect = nearest_aspect(cut.aspect, endpoint.aspects)
                identity = f"aspect:{aspect}"
            prompt = shot_prompt(shot)
            key = hashlib.sha256(
                orjson.dumps(
                    [
                        model.id,
                        endpoint.endpoint_id,
                        shot.id,
                        billed,
                        identity,
                        prompt,
                        shot.prompts.negative_prompt,
                    ]
                )
            ).hexdigest()[:16]
            use = ClipUse(
                platform=cut.platform, shot_id=shot.id, requested_s=requested, aspect=cut.aspect
            )
            if key in jobs:
                jobs[key].uses.append(use)
                continue
            jobs[key] = ClipJob(
                key=key,
                shot_id=shot.id,
                mode=endpoint.mode,
                endpoint_id=endpoint.endpoint_id,
                billed_s=billed,
                aspect=aspect,
                frame=frame if use_image else None,
                prompt=prompt,
                negative_prompt=shot.prompts.negative_prompt,
                uses=[use],
            )
            if requested > longest + 1e-6:
                notes.append(
                    f"{cut.platform}/{shot.id} lasts {requested:g} s, longer than {model.id}'s "
                    f"longest clip ({longest} s): its last frame is held for "
                    f"{requested - longest:.1f} s."
                )
    return ClipPlan(model_id=model.id, jobs=list(jobs.values()), notes=notes)


# ---------------------------------------------------------------- the estimate


class ShotCost(Model):
    platform: str
    shot_id: str
    requested_s: float
    billed_s: int
    usd: float = Field(description="The clip's price (also when another platform pays for it).")
    mode: Mode
    aspect: str | None = Field(description="Aspect asked of the model (None: the frame decides).")
    clip_key: str
    shared_with: str | None = Field(
        default=None, description="The platform whose clip this shot reuses (counted there)."
    )


class PlatformCost(Model):
    platform: str
    aspect: str
    model_aspect: str | None = Field(description="Aspect the model makes for it (text-to-video).")
    shots: list[ShotCost]
    usd: float = Field(description="This platform's clips, as if rendered alone.")
    new_usd: float = Field(description="What it adds to the total (shared clips counted once).")
    billed_s: int


class CostEstimate(Model):
    model_id: str
    model_name: str
    price_per_s: float
    price_note: str
    platforms: list[PlatformCost]
    clips: int = Field(description="Requests to fal (each shared clip once).")
    billed_s: int
    total_usd: float
    shared_clips: int = Field(description="Clips used by more than one platform's cut.")
    saved_usd: float = Field(description="What sharing saves against one clip per cut shot.")
    notes: list[str] = Field(default_factory=list)

    def to_text(self) -> str:
        """The estimate as people read it (what --dry-run prints)."""
        lines = [
            f"Estimated cost with {self.model_name} ({self.model_id}), {self.price_note}:",
        ]
        for platform in self.platforms:
            shared = sum(1 for shot in platform.shots if shot.shared_with)
            extra = f", {shared} shots reuse clips counted above" if shared else ""
            lines.append(
                f"  {platform.platform:<18} {len(platform.shots):>3} shots  "
                f"{platform.billed_s:>4} s billed  ${platform.usd:>8.2f}  "
                f"(adds ${platform.new_usd:.2f}{extra})"
            )
        lines.append(
            f"  {'total':<18} {self.clips:>3} clips  {self.billed_s:>4} s billed  "
            f"${self.total_usd:>8.2f}"
        )
        if self.shared_clips:
            lines.append(
                f"  {self.shared_clips} clips are shared by several platforms' cuts and are made "
                f"once: counted once in the total (saves ${self.saved_usd:.2f})."
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.append("  Prices are fal's list prices (https://fal.ai/models); check them live.")
        return "\n".join(lines)


def estimate_plan(plan: ClipPlan, model: FalModel, pkg: VideoPackage) -> CostEstimate:
    owner: dict[str, str] = {}
    rows: dict[str, list[ShotCost]] = {}
    order: list[str] = []
    for job in plan.jobs:
        for use in job.uses:
            first = owner.setdefault(job.key, use.platform)
            if use.platform not in rows:
                rows[use.platform] = []
                order.append(use.platform)
            rows[use.platform].append(
                ShotCost(
                    platform=use.platform,
                    shot_id=use.shot_id,
                    requested_s=use.requested_s,
                    billed_s=job.billed_s,
                    usd=model.cost(job.billed_s),
                    mode=job.mode,
                    aspect=job.aspect,
                    clip_key=job.key,
                    shared_with=first if first != use.platform else None,
                )
            )
    notes = list(plan.notes)
    platforms = []
    cut_order = [cut.platform for cut in pkg.cuts if cut.platform in rows]
    for name in cut_order:
        cut = pkg.cut(name)
        shots = sorted(rows[name], key=lambda s: _shot_order(cut, s.shot_id))
        aspects = {s.aspect for s in shots if s.aspect}
        model_aspect = aspects.pop() if len(aspects) == 1 else None
        if model_aspect and model_aspect != cut.aspect:
            notes.append(
                f"{name} is {cut.aspect}; {model.id} makes no {cut.aspect} clips, so they are "
                f"made at {model_aspect} and cropped to {cut.aspect}."
            )
        platforms.append(
            PlatformCost(
                platform=name,
                aspect=cut.aspect,
                model_aspect=model_aspect,
                shots=shots,
                usd=round(sum(s.usd for s in shots), 2),
                new_usd=round(sum(s.usd for s in shots if s.shared_with is None), 2),
                billed_s=sum(s.billed_s for s in shots),
            )
        )
    if any(job.mode is Mode.IMAGE for job in plan.jobs) and model.endpoint(Mode.TEXT) is None:
        notes.append(f"{model.id} makes clips only from images: each shot needs its frame.")
    total_billed = sum(job.billed_s for job in plan.jobs)
    total = round(sum(model.cost(job.billed_s) for job in plan.jobs), 2)
    alone = round(sum(p.usd for p in platforms), 2)
    shared = sum(1 for job in plan.jobs if len({u.platform for u in job.uses}) > 1)
    return CostEstimate(
        model_id=model.id,
        model_name=model.name,
        price_per_s=model.price_per_s,
        price_note=model.price_note,
        platforms=platforms,
        clips=len(plan.jobs),
        billed_s=total_billed,
        total_usd=total,
        shared_clips=shared,
        saved_usd=round(max(0.0, alone - total), 2),
        notes=notes,
    )


def _shot_order(cut: PlatformCut, shot_id: str) -> int:
    for index, timed in enumerate(cut.shots):
        if timed.shot_id == shot_id:
            return index
    return len(cut.shots)


def estimate_cost(
    pkg: VideoPackage,
    model_id: str,
    platforms: list[str] | None = None,
    *,
    frames: Frames | None = None,
    assume_frames: bool = False,
) -> CostEstimate:
    """What `generate_clips` would spend: per platform, per shot, and in total (shared clips
    counted once). Sends nothing; no key needed. `assume_frames=True` estimates the run of
    render_with_clips, which starts from the preview's frames where the model can."""
    model = get_model(model_id)
    plan = plan_clips(pkg, model, platforms, frames, assume_frames=assume_frames)
    return estimate_plan(plan, model, pkg)


def check_budget(estimate: CostEstimate, budget_usd: float | None, pkg: VideoPackage) -> None:
    """BudgetExceededError (naming cheaper models that fit) when the estimate is over budget."""
    if budget_usd is None or estimate.total_usd <= budget_usd + 1e-9:
        return
    platforms = [p.platform for p in estimate.platforms]
    fits = []
    for other in MODELS.values():
        if other.id == estimate.model_id:
            continue
        usd = estimate_plan(plan_clips(pkg, other, platforms), other, pkg).total_usd
        if usd <= budget_usd:
            fits.append((usd, other.id))
    cheaper = (
        "; models that fit: " + ", ".join(f"{mid} (${usd:.2f})" for usd, mid in sorted(fits))
        if fits
        else ""
    )
    raise BudgetExceededError(
        f"the clips would cost about ${estimate.total_usd:.2f} with {estimate.model_id} "
        f"({estimate.clips} clips, {estimate.billed_s} s billed), over the budget of "
        f"${budget_usd:.2f}. Nothing was sent to fal.ai. Raise --budget, make fewer platforms, "
        f"or choose a cheaper model with --model{cheaper}.",
        details={
            "estimate_usd": estimate.total_usd,
            "budget_usd": budget_usd,
            "model": estimate.model_id,
            "fits": [mid for _, mid in sorted(fits)],
        },
    )
