"""parse_brief field by field: lengths, platforms, language, tone, style, lists, errors."""

from __future__ import annotations

import pytest

from video_generator.brief import (
    DEFAULT_PLATFORMS,
    EXAMPLE_BRIEF,
    MAX_BRIEF_CHARS,
    BriefError,
    parse_brief,
)
from video_generator.core.models import Brief, Style, Tone
from video_generator.core.platforms import PLATFORMS


def brief(text: str) -> Brief:
    return parse_brief(text)


# ---------------------------------------------------------------- lengths


@pytest.mark.parametrize(
    ("words", "seconds"),
    [
        ("45s", 45),
        ("45-second", 45),
        ("45 sec", 45),
        ("45 secs", 45),
        ("90secs", 90),
        ("1 min", 60),
        ("2 mins", 120),
        ("1.5 minutes", 90),
        ("1:30", 90),
        ("0:45", 45),
        ("1m30s", 90),
        ("1 min 30 sec", 90),
        ("1 minute and 30 seconds", 90),
        ("ninety seconds", 90),
        ("forty-five seconds", 45),
        ("fourty seconds", 40),
        ("sixty-second", 60),
        ("a minute", 60),
        ("one minute", 60),
        ("half a minute", 30),
        ("a minute and a half", 90),
        ("two and a half minutes", 150),
        ("under a minute", 55),
        ("less than 30 seconds", 25),
        ("under 10 seconds", 9),
        ("up to 90 seconds", 90),
        ("max 2 min", 120),
        ("60s max", 60),
        ("no more than 20 seconds", 20),
        ("about 40 seconds", 40),
        ("~8 minutes", 480),
        ("45ish seconds", 45),
        ("at least 30 seconds", 30),
        ("over a minute", 65),
        ("30-45 seconds", 37.5),
        ("30 to 45 sec", 37.5),
        ("between 30 and 45 seconds", 37.5),
        ("30s-1min", 45),
        ("20 to 30s", 25),
    ],
)
def test_length_forms(words: str, seconds: float) -> None:
    assert brief(f"a {words} tiktok about cold brew").duration_s == seconds
    assert brief(f"tiktok about cold brew, {words}").duration_s == seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Video para TikTok sobre café, 30 segundos", 30),
        ("Ein 45 Sekunden Reel über Kaffee", 45),
        ("Reel sur le café, 30 secondes", 30),
        ("un reel su caffè, 1 minuto", 60),
        ("TikTok sobre café, menos de un minuto", 55),
        ("TikTok über Kaffee, 1,5 Minuten", 90),
        ("TikTok向けの30秒動画：抹茶の淹れ方", 30),
        ("Length: 40\nTopic: cold brew", 40),
    ],
)
def test_lengths_in_other_languages_and_labels(text: str, seconds: float) -> None:
    assert brief(text).duration_s == seconds


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("YT video about the 10 minute mile challenge, 45 seconds", "the 10 minute mile challenge"),
        ("5 minute meals for busy parents, 30 sec reel", "5 minute meals"),
        ("a throwback to the 90s sitcoms, 30s reel", "throwback to the 90s sitcoms"),
        ("hook them in the first 3 seconds: a 30s reel on cold brew", "cold brew"),
    ],
)
def test_numbers_that_are_not_the_length_stay_out_of_it(text: str, topic: str) -> None:
    parsed = brief(text)
    assert parsed.topic == topic
    assert parsed.duration_s == 30 or "45 seconds" in text


def test_several_lengths_take_the_longest() -> None:
    parsed = brief("A 20s reel and a 2 minute YouTube video about guitar tuning")
    assert parsed.duration_s == 120


def test_aspect_ratio_is_not_a_length() -> None:
    parsed = brief("9:16 vertical reel about cold brew")
    assert parsed.duration_s == PLATFORMS["instagram_reels"].default_duration_s
    assert "duration_s" in parsed.assumed


# ---------------------------------------------------------------- platforms


