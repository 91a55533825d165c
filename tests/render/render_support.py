"""Helpers the renderer tests share: a tiny package with real transitions."""

from __future__ import annotations

from factories import make_three_shot_package
from video_generator.core.models import Transition, VideoPackage


def tiny_package(platforms: list[str] | None = None) -> VideoPackage:
    """Three shots (1.5 s, 1.45 s, 5.55 s): a cut, a slide, then a fade to black at the end.

    A hard cut before a transition makes the graph join by concat and then by xfade.
    """
    pkg = make_three_shot_package(platforms)
    shots = pkg.storyboard.shots()
    shots[0].transition = Transition.CUT
    shots[1].transition = Transition.SLIDE
    shots[-1].transition = Transition.FADE_TO_BLACK
    return pkg
