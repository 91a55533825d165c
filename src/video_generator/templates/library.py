"""Reading the template library's YAML files into validated Template records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from video_generator.core.models import Style, Tone
from video_generator.core.platforms import PLATFORMS
from video_generator.engines.fill import placeholders

# The library's release; the data hash is appended so any edit to a file changes the version
# (and with it every cache key that includes it).
LIBRARY_RELEASE = "2026.11.1"

# Every placeholder a template may use; {Name} (capitalised) is the same value, capitalised.
PLACEHOLDERS: dict[str, str] = {
    "topic": "the brief's topic as written ('cold brew coffee', 'how to negotiate a raise')",
    "topic_np": "the topic only when it reads as a noun phrase (not 'how to ...')",
    "topic_title": "the topic in Title Case",
    "audience": "the audience ('busy parents'); absent for a general audience",
    "person": "one member of the audience with an article ('a busy parent', 'a person')",
    "point": "what the body segment is about: the key point as written, or an angle",
    "key_point": "the brief's key point of the segment (absent for angle segments)",
    "n": "the segment's number among the body segments (1, 2, ...)",
    "ordinal": "'first', 'second', ...",
    "lead_in": "'First up', 'Next', 'Then', 'And finally' by position",
    "count": "how many body points (digits)",
    "count_words": "how many body points ('three')",
    "duration": "the target length in seconds ('45')",
    "points_list": "the key points joined ('a, b and c')",
    "cta": "the call to action sentence",
    "hook": "the hook as written",
    "cta_short": "the call to action's short on-screen form (ctas.yaml data.on_screen)",
    "subject": "a shot's subject",
    "action": "what the subject does in a shot",
    "setting": "where a shot takes place",
    "lighting": "a shot's lighting",
    "lens": "the lens and depth of field for a shot type",
    "look": "the visual style of the whole video",
    "shot": "a shot type in words ('Close-up')",
    "composition": "a composition in words",
    "movement": "a camera movement in words",
    "palette": "the colour palette's name",
    "mood": "the scene's mood",
    "quoted_point": "the key point in quotes, for prompts",
    "title": "the video's title",
    "on_screen": "the segment's on-screen text",
    "part": "the part number of a scene when a segment spans several scenes",
}

_STYLES = {s.value for s in Style}
_TONES = {t.value for t in Tone}


class TemplateLibraryError(ValueError):
    """A library file is missing, malformed or names something unknown; says where and what."""


class Template(BaseModel):
    """One template: text to realise (or data to use), where it applies and how much it weighs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="'<kind>.<group>.<key>', stable across releases.")
    kind: str
    group: str
    key: str
    text: str = ""
    styles: tuple[str, ...] = ()
    tones: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    weight: float = Field(default=1.0, gt=0)
    data: dict[str, Any] = Field(default_factory=dict)
    source: str = Field(default="", description="The file it came from.")


class _Entry(BaseModel):
    """One template as written in a file (a bare string is just its text)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    text: str = ""
    styles: list[str] | None = None
    tones: list[str] | None = None
    platforms: list[str] | None = None
    weight: float | None = Field(default=None, gt=0)
    data: dict[str, Any] = Field(default_factory=dict)


class _Group(BaseModel):
    """A named group of templates with defaults for its entries."""

    model_config = ConfigDict(extra="forbid")

    styles: list[str] = Field(default_factory=list)
    tones: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    weight: float = Field(default=1.0, gt=0)
    data: dict[str, Any] = Field(default_factory=dict)
    templates: list[_Entry | str] = Field(min_length=1)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1)
    description: str = ""
    kinds: dict[str, dict[str, _Group]] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


def data_root() -> Traversable:
    """The packaged data folder (found through importlib.resources, so installs work too)."""
    return resources.files("video_generator.templates").joinpath("data")


def _check_names(values: Iterable[str], known: set[str] | Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; known: {sorted(known)}")


def _check_placeholders(text: str) -> None:
    for name in placeholders(text):
        base = name[:1].lower() + name[1:]
        if base not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}}; known: {sorted(PLACEHOLDERS)}")


def parse_file(name: str, raw: bytes) -> tuple[str, list[Template]]:
    """One file's version and templates; TemplateLibraryError names the file and entry at fault."""
    try:
        loaded = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise TemplateLibraryError(f"{name}: not valid YAML: {exc}") from None
    try:
        parsed = _File.model_validate(loaded)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TemplateLibraryError(f"{name}: {where}: {first['msg']}") from None
    templates: list[Template] = []
    for kind, groups in parsed.kinds.items():
        for group_name, group in groups.items():
            for index, item in enumerate(group.templates, start=1):
                entry = _Entry(text=item) if isinstance(item, str) else item
                where = f"{name}: {kind}.{group_name} entry {index}"
                try:
                    styles = entry.styles if entry.styles is not None else group.styles
                    tones = entry.tones if entry.tones is not None else group.tones
                    platforms = entry.platforms if entry.platforms is not None else group.platforms
                    _check_names(styles, _STYLES, "style")
                    _check_names(tones, _TONES, "tone")
                    _check_names(platforms, PLATFORMS, "platform")
                    _check_placeholders(entry.text)
                    key = entry.id or str(index)
                    templates.append(
                        Template(
                            id=f"{kind}.{group_name}.{key}",
                            kind=kind,
                            group=group_name,
                            key=key,
                            text=entry.text.strip(),
                            styles=tuple(styles),
                            tones=tuple(tones),
                            platforms=tuple(platforms),
                            weight=entry.weight or group.weight,
                            data={**group.data, **entry.data},
                            source=name,
                        )
                    )
                except (ValueError, ValidationError) as exc:
                    raise TemplateLibraryError(f"{where}: {exc}") from None
    return parsed.version, templates


def read_library(
    root: Traversable | Path | None = None,
) -> tuple[str, dict[str, str], list[Template]]:
    """Every *.yaml file under root: (library version, file -> file version, templates)."""
    root = root or data_root()
    files = sorted(
        (entry for entry in root.iterdir() if entry.name.endswith((".yaml", ".yml"))),
        key=lambda entry: entry.name,
    )
    if not files:
        raise TemplateLibraryError(f"no template files (*.yaml) found in {root}")
    digest = hashlib.sha256()
    versions: dict[str, str] = {}
    templates: list[Template] = []
    seen: dict[str, str] = {}
    for entry in files:
        raw = entry.read_bytes()
        digest.update(entry.name.encode() + b"\0" + raw + b"\0")
        version, found = parse_file(entry.name, raw)
        versions[entry.name] = version
        for template in found:
            if template.id in seen:
                raise TemplateLibraryError(
                    f"{entry.name}: template id '{template.id}' is also defined in "
                    f"{seen[template.id]}; give one of them another id"
                )
            seen[template.id] = entry.name
            templates.append(template)
    return f"{LIBRARY_RELEASE}+{digest.hexdigest()[:8]}", versions, templates