@pytest.mark.parametrize(
    ("words", "platforms"),
    [
        ("TikTok", ["tiktok"]),
        ("tik tok", ["tiktok"]),
        ("Reels", ["instagram_reels"]),
        ("a Reel", ["instagram_reels"]),
        ("IG", ["instagram_reels"]),
        ("insta", ["instagram_reels"]),
        ("Instagram", ["instagram_reels"]),
        ("Instagram feed", ["instagram_feed"]),
        ("an IG post", ["instagram_feed"]),
        ("a Reel post for Instagram", ["instagram_reels"]),
        ("Shorts", ["youtube_shorts"]),
        ("YT Shorts", ["youtube_shorts"]),
        ("a YouTube Short", ["youtube_shorts"]),
        ("YouTube", ["youtube"]),
        ("YT", ["youtube"]),
        ("LinkedIn", ["linkedin"]),
        ("Twitter", ["x"]),
        ("X", ["x"]),
        ("X/Twitter", ["x"]),
        ("a tweet", ["x"]),
        ("TikTok, Reels and Shorts", ["tiktok", "instagram_reels", "youtube_shorts"]),
        ("LinkedIn + X", ["linkedin", "x"]),
        ("tiktok/reels", ["tiktok", "instagram_reels"]),
        ("tiktk", ["tiktok"]),
        ("instagarm", ["instagram_reels"]),
        ("linkdin", ["linkedin"]),
        ("all platforms", list(PLATFORMS)),
    ],
)
def test_platform_names(words: str, platforms: list[str]) -> None:
    assert brief(f"30s video for {words} about cold brew").platforms == platforms


@pytest.mark.parametrize(
    "text",
    [
        "30s tiktok about 2x speed reading",
        "30s tiktok about retirement planning for Gen X",
        "30s tiktok about the X Factor auditions",
        "30s tiktok about x-ray safety",
        "30s tiktok about summer shorts",
        "30s tiktok about Malcolm X",
    ],
)
def test_x_and_shorts_only_as_platforms_in_clear_context(text: str) -> None:
    assert brief(text).platforms == ["tiktok"]


@pytest.mark.parametrize(
    ("text", "platforms", "topic"),
    [
        ("30s Reel about the TikTok algorithm", ["instagram_reels"], "the TikTok algorithm"),
        ("A video about LinkedIn etiquette, YouTube", ["youtube"], "LinkedIn etiquette"),
        ("TikTok on my TikTok growth journey", ["tiktok"], "my TikTok growth journey"),
    ],
)
def test_platform_name_inside_a_noun_phrase_is_the_topic(
    text: str, platforms: list[str], topic: str
) -> None:
    parsed = brief(text)
    assert parsed.platforms == platforms
    assert parsed.topic == topic


def test_platform_names_alone_are_not_a_topic() -> None:
    with pytest.raises(BriefError, match="what the video is about"):
        parse_brief("a video about TikTok and Reels")


def test_platform_defaults_and_default_length() -> None:
    parsed = brief("a video about cold brew")
    assert parsed.platforms == list(DEFAULT_PLATFORMS)
    assert parsed.duration_s == min(PLATFORMS[p].default_duration_s for p in DEFAULT_PLATFORMS)
    assert {"platforms", "duration_s"} <= set(parsed.assumed)
    linkedin = brief("a LinkedIn video about cold brew")
    assert linkedin.duration_s == PLATFORMS["linkedin"].default_duration_s
    mixed = brief("a LinkedIn and TikTok video about cold brew")
    assert mixed.duration_s == min(
        PLATFORMS["linkedin"].default_duration_s, PLATFORMS["tiktok"].default_duration_s
    )


def test_length_that_only_some_platforms_allow_is_kept() -> None:
    parsed = brief("5 minute TikTok and Reel on skincare")
    assert parsed.duration_s == 300
    assert parsed.platforms == ["tiktok", "instagram_reels"]


