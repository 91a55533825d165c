"""The platform adapter agent: storyboard + timing plan + platform -> one platform's cut."""

from __future__ import annotations

import re
from collections.abc import Sequence

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.errors import AgentError, InvalidInputError
from a2a_mcp.observability import get_logger
from video_generator.core.captions import Lines, split_into_cues
from video_generator.core.frame import Box
from video_generator.core.models import (
    Brief,
    CutRequest,
    ExportSettings,
    PlatformCut,
    Script,
    SegmentEdit,
    SegmentEditAction,
    SegmentType,
    Storyboard,
    TimingPlan,
)
from video_generator.core.platforms import Platform, UnknownPlatformError, get_platform
from video_generator.core.timeline import Layout, SegmentSpec, lay_out, speech_ms

log = get_logger("platform_adapter")

# Caption block geometry, as shares of the font size (house choice, documented in quality.md):
# a 42-character line of a sans-serif face is about 0.55 em per character on average.
CHAR_WIDTH_EM = 0.55
LINE_HEIGHT_EM = 1.25
PADDING_EM = 0.4
MAX_FONT_SHARE = 0.05  # font never taller than 5% of the frame height
ELLIPSIS = "…"

# Tags a platform's own habits call for; YouTube uses #Shorts to route a video to the feed.
PLATFORM_TAGS: dict[str, tuple[str, ...]] = {"youtube_shorts": ("#Shorts",)}
_STOPWORDS = frozenset(
    "the a an and or for with from your you our how why what this that into about of to in on "
    "at by is are be it its".split()
)


class CutImpossibleError(AgentError):
    """Even with pauses tightened and every optional segment dropped, the cut is too long."""

    code = "cut_impossible"


# ---------------------------------------------------------------- timeline


def _cues_by_segment(script: Script, timing: TimingPlan) -> dict[str, tuple[Lines, ...]]:
    """The plan's cue texts per segment (their line breaks kept); split afresh where absent."""
    found: dict[str, list[Lines]] = {}
    for cue in sorted(timing.captions, key=lambda c: c.index):
        if cue.segment_id is not None:
            found.setdefault(cue.segment_id, []).append(tuple(cue.lines))
    return {
        s.id: tuple(found.get(s.id) or split_into_cues(s.narration, timing.words_per_minute))
        for s in script.segments
    }


def _specs(script: Script, timing: TimingPlan, dropped: set[str]) -> list[SegmentSpec]:
    cues = _cues_by_segment(script, timing)
    return [
        SegmentSpec(
            id=s.id,
            speech_ms=speech_ms(s.word_count, timing.words_per_minute),
            shot_count=s.shot_count,
            cues=cues[s.id],
        )
        for s in script.segments
        if s.id not in dropped
    ]


def _plan_layout(timing: TimingPlan) -> Layout:
    return Layout(
        segments=list(timing.segments),
        shots=list(timing.shots),
        captions=list(timing.captions),
        total_ms=round(timing.total_s * 1000),
    )


def _hook_end_ms(layout: Layout) -> int:
    return round(layout.segments[0].end_s * 1000) if layout.segments else 0


def fit_to_platform(
    platform: Platform, script: Script, timing: TimingPlan
) -> tuple[Layout, list[str]]:
    """The least change that fits: the plan as is, then tightened, then optional segments
    dropped latest first (each time untightened, then tightened). Returns layout, dropped ids.
    """
    max_ms = round(platform.max_duration_s * 1000)
    window_ms = round(platform.hook_window_s * 1000)
    plan = _plan_layout(timing)
    if plan.total_ms <= max_ms and _hook_end_ms(plan) <= window_ms:
        return plan, []

    pause = round(timing.pause_s * 1000)
    optional = [s.id for s in reversed(script.segments) if s.optional and s.type not in _KEEP]
    best: Layout | None = None
    for n in range(len(optional) + 1):
        dropped = optional[:n]
        specs = _specs(script, timing, set(dropped))
        for tight in (False, True):
            layout = lay_out(
                specs,
                pause_ms=pause,
                bpm=timing.beat_grid.bpm,
                tight=tight,
                hook_limit_ms=window_ms,
            )
            if layout.total_ms <= max_ms:
                return layout, dropped
            best = layout
    assert best is not None
    raise CutImpossibleError(
        f"cannot cut the video for {platform.name} ({platform.id}): even with pauses tightened "
        f"and every optional segment dropped it needs {best.total_s:.1f} s, and "
        f"{platform.name} allows at most {platform.max_duration_s:g} s. Ask for a shorter "
        f"video (for example '{int(platform.max_duration_s * 0.8)} seconds') or leave "
        f"{platform.id} out of the platforms.",
        details={
            "platform": platform.id,
            "needed_s": best.total_s,
            "allowed_s": platform.max_duration_s,
        },
    )


