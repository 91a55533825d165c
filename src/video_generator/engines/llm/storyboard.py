"""The storyboard task: every shot's picture in one call, one look, recurring characters."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from video_generator.core.models import Brief, Script
from video_generator.engines.llm.language import language_name, wrong_language

SCENE_TITLE_CHARS = 60


class Character(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str  # the same words every time the character is in a prompt


class SceneText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str


class ShotText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    subject: str
    action: str
    setting: str
    prompt: str
    motion_prompt: str
    negative_prompt: str


class StoryboardReply(BaseModel):
    """What the model returns for a storyboard."""

    model_config = ConfigDict(extra="forbid")

    look: str
    characters: list[Character]
    scenes: list[SceneText]
    shots: list[ShotText]


@dataclass(frozen=True)
class ShotFrame:
    id: str
    segment_id: str
    scene_id: str
    type: str  # shot type, e.g. close_up
    camera: str  # camera movement, e.g. push_in
    on_screen: str


@dataclass(frozen=True)
class StoryboardOutline:
    """The offline plan's frame: scenes and shots with types and moves; the model fills in
    what the camera sees."""

    brief: Brief
    script: Script
    scenes: tuple[tuple[str, str], ...]  # (scene id, segment id)
    shots: tuple[ShotFrame, ...]
    palette: str
    moods: dict[str, str]  # scene id -> mood


SYSTEM = (
    "You are a storyboard artist and director of photography for short-form video. For each "
    "shot you decide what the camera sees so that it shows what the narration says at that "
    "moment: a concrete subject, what it does, where. You write text-to-video prompts that a "
    "video model can film. You reply with one JSON object that matches the schema, nothing else."
)


def storyboard_messages(outline: StoryboardOutline) -> list[dict[str, str]]:
    brief, script = outline.brief, outline.script
    title_language = f"{language_name(script.language)} ({script.language})"
    lines = [
        "Design the shots of this video.",
        f"Topic: {brief.topic}. Audience: {brief.audience}. Tone: {brief.tone.value}. "
        f"Style: {brief.style.value}. Title: {script.title}",
        f"Palette: {outline.palette}.",
        "look: one short phrase for the whole video's visual style (lighting, lens, colour "
        "grade, in the palette); every prompt ends with it, word for word.",
        "characters: the people or animals that recur, each with a description that every "
        "prompt showing them repeats word for word (an empty list if none recur).",
        "Per shot: subject (who or what is filmed), action (what it does), setting (where), "
        "prompt (one English text-to-video prompt: subject, action, setting, shot type, camera "
        "move, lighting, then the look; no on-screen text, no captions, no aspect ratio), "
        "motion_prompt (the camera move in a phrase, in English), negative_prompt "
        "(comma-separated things to avoid, in English).",
        f"Scene titles: at most {SCENE_TITLE_CHARS} characters, in {title_language}.",
        "Segments, their narration, and their scenes and shots (use these ids, in this order):",
    ]
    by_segment: dict[str, list[ShotFrame]] = {}
    for shot in outline.shots:
        by_segment.setdefault(shot.segment_id, []).append(shot)
    scenes_of: dict[str, list[str]] = {}
    for scene_id, segment_id in outline.scenes:
        scenes_of.setdefault(segment_id, []).append(scene_id)
    for segment in script.segments:
        lines.append(f'{segment.id} ({segment.type.value}): "{segment.narration}"')
        lines.append(f"  scenes: {', '.join(scenes_of.get(segment.id, []))}")
        for shot in by_segment.get(segment.id, []):
            extra = f'; on screen: "{shot.on_screen}"' if shot.on_screen else ""
            lines.append(
                f"  - {shot.id} in {shot.scene_id}: {shot.type.replace('_', ' ')} shot, camera "
                f"{shot.camera.replace('_', ' ')}, mood {outline.moods.get(shot.scene_id, '')}"
                f"{extra}"
            )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def check_storyboard(outline: StoryboardOutline, reply: StoryboardReply) -> list[str]:
    problems: list[str] = []
    wanted_scenes = [scene_id for scene_id, _ in outline.scenes]
    if [s.id for s in reply.scenes] != wanted_scenes:
        problems.append(f"scenes must be exactly these ids in order: {', '.join(wanted_scenes)}")
    wanted_shots = [shot.id for shot in outline.shots]
    if [s.id for s in reply.shots] != wanted_shots:
        problems.append(f"shots must be exactly these ids in order: {', '.join(wanted_shots)}")
    if problems:
        return problems
    if not reply.look.strip():
        problems.append("look is empty")
    for shot in reply.shots:
        empty = [
            name
            for name in ("subject", "action", "setting", "prompt", "motion_prompt")
            if not getattr(shot, name).strip()
        ]
        if empty:
            problems.append(f"{shot.id}: empty {', '.join(empty)}")
    prompts = " ".join(shot.prompt for shot in reply.shots)
    seems = wrong_language(prompts, "en")
    if seems is not None:
        problems.append(f"the prompts must be in English but read as {seems}")
    return problems


def storyboard_max_tokens(outline: StoryboardOutline) -> int:
    return int(200 * len(outline.shots) + 30 * len(outline.scenes) + 500)