# ---------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("a reel in Spanish about cold brew", "es"),
        ("a reel about cold brew, en español", "es"),
        ("a reel about cold brew auf Deutsch", "de"),
        ("a reel about cold brew en français", "fr"),
        ("a reel about cold brew em português", "pt"),
        ("a reel about cold brew in italiano", "it"),
        ("a reel about cold brew in Japanese", "ja"),
        ("a reel about cold brew in Mandarin", "zh"),
        ("Brazilian Portuguese voiceover, reel about cold brew", "pt-BR"),
        ("reel about cold brew. Language: German", "de"),
        ("Video para TikTok sobre recetas veganas para principiantes", "es"),
        ("日本語で、TikTok向けの動画：抹茶の淹れ方", "ja"),
        ("用中文做一个关于咖啡冲泡的抖音视频", "zh"),
        ("a reel about cold brew", "en"),
        ("a reel about budget travel in Lisbon", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    parsed = brief(text)
    assert parsed.language == language
    assert ("language" in parsed.assumed) == (language == "en" and "English" not in text)


# ---------------------------------------------------------------- tone and style


@pytest.mark.parametrize(
    ("words", "tone"),
    [
        ("upbeat", Tone.UPBEAT),
        ("high-energy", Tone.ENERGETIC),
        ("punchy", Tone.ENERGETIC),
        ("chill", Tone.CALM),
        ("corporate", Tone.PROFESSIONAL),
        ("fun", Tone.PLAYFUL),
        ("motivational", Tone.INSPIRATIONAL),
        ("cinematic", Tone.DRAMATIC),
        ("funny", Tone.HUMOROUS),
        ("cozy", Tone.WARM),
        ("no-nonsense", Tone.SERIOUS),
        ("serious-ish", Tone.SERIOUS),
        ("energtic", Tone.ENERGETIC),
        ("not too serious, playful", Tone.PLAYFUL),
    ],
)
def test_tone_words(words: str, tone: Tone) -> None:
    parsed = brief(f"30s reel about cold brew, {words}")
    assert parsed.tone == tone
    assert "tone" not in parsed.assumed


def test_tone_word_inside_the_topic_is_not_the_tone() -> None:
    parsed = brief("30s reel about calm parenting techniques")
    assert parsed.topic == "calm parenting techniques"
    assert parsed.tone == Tone.UPBEAT
    assert "tone" in parsed.assumed


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("30s reel: how to fold a fitted sheet", Style.TUTORIAL),
        ("30s reel on cold brew, step by step", Style.TUTORIAL),
        ("30s reel, story time: how I quit coffee", Style.STORY),
        ("30s reel about our product launch", Style.PROMOTIONAL),
        ("30s reel about our summer sale", Style.PROMOTIONAL),
        ("30s promo about cold brew", Style.PROMOTIONAL),
        ("30s reel: top 5 cold brew mistakes", Style.LISTICLE),
        ("30s reel: 7 reasons to drink cold brew", Style.LISTICLE),
        ("30s reel about the cold brew trend", Style.VIRAL),
        ("viral 30s reel about cold brew", Style.VIRAL),
        ("30s reel explaining cold brew", Style.EDUCATIONAL),
        ("30s reel about cold brew, tutorial style", Style.TUTORIAL),
    ],
)
def test_style_is_read_or_inferred(text: str, style: Style) -> None:
    parsed = brief(text)
    assert parsed.style == style
    assert "style" not in parsed.assumed


def test_style_defaults_to_educational_when_nothing_hints() -> None:
    parsed = brief("30s reel about cold brew")
    assert parsed.style == Style.EDUCATIONAL
    assert "style" in parsed.assumed