# The hook and the call to action are never dropped, whatever the script marks optional.
_KEEP = frozenset({SegmentType.HOOK, SegmentType.CTA})


def segment_edits(timing: TimingPlan, layout: Layout, dropped: Sequence[str]) -> list[SegmentEdit]:
    new = {s.segment_id: round((s.end_s - s.start_s) * 1000) for s in layout.segments}
    edits = []
    for segment in timing.segments:
        original = round((segment.end_s - segment.start_s) * 1000)
        if segment.segment_id in dropped:
            action, now = SegmentEditAction.DROPPED, 0
        else:
            now = new[segment.segment_id]
            action = SegmentEditAction.TIGHTENED if now < original else SegmentEditAction.KEPT
        edits.append(
            SegmentEdit(
                segment_id=segment.segment_id,
                action=action,
                original_s=original / 1000,
                new_s=now / 1000,
            )
        )
    return edits


# ---------------------------------------------------------------- captions placement


def caption_box(platform: Platform) -> Box:
    """The caption block: full width of the safe area, two lines high, at its bottom."""
    zone, res = platform.safe_zone, platform.resolution
    width = res.width - zone.left - zone.right
    # Font size that fits a full 42-character line across the safe width.
    font = min(width / (42 * CHAR_WIDTH_EM), res.height * MAX_FONT_SHARE)
    height = round(2 * LINE_HEIGHT_EM * font + 2 * PADDING_EM * font)
    return Box(x=zone.left, y=res.height - zone.bottom - height, width=width, height=height)


# ---------------------------------------------------------------- metadata


