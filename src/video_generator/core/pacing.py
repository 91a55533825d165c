"""Pacing: speech rates, the pause share, shot lengths and ids; the budgets they give a script.

Rules (common voice-over figures, house choices; docs/templates.md):
- Speech rate by tone (WPM_BY_TONE): 160-180 wpm for fast, energetic short-form tones, 130-140
  for calm, professional and serious ones, the settings' 150 wpm for the rest; tutorials are
  technical, so 10 wpm slower (never under 130).
- PAUSE_SHARE = 15% of the running time is pauses (voice-over scripts usually allow 10-20%),
  so the word budget is duration x wpm x 0.85 and a segment's estimated_s =
  word_count / wpm x 60 / 0.85; the timeline pauses after each segment by PAUSE_PER_SPEECH
  (15/85) of the average segment's speech, the same share.
- The hook is at most hook_window_s x wpm x 0.85 words of the strictest requested platform, so
  the hook and its pause end inside the window.
- Shots: no timed shot under MIN_SHOT_MS; the script aims at the middle of
  shots_per_minute_bounds(platforms), gives every segment at least one shot and none under
  PLANNED_MIN_SHOT_S (each extra shot goes to the segment whose shots are currently longest).
- Shot ids: shot_id(segment, n), so the scene designer and the timing coordinator, which run
  side by side on the same script, agree on them without seeing each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from video_generator.core.models import Style, Tone
from video_generator.core.platforms import get_platform

PAUSE_SHARE = 0.15  # of the running time (speech + pauses)
PAUSE_PER_SPEECH = PAUSE_SHARE / (1 - PAUSE_SHARE)  # the same share, as pause per speech
MIN_SHOT_MS = 1000  # no timed shot is shorter
# The script plans shots 20% above that floor, so stretching speech never pushes one under it.
PLANNED_MIN_SHOT_S = 1.2 * MIN_SHOT_MS / 1000
HOOK_SHARE = 0.3  # at most this part of the word budget goes to the hook
BASE_WPM = 150.0  # the default of VG_WORDS_PER_MINUTE: tones without a rate of their own
MIN_WPM = 130.0
WPM_BY_TONE: dict[Tone, float] = {
    Tone.ENERGETIC: 175,
    Tone.UPBEAT: 165,
    Tone.PLAYFUL: 165,
    Tone.HUMOROUS: 160,
    Tone.WARM: 145,
    Tone.DRAMATIC: 140,
    Tone.PROFESSIONAL: 140,
    Tone.CALM: 135,
    Tone.SERIOUS: 135,
}
TECHNICAL_STYLE_SLOWDOWN: dict[Style, float] = {Style.TUTORIAL: 10}


def shot_id(segment_id: str, n: int) -> str:
    """The id of a segment's n-th shot (from 1): the storyboard and the timing share it."""
    return f"{segment_id}-sh{n}"


def words_per_minute(tone: Tone | str, style: Style | str, base: float = BASE_WPM) -> float:
    """Speech rate for a tone and style (see the module docstring for the table's source)."""
    wpm = WPM_BY_TONE.get(Tone(tone), base)
    wpm -= TECHNICAL_STYLE_SLOWDOWN.get(Style(style), 0.0)
    return max(MIN_WPM, wpm)


def word_budget(duration_s: float, wpm: float) -> int:
    """Words that fit the duration once PAUSE_SHARE of it is left for pauses."""
    return max(1, round(duration_s * wpm / 60 * (1 - PAUSE_SHARE)))


def spoken_seconds(words: int, wpm: float) -> float:
    """A segment's estimated length: speech plus its share of pauses."""
    return words / wpm * 60 / (1 - PAUSE_SHARE)


def hook_word_limit(platforms: Sequence[str], wpm: float, budget: int | None = None) -> int:
    """Most words a hook may have so it (with its pause) ends inside every hook window.

    With a budget, the hook also keeps to HOOK_SHARE of it (a 10 s video has no room for a
    10 s hook even where the window allows one).
    """
    window = min(get_platform(p).hook_window_s for p in platforms)
    limit = math.floor(window * wpm / 60 * (1 - PAUSE_SHARE))
    if budget is not None:
        limit = min(limit, max(4, round(budget * HOOK_SHARE)))
    return max(3, limit)


def allocate_shots(
    durations: Sequence[float], bounds: tuple[float, float], min_shot_s: float = PLANNED_MIN_SHOT_S
) -> list[int]:
    """Shots per segment: the middle of the bounds overall, >= 1 each, none under min_shot_s."""
    total_s = sum(durations)
    low, high = bounds
    caps = [max(1, math.floor(d / min_shot_s)) for d in durations]
    wanted = round((low + high) / 2 * total_s / 60)
    total = min(max(len(durations), wanted), sum(caps))
    counts = [1] * len(durations)
    for _ in range(total - len(durations)):
        # D'Hondt: the next shot goes where shots are currently longest (ties: earliest).
        best = max(
            (i for i in range(len(durations)) if counts[i] < caps[i]),
            key=lambda i: (durations[i] / (counts[i] + 1), -i),
        )
        counts[best] += 1
    return counts