# ---------------------------------------------------------------- topic, audience, lists


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("a 45-second TikTok about cold brew coffee", "cold brew coffee"),
        ("TikTok on cold brew coffee, 45s", "cold brew coffee"),
        ("TikTok explaining cold brew coffee", "cold brew coffee"),
        ("TikTok showing how to make cold brew coffee", "how to make cold brew coffee"),
        ('TikTok called "Cold Brew, Demystified"', "Cold Brew, Demystified"),
        ("Topic: cold brew coffee\nPlatform: TikTok", "cold brew coffee"),
        ("the topic is cold brew coffee. 45s TikTok.", "cold brew coffee"),
        ("cold brew coffee, 45s TikTok, upbeat", "cold brew coffee"),
        ("TikTok about budgeting, saving and investing", "budgeting, saving and investing"),
        ("TikTok about cold brew upbeat and fun", "cold brew"),
    ],
)
def test_topic(text: str, topic: str) -> None:
    assert brief(text).topic == topic


@pytest.mark.parametrize(
    ("text", "topic", "platforms", "duration", "audience"),
    [
        (
            "Topic: TikTok marketing for dentists\nPlatform: Reels\nLength: 30s",
            "TikTok marketing",
            ["instagram_reels"],
            30,
            "dentists",
        ),
        ("Topic: cold brew, 45s TikTok, upbeat", "cold brew", ["tiktok"], 45, "a general audience"),
        (
            "Topic: 3 tips for better sleep, for night owls",
            "3 tips for better sleep",
            None,
            30,
            "night owls",
        ),
    ],
)
def test_topic_label_is_read_before_other_fields(
    text: str, topic: str, platforms: list[str] | None, duration: float, audience: str
) -> None:
    parsed = brief(text)
    assert parsed.topic == topic
    assert parsed.platforms == (platforms or list(DEFAULT_PLATFORMS))
    assert parsed.duration_s == duration
    assert parsed.audience == audience


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("reel about cold brew for busy parents", "busy parents"),
        ("reel about cold brew for parents of toddlers", "parents of toddlers"),
        ("reel about cold brew aimed at night-shift nurses", "night-shift nurses"),
        ("reel about cold brew for parents who hate mornings", "parents who hate mornings"),
        ("reel about cold brew for Gen Z", "Gen Z"),
        ("reel explaining cold brew to beginners", "beginners"),
        ("reel about cold brew. Audience: coffee snobs", "coffee snobs"),
        ("reel about storage tips for leftovers", "a general audience"),
        ("reel about 3 tips for better sleep", "a general audience"),
    ],
)
def test_audience(text: str, audience: str) -> None:
    assert brief(text).audience == audience


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("reel about cold brew; cover cost, prep time and taste", ["cost", "prep time", "taste"]),
        ("reel about cold brew. Mention oat milk & ice", ["oat milk", "ice"]),
        ("reel on tea. Tips: grind coarse; steep 12 hours", ["grind coarse", "steep 12 hours"]),
        ("reel on tea, covering ratio, grind and steeping", ["ratio", "grind", "steeping"]),
        ("reel about cold brew\n- coarse grind\n- long steep\n", ["coarse grind", "long steep"]),
        ("reel about cold brew. Key points:\n* ratio\n* filter", ["ratio", "filter"]),
        ("reel about cold brew, include captions and music", []),
    ],
)
def test_key_points(text: str, points: list[str]) -> None:
    parsed = brief(text)
    assert parsed.key_points == points
    assert ("key_points" in parsed.assumed) == (not points)


@pytest.mark.parametrize(
    ("text", "cta"),
    [
        ("reel about cold brew, end with 'link in bio'", "link in bio"),
        ('reel about cold brew, end with "Shop now!"', "Shop now"),
        ("reel about cold brew. CTA: follow for part 2", "follow for part 2"),
        ("reel about cold brew. Call to action - visit our cafe", "visit our cafe"),
        ("reel about cold brew, ask them to try it tomorrow", "try it tomorrow"),
        ("reel about cold brew, close on 'see you tomorrow'", "see you tomorrow"),
        ("reel about cold brew, end with a strong CTA", None),
        ("reel about cold brew", None),
    ],
)
def test_call_to_action(text: str, cta: str | None) -> None:
    parsed = brief(text)
    assert parsed.call_to_action == cta
    assert ("call_to_action" in parsed.assumed) == (cta is None)