def _clip(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most limit characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def _tag(word: str) -> str | None:
    core = re.sub(r"[^\w]", "", word, flags=re.UNICODE)
    return f"#{core}" if core and not core.isdigit() else None


def choose_hashtags(platform: Platform, brief: Brief, script: Script) -> list[str]:
    """Hashtags in the platform's habitual number: its own tags, the script's, then topic words."""
    high = platform.hashtags[1]
    candidates: list[str] = list(PLATFORM_TAGS.get(platform.id, ()))
    candidates += script.hashtags
    topic_words = [w for w in re.findall(r"[\w']+", brief.topic) if w.lower() not in _STOPWORDS]
    candidates.append("".join(w.capitalize() for w in topic_words))
    audience = [w for w in re.findall(r"[\w']+", brief.audience) if w.lower() not in _STOPWORDS]
    candidates.append("".join(w.capitalize() for w in audience))
    candidates += topic_words
    candidates += [brief.style.value, brief.tone.value, "video"]
    chosen: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        tag = _tag(candidate)
        if tag is None or tag.lower() in seen:
            continue
        seen.add(tag.lower())
        chosen.append(tag)
        if len(chosen) == high:
            break
    # The fallbacks (style, tone, 'video') give at least three distinct tags, the most any
    # platform asks for at least; the quality gate hashtag_count checks it.
    return chosen


def write_description(
    platform: Platform, script: Script, kept: Sequence[str], hashtags: Sequence[str]
) -> str:
    """Hook, the kept points, the call to action; hashtags last; within the platform's limit."""
    segments = [s for s in script.segments if s.id in kept]
    points = [
        s.on_screen_text or s.key_point or ""
        for s in segments
        if s.type in (SegmentType.POINT, SegmentType.DEMO, SegmentType.STORY)
    ]
    parts = [script.hook.text.strip()]
    bullets = [f"• {p.strip()}" for p in points if p.strip()]
    if bullets:
        parts.append("\n".join(bullets))
    parts.append(script.call_to_action.strip())
    tags = " ".join(hashtags) if platform.hashtags_in_description else ""
    room = platform.description_max_chars - (len(tags) + 2 if tags else 0)
    body = "\n\n".join(p for p in parts if p)
    if len(body) > room:
        # Short limits (a 280-character post) keep the hook and the call to action only.
        body = _clip(f"{script.hook.text.strip()} {script.call_to_action.strip()}", room)
    return f"{body}\n\n{tags}" if tags else body


# ---------------------------------------------------------------- the cut


def build_cut(
    platform_id: str, brief: Brief, script: Script, storyboard: Storyboard, timing: TimingPlan
) -> PlatformCut:
    """One platform's cut: fitted to its maximum, hook in its window, captions in its safe zone."""
    try:
        platform = get_platform(platform_id)
    except UnknownPlatformError as exc:
        raise InvalidInputError(str(exc)) from None
    script_ids = [s.id for s in script.segments]
    if [s.segment_id for s in timing.segments] != script_ids:
        raise InvalidInputError(
            "the timing plan does not time this script: its segments are "
            f"{[s.segment_id for s in timing.segments]}, the script's are {script_ids}. "
            "Make the timing plan from the same script."
        )
    board_ids = [shot.id for shot in storyboard.shots()]
    if board_ids != [shot.shot_id for shot in timing.shots]:
        log.warning("storyboard and timing shot ids differ", platform=platform.id)

    layout, dropped = fit_to_platform(platform, script, timing)
    edits = segment_edits(timing, layout, dropped)
    kept = [s.segment_id for s in layout.segments]
    hashtags = choose_hashtags(platform, brief, script)
    return PlatformCut(
        platform=platform.id,
        resolution=platform.resolution,
        aspect=platform.aspect,
        fps=platform.fps,
        duration_s=layout.total_s,
        hook_end_s=_hook_end_ms(layout) / 1000,
        edits=edits,
        kept_segments=kept,
        trimmed_segments=[e.segment_id for e in edits if e.action != SegmentEditAction.KEPT],
        segments=layout.segments,
        shots=layout.shots,
        caption_safe_zone=platform.safe_zone,
        caption_box=caption_box(platform),
        captions=layout.captions,
        title=_clip(script.title, platform.title_max_chars),
        description=write_description(platform, script, kept, hashtags),
        hashtags=hashtags,
        export=ExportSettings(fps=platform.fps, video_bitrate_kbps=platform.video_bitrate_kbps),
    )


class PlatformAdapter(Agent):
    """Fits the shared plan to one platform: length, hook window, safe zone, metadata, export."""

    name = "platform_adapter"
    description = (
        "Cuts the shared timing plan for one platform: fits its maximum length (tightening "
        "pauses, then dropping optional segments), keeps the hook in its window, places "
        "captions in its safe zone, and writes title, description and hashtags within its limits."
    )
    version = "1.0.0"
    default_port = 10104

    @skill(
        id="adapt_cut",
        name="Adapt cut",
        description=(
            "Storyboard + TimingPlan + platform -> PlatformCut: re-timed segments, shots and "
            "captions, caption safe zone and box, metadata and H.264/AAC export settings."
        ),
        tags=("platform", "cut", "tiktok", "youtube", "reels", "captions", "metadata"),
        examples=(
            "Make the TikTok cut of this plan",
            "Fit this 200-second plan into X's 140-second limit",
        ),
        cache_kind="platform_cut",
    )
    async def adapt_cut(self, request: CutRequest, progress: Progress) -> PlatformCut:
        await progress(0.1, f"fitting {request.timing.total_s:.1f} s to {request.platform}")
        cut = build_cut(
            request.platform, request.brief, request.script, request.storyboard, request.timing
        )
        await progress(
            1.0,
            f"{cut.platform} cut: {cut.duration_s:.1f} s, {len(cut.kept_segments)} segments"
            + (f", trimmed {', '.join(cut.trimmed_segments)}" if cut.trimmed_segments else ""),
            {"duration_s": cut.duration_s, "trimmed": cut.trimmed_segments},
        )
        log.info(
            "cut adapted",
            platform=cut.platform,
            duration_s=cut.duration_s,
            trimmed=cut.trimmed_segments,
        )
        return cut
