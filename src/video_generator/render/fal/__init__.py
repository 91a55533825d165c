"""AI clips through fal.ai: model registry, cost estimate, queue client, uploads, clip generation.

Public API (what the CLI and the renderer call):

    estimate_cost(pkg, model_id, platforms=None) -> CostEstimate
    generate_clips(pkg, model_id, out_dir, *, client, budget_usd=None, max_concurrency=4,
                   on_progress=None, frames=None) -> ClipsReport
    render_with_clips(pkg, model_id, out_dir, *, client, render_frames, assemble, ...)
        -> FinalRender
    (client: a FalQueueClient with the key, e.g. RenderServices.from_settings(s).fal_client())
    MODELS, get_model(model_id), FalError and its kinds (errors.py)
"""

from __future__ import annotations

from video_generator.render.fal.clips import ClipsReport, ClipStatus, ShotClip, generate_clips
from video_generator.render.fal.cost import CostEstimate, check_budget, estimate_cost, plan_clips
from video_generator.render.fal.errors import (
    BudgetExceededError,
    FalAuthError,
    FalBalanceError,
    FalError,
    FalModelError,
    FalRateLimitError,
    FalRequestError,
    FalTimeoutError,
    FalUnavailableError,
    FalValidationError,
)
from video_generator.render.fal.final import FinalRender, render_with_clips
from video_generator.render.fal.models import MODELS, FalModel, Mode, get_model
from video_generator.render.fal.queue import FalQueueClient, FalSettings

__all__ = [
    "MODELS",
    "BudgetExceededError",
    "ClipStatus",
    "ClipsReport",
    "CostEstimate",
    "FalAuthError",
    "FalBalanceError",
    "FalError",
    "FalModel",
    "FalModelError",
    "FalQueueClient",
    "FalRateLimitError",
    "FalRequestError",
    "FalSettings",
    "FalTimeoutError",
    "FalUnavailableError",
    "FalValidationError",
    "FinalRender",
    "Mode",
    "ShotClip",
    "check_budget",
    "estimate_cost",
    "generate_clips",
    "get_model",
    "plan_clips",
    "render_with_clips",
]
