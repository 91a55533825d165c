"""Hand-built, valid Brief, Script, Storyboard (and timing, cuts, package) objects for tests.

Import from any test as `from factories import make_brief, make_script, ...` (pyproject's
pytest `pythonpath` holds tests/support). Everything is deterministic. make_timing,
make_cut and make_package run the real timing coordinator, platform adapter and quality
gates in-process (pure functions, no event loop needed).
"""

from __future__ import annotations

from typing import Any

from video_generator.core.models import (
    Brief,
    CameraMovement,
    GenerationPrompts,
    Hook,
    PlatformCut,
    Scene,
    Script,
    Segment,
    SegmentType,
    Shot,
    ShotType,
    Storyboard,
    Style,
    TimingPlan,
    Tone,
    Transition,
    VideoPackage,
)

COLD_BREW_TEXT = (
    "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'"
)

# (type, narration, shot_count, optional, key_point): about 42 s at 150 wpm with pauses.
COLD_BREW_SEGMENTS: list[tuple[SegmentType, str, int, bool, str | None]] = [
    (SegmentType.HOOK, "Busy mornings need better cold brew.", 2, False, None),
    (
        SegmentType.INTRO,
        "Here is the five-minute method busy parents swear by.",
        2,
        False,
        None,
    ),
    (
        SegmentType.POINT,
        "Mix one cup of coarse ground coffee with four cups of cold water in a big jar.",
        3,
        False,
        "the ratio",
    ),
    (
        SegmentType.POINT,
        "Cover it and let it steep in the fridge overnight, about twelve to eighteen hours.",
        3,
        True,
        "the steep",
    ),
    (
        SegmentType.POINT,
        "Strain it through a paper filter, and keep the concentrate for up to two weeks.",
        3,
        False,
        "straining and storage",
    ),
    (
        SegmentType.PROOF,
        "One batch makes about ten glasses, so each one costs less than fifty cents.",
        2,
        True,
        None,
    ),
    (
        SegmentType.CTA,
        "Save this for tomorrow morning, and find the full recipe at the link in bio.",
        2,
        False,
        None,
    ),
]


def make_brief(**overrides: Any) -> Brief:
    """The cold brew brief; pass any Brief field to change it."""
    fields: dict[str, Any] = {
        "text": COLD_BREW_TEXT,
        "topic": "cold brew",
        "audience": "busy parents",
        "tone": Tone.UPBEAT,
        "style": Style.TUTORIAL,
        "platforms": ["tiktok", "instagram_reels"],
        "duration_s": 45.0,
        "key_points": ["the ratio", "the steep", "straining and storage"],
        "call_to_action": "link in bio",
    }
    fields.update(overrides)
    return Brief(**fields)


def make_segment(
    id: str,
    type: SegmentType,
    narration: str,
    *,
    shot_count: int = 2,
    optional: bool = False,
    key_point: str | None = None,
    on_screen_text: str | None = None,
    words_per_minute: float = 150.0,
) -> Segment:
    words = len(narration.split())
    return Segment(
        id=id,
        type=type,
        narration=narration,
        on_screen_text=on_screen_text if on_screen_text is not None else (key_point or ""),
        word_count=words,
        estimated_s=round(words / words_per_minute * 60, 3),
        shot_count=shot_count,
        optional=optional,
        key_point=key_point,
    )


def make_script(
    segments: list[Segment] | None = None,
    *,
    words_per_minute: float = 150.0,
    title: str = "Cold brew in five minutes for busy parents",
    call_to_action: str = "Find the full recipe at the link in bio.",
    hashtags: list[str] | None = None,
) -> Script:
    """A script from segments (default: the cold brew script); totals are computed."""
    if segments is None:
        segments = [
            make_segment(
                f"seg-{i:02d}",
                kind,
                text,
                shot_count=shots,
                optional=optional,
                key_point=point,
                words_per_minute=words_per_minute,
            )
            for i, (kind, text, shots, optional, point) in enumerate(COLD_BREW_SEGMENTS, 1)
        ]
    words = sum(s.word_count for s in segments)
    return Script(
        title=title,
        hook=Hook(text=segments[0].narration, pattern="statement"),
        segments=segments,
        call_to_action=call_to_action,
        hashtags=hashtags if hashtags is not None else ["#coldbrew", "#parenthacks"],
        words_per_minute=words_per_minute,
        total_words=words,
        estimated_s=round(sum(s.estimated_s for s in segments), 3),
    )


_TIPS = [
    "Pick beans roasted in the last month, because stale beans taste flat and bitter.",
    "Grind them coarse, like sea salt, so the water can move through without turning muddy.",
    "Use filtered water if your tap water tastes of chlorine, since it carries into the cup.",
    "Keep the ratio at one part coffee to four parts water for a strong concentrate.",
    "Stir once after ten minutes so every ground gets wet and nothing floats dry on top.",
    "Steep it in the fridge rather than on the counter, which keeps the flavour clean.",
    "Taste it at twelve hours, and again at sixteen, to learn how long you like it.",
    "Strain it twice, first through a sieve and then through a paper filter.",
    "Store it in a sealed glass bottle, away from the door where the fridge is warmest.",
    "Dilute it one to one with milk or water, and add ice just before you drink it.",
]


