"""Helpers the renderer tests share: a tiny package with real transitions."""

from __future__ import annotations

from factories import make_brief, make_package, make_script, make_segment

from video_generator.models import SegmentType, Transition, VideoPackage


def tiny_package(platforms: list[str] | None = None) -> VideoPackage:
    """Three shots (1.5 s, 1.45 s, 5.55 s): a cut, a slide, then a fade to black at the end.

    A hard cut before a transition makes the graph join by concat and then by xfade.
    """
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
    pkg = make_package(brief, script)
    shots = pkg.storyboard.shots()
    shots[0].transition = Transition.CUT
    shots[1].transition = Transition.SLIDE
    shots[-1].transition = Transition.FADE_TO_BLACK
    return pkg