def test_cta_words_do_not_leak_into_platforms_or_topic() -> None:
    parsed = brief("30s reel about cold brew, end with 'follow us on TikTok for more'")
    assert parsed.platforms == ["instagram_reels"]
    assert parsed.topic == "cold brew"
    assert parsed.call_to_action == "follow us on TikTok for more"


def test_all_caps_brief_reads_naturally() -> None:
    parsed = brief("NEED A 30S TIKTOK ABOUT SEO TIPS FOR SMALL BUSINESS OWNERS. END WITH 'DM US'")
    assert parsed.topic == "SEO tips"
    assert parsed.audience == "small business owners"
    assert parsed.call_to_action == "DM us"


# ---------------------------------------------------------------- defaults and determinism


def test_defaults_are_recorded_in_field_order() -> None:
    parsed = brief("video about dogs")
    assert parsed.assumed == [
        "audience",
        "tone",
        "style",
        "platforms",
        "duration_s",
        "language",
        "key_points",
        "call_to_action",
    ]
    assert parsed.audience == "a general audience"
    assert parsed.tone == Tone.UPBEAT
    assert parsed.language == "en"
    assert parsed.key_points == []
    assert parsed.call_to_action is None


def test_example_brief_parses_fully() -> None:
    parsed = brief(EXAMPLE_BRIEF)
    assert parsed.topic == "cold brew coffee"
    assert parsed.platforms == ["tiktok", "instagram_reels"]
    assert parsed.duration_s == 45
    assert parsed.key_points == ["cost", "prep time", "taste"]
    assert parsed.call_to_action == "link in bio"


def test_same_brief_same_result() -> None:
    text = "Reels + TikTok, 30-45 seconds, about meal prep for beginners; include protein"
    assert brief(text) == brief(text)
    assert brief(text).model_dump_json() == brief(text).model_dump_json()


# ---------------------------------------------------------------- errors


def _error(text: object) -> BriefError:
    with pytest.raises(BriefError) as caught:
        parse_brief(text)  # type: ignore[arg-type]
    return caught.value


def test_error_has_problem_hint_example_and_one_paragraph() -> None:
    error = _error("tiktok 30s upbeat")
    assert isinstance(error, ValueError)
    assert error.code == "no_topic"
    assert error.problem and error.hint and error.example == EXAMPLE_BRIEF
    message = str(error)
    assert message.startswith(error.problem)
    assert error.hint in message and EXAMPLE_BRIEF in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
def test_empty_brief(text: str) -> None:
    error = _error(text)
    assert error.code == "empty"
    assert "empty" in str(error)


def test_too_long_brief_says_how_long() -> None:
    text = "a reel about cold brew " + "x" * (MAX_BRIEF_CHARS - 10)
    error = _error(text)
    assert error.code == "too_long"
    assert f"{len(text):,}" in str(error) and "4,000" in str(error)
    assert parse_brief(("a reel about cold brew. " * 400)[:MAX_BRIEF_CHARS]).topic == "cold brew"


def test_too_long_for_every_platform_names_them_and_their_maxima() -> None:
    error = _error("a 12 minute reel and tiktok about knitting")
    assert error.code == "duration_too_long"
    message = str(error)
    for fragment in ("12 minute", "Instagram Reels", "180 s", "TikTok", "600 s"):
        assert fragment in message
    # the hint offers the platform that would take it
    assert "add a platform that takes it (YouTube, Instagram Feed)" in message


def test_too_short() -> None:
    error = _error("3 second tiktok about cats")
    assert error.code == "duration_too_short"
    assert "3 s" in str(error) and "5 s" in str(error)


def test_not_text() -> None:
    assert _error(None).code == "not_text"
    assert _error(42).code == "not_text"