def make_long_script(tips: int = 13, *, words_per_minute: float = 150.0) -> Script:
    """A long tutorial (about 208 s with 13 tips): hook, intro, tips (optional after 2), CTA.

    Each tip is spoken twice over (a tip and a recap of it) to give it length.
    """
    segments = [
        make_segment(
            "seg-01",
            SegmentType.HOOK,
            "Your cold brew could taste far better.",
            words_per_minute=words_per_minute,
        ),
        make_segment(
            "seg-02",
            SegmentType.INTRO,
            "Here are ten small habits that make a big difference to every glass you pour.",
            words_per_minute=words_per_minute,
        ),
    ]
    for n in range(tips):
        tip = _TIPS[n % len(_TIPS)]
        segments.append(
            make_segment(
                f"seg-{n + 3:02d}",
                SegmentType.POINT,
                f"Tip {n + 1}. {tip} In short: {tip.lower()}",
                shot_count=4,
                optional=n >= 2,
                key_point=f"tip {n + 1}",
                words_per_minute=words_per_minute,
            )
        )
    segments.append(
        make_segment(
            f"seg-{tips + 3:02d}",
            SegmentType.CTA,
            "Follow for more coffee tips, and find the full guide at the link in bio.",
            words_per_minute=words_per_minute,
        )
    )
    return make_script(segments, words_per_minute=words_per_minute, title="Ten cold brew habits")


_SHOT_TYPES = [ShotType.CLOSE_UP, ShotType.MEDIUM, ShotType.WIDE, ShotType.INSERT]
_MOVES = [CameraMovement.PUSH_IN, CameraMovement.STATIC, CameraMovement.PAN_RIGHT]


def make_storyboard(script: Script, *, style: Style = Style.TUTORIAL) -> Storyboard:
    """One scene per segment with exactly segment.shot_count shots, ids f'{segment.id}-sh{n}'."""
    scenes = []
    count = 0
    for i, segment in enumerate(script.segments, 1):
        shots = []
        for n in range(1, segment.shot_count + 1):
            kind = _SHOT_TYPES[count % len(_SHOT_TYPES)]
            count += 1
            subject = segment.key_point or segment.type.value
            shots.append(
                Shot(
                    id=f"{segment.id}-sh{n}",
                    segment_id=segment.id,
                    type=kind,
                    camera_movement=_MOVES[count % len(_MOVES)],
                    composition="rule_of_thirds",
                    subject=subject,
                    visual_description=f"{kind.value.replace('_', ' ')} of {subject}",
                    on_screen_text=segment.on_screen_text if n == 1 else "",
                    transition=Transition.CUT,
                    mood="bright",
                    palette=["#ffb703", "#023047"],
                    prompts=GenerationPrompts(
                        prompt=f"{kind.value.replace('_', ' ')} of {subject}, soft morning light",
                        motion_prompt="slow push in",
                        negative_prompt="blurry, text artifacts, watermark",
                    ),
                )
            )
        scenes.append(
            Scene(
                id=f"scene-{i:02d}",
                segment_id=segment.id,
                title=segment.type.value.capitalize(),
                mood="bright",
                palette=["#ffb703", "#023047"],
                shots=shots,
            )
        )
    return Storyboard(title=script.title, style=style, scenes=scenes)


def make_timing(brief: Brief | None = None, script: Script | None = None) -> TimingPlan:
    """The real timing coordinator's plan for the script."""
    from video_generator.agents.timing_coordinator import build_timing_plan

    return build_timing_plan(brief or make_brief(), script or make_script())


def make_cut(
    platform: str,
    brief: Brief | None = None,
    script: Script | None = None,
    timing: TimingPlan | None = None,
) -> PlatformCut:
    """The real platform adapter's cut for one platform."""
    from video_generator.agents.platform_adapter import build_cut

    brief = brief or make_brief()
    script = script or make_script()
    timing = timing or make_timing(brief, script)
    return build_cut(platform, brief, script, make_storyboard(script), timing)


def make_package(brief: Brief | None = None, script: Script | None = None) -> VideoPackage:
    """A whole package: timing, one cut per brief platform, and the quality report."""
    from video_generator.core.quality import check_package

    brief = brief or make_brief()
    script = script or make_script()
    storyboard = make_storyboard(script)
    timing = make_timing(brief, script)
    cuts = [make_cut(p, brief, script, timing) for p in brief.platforms]
    quality = check_package(brief, script, storyboard, timing, cuts)
    return VideoPackage(
        brief=brief,
        script=script,
        storyboard=storyboard,
        timing=timing,
        cuts=cuts,
        quality=quality,
        engine={"id": "factories", "version": "1"},
    )


def make_three_shot_package(platforms: list[str] | None = None) -> VideoPackage:
    """Three shots (1.5 s, 1.45 s, 5.55 s) in two segments, cut for each platform given: the
    smallest package worth rendering (renderer and fal tests)."""
    script = make_script(
        [
            make_segment(
                "seg-01",
                SegmentType.HOOK,
                "Busy mornings need better cold brew today.",
                shot_count=2,
            ),
            make_segment(
                "seg-02",
                SegmentType.CTA,
                "Save this and find the full recipe at the link in bio.",
                shot_count=1,
            ),
        ]
    )
    brief = make_brief(platforms=platforms or ["tiktok", "youtube"], duration_s=10)
    return make_package(brief, script)
