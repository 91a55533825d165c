"""The one platform registry: limits, formats, safe zones and habits of each video platform.

Each length limit cites a public page in `sources` (the platforms' help pages and their
announcements as reported); caption safe zones follow the creator safe-zone templates the
platforms' UI overlays imply and are marked as house choices where no platform publishes one.
Pacing bounds (shots per minute) and default lengths are house heuristics for short-form
editing, marked as such. Limits move: check the cited page before relying on a figure.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from video_generator.core.frame import Resolution, SafeZone

# Public pages behind the length limits (as of 2025; platforms change them).
YOUTUBE_LONG = "https://support.google.com/youtube/answer/71673"
YOUTUBE_SHORTS = "https://www.searchenginejournal.com/youtube-extends-shorts-to-3-minutes-adds-new-features/529177/"
TIKTOK = "https://technode.com/2022/03/01/tiktok-now-allows-users-to-upload-10-minute-videos/"
INSTAGRAM_REELS = (
    "https://www.socialsamosa.com/news-2/instagram-introduces-three-minute-reels-8636683"
)
INSTAGRAM_FEED = "https://postplanify.com/blog/how-to-post-a-long-video-on-instagram"
LINKEDIN = "https://brandwatch.com/blog/everything-you-need-to-know-about-linkedin-videos"
X_VIDEO = "https://hypefury.com/blog/en/how-long-can-a-twitter-x-video-be/"
SAFE_ZONE = "creator safe-zone guidance for the app's overlays (no official figure)"
HOOK = "short-form retention guidance: the first 1-3 s decide the swipe (house heuristic)"


class Platform(BaseModel):
    """Everything the pipeline needs to know about one platform."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    max_duration_s: float = Field(gt=0)
    recommended_duration_s: tuple[float, float]
    default_duration_s: float = Field(gt=0, description="Used when the brief gives no length.")
    aspect: str
    resolution: Resolution
    fps: int = 30
    hook_window_s: float = Field(gt=0, description="The hook must land inside this window.")
    safe_zone: SafeZone = Field(description="Caption margins in pixels at `resolution`.")
    shots_per_minute: tuple[float, float]
    title_max_chars: int
    description_max_chars: int
    hashtags: tuple[int, int] = Field(description="Recommended (min, max) hashtags.")
    hashtags_in_description: bool = True
    video_bitrate_kbps: int
    sources: dict[str, str] = Field(default_factory=dict, description="Figure -> where it is from.")

    @property
    def is_vertical(self) -> bool:
        return self.resolution.height > self.resolution.width


def _zone(top: int, bottom: int, left: int, right: int) -> SafeZone:
    return SafeZone(top=top, bottom=bottom, left=left, right=right)


_HEURISTIC = "house heuristic for short-form pacing, not a platform rule"

PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform(
            id="youtube",
            name="YouTube",
            max_duration_s=900,  # 15 min unless the account is verified
            recommended_duration_s=(60, 600),
            default_duration_s=60,
            aspect="16:9",
            resolution=Resolution(width=1920, height=1080),
            hook_window_s=10,  # first 10-15 s; the strict end
            safe_zone=_zone(54, 108, 96, 96),  # standard lower third, clear of the player bar
            shots_per_minute=(6, 30),
            title_max_chars=100,
            description_max_chars=5000,
            hashtags=(1, 3),
            video_bitrate_kbps=8000,
            sources={
                "max_duration_s": f"{YOUTUBE_LONG}: 15 min unless the account is verified",
                "aspect": "16:9, 1920x1080 (the player's native frame)",
                "hook_window_s": "first 10-15 s of a long-form video (house heuristic)",
                "safe_zone": "standard lower third, clear of the player bar (house choice)",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="youtube_shorts",
            name="YouTube Shorts",
            max_duration_s=180,  # since Oct 2024
            recommended_duration_s=(15, 60),
            default_duration_s=30,
            aspect="9:16",
            resolution=Resolution(width=1080, height=1920),
            hook_window_s=3,
            safe_zone=_zone(150, 150, 48, 180),  # >=150 px top/bottom; right action column
            shots_per_minute=(12, 40),
            title_max_chars=100,
            description_max_chars=5000,
            hashtags=(1, 3),
            video_bitrate_kbps=6000,
            sources={
                "max_duration_s": f"{YOUTUBE_SHORTS}: 3 min since 15 Oct 2024",
                "aspect": "9:16, 1080x1920 (vertical full screen)",
                "hook_window_s": HOOK,
                "safe_zone": f"{SAFE_ZONE}: >=150 px top and bottom, clear of the right column",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="tiktok",
            name="TikTok",
            max_duration_s=600,  # uploads of up to 10 min
            recommended_duration_s=(15, 60),
            default_duration_s=30,
            aspect="9:16",
            resolution=Resolution(width=1080, height=1920),
            hook_window_s=3,
            safe_zone=_zone(250, 460, 60, 180),  # upper bounds of 180-250 / 320-460 / 120-180
            shots_per_minute=(12, 45),
            title_max_chars=100,
            description_max_chars=4000,
            hashtags=(3, 5),
            video_bitrate_kbps=6000,
            sources={
                "max_duration_s": f"{TIKTOK}: 10 min uploads since 2022",
                "aspect": "9:16, 1080x1920 (vertical full screen)",
                "hook_window_s": HOOK,
                "safe_zone": f"{SAFE_ZONE}: avoid top 180-250, bottom 320-460, right 120-180 px",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="instagram_reels",
            name="Instagram Reels",
            max_duration_s=180,
            recommended_duration_s=(15, 90),
            default_duration_s=30,
            aspect="9:16",
            resolution=Resolution(width=1080, height=1920),
            hook_window_s=3,
            safe_zone=_zone(270, 670, 65, 65),  # top 14%, bottom 35%, 6% each side
            shots_per_minute=(12, 40),
            title_max_chars=100,
            description_max_chars=2200,
            hashtags=(3, 5),
            video_bitrate_kbps=6000,
            sources={
                "max_duration_s": f"{INSTAGRAM_REELS}: 3 min since Jan 2025",
                "aspect": "9:16, 1080x1920 (vertical full screen)",
                "hook_window_s": HOOK,
                "safe_zone": f"{SAFE_ZONE}: top 14% (~270 px), bottom 35% (~670 px), 6% sides",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="instagram_feed",
            name="Instagram Feed",
            max_duration_s=3600,  # feed video posts up to 60 min (it was 60 s until 2021)
            recommended_duration_s=(15, 60),
            default_duration_s=30,
            aspect="4:5",
            resolution=Resolution(width=1080, height=1350),
            hook_window_s=3,
            safe_zone=_zone(64, 64, 64, 64),
            shots_per_minute=(8, 36),
            title_max_chars=100,
            description_max_chars=2200,
            hashtags=(3, 5),
            video_bitrate_kbps=5000,
            sources={
                "max_duration_s": f"{INSTAGRAM_FEED}: feed videos up to 60 min (15 from a phone)",
                "aspect": "4:5, 1080x1350 (the tallest feed post; 1:1 also allowed)",
                "hook_window_s": HOOK,
                "safe_zone": f"{SAFE_ZONE}: ~64 px on all sides",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="linkedin",
            name="LinkedIn",
            max_duration_s=600,
            recommended_duration_s=(30, 90),
            default_duration_s=45,
            aspect="1:1",
            resolution=Resolution(width=1080, height=1080),
            hook_window_s=3,
            safe_zone=_zone(54, 54, 54, 54),  # no UI overlay; a 5% title-safe margin
            shots_per_minute=(6, 24),
            title_max_chars=200,
            description_max_chars=3000,
            hashtags=(3, 5),
            video_bitrate_kbps=5000,
            sources={
                "max_duration_s": f"{LINKEDIN}: native videos 3 s to 10 min",
                "aspect": "1:1 1080x1080, the most of a phone's feed (16:9 and 4:5 allowed)",
                "hook_window_s": HOOK,
                "safe_zone": "no overlay (a 5% title-safe margin is a house choice)",
                "shots_per_minute": _HEURISTIC,
            },
        ),
        Platform(
            id="x",
            name="X (Twitter)",
            max_duration_s=140,  # accounts without Premium
            recommended_duration_s=(15, 60),
            default_duration_s=30,
            aspect="16:9",
            resolution=Resolution(width=1920, height=1080),
            hook_window_s=3,
            safe_zone=_zone(54, 54, 96, 96),  # no overlay; 5% title-safe margin
            shots_per_minute=(8, 36),
            title_max_chars=100,
            description_max_chars=280,
            hashtags=(1, 2),
            video_bitrate_kbps=6000,
            sources={
                "max_duration_s": f"{X_VIDEO}: 140 s (2 min 20 s) for accounts without Premium",
                "aspect": "16:9 1920x1080; 1:1 and 9:16 allowed",
                "hook_window_s": HOOK,
                "safe_zone": "no overlay (a 5% title-safe margin is a house choice)",
                "description_max_chars": "a post holds 280 characters",
                "shots_per_minute": _HEURISTIC,
            },
        ),
    )
}


class UnknownPlatformError(ValueError):
    """A platform id that is not in the registry."""


def get_platform(platform_id: str) -> Platform:
    try:
        return PLATFORMS[platform_id]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise UnknownPlatformError(
            f"unknown platform '{platform_id}'; choose one of: {known}"
        ) from None


def shots_per_minute_bounds(platform_ids: list[str]) -> tuple[float, float]:
    """The pacing window every requested platform accepts (the intersection of their bounds)."""
    platforms = [get_platform(p) for p in platform_ids]
    return (
        max(p.shots_per_minute[0] for p in platforms),
        min(p.shots_per_minute[1] for p in platforms),
    )
