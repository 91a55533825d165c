"""Agent and skill: a named service with typed async skills, callable in-process or over A2A."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Protocol, get_type_hints

from pydantic import BaseModel, ValidationError

from a2a_mcp.errors import (
    InvalidInputError,
    OutputInvalidError,
    UnknownSkillError,
    describe_validation_error,
)


class Progress(Protocol):
    """Reports how far a skill has come: fraction 0..1, a message, optional data."""

    async def __call__(
        self, fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None: ...


async def no_progress(
    fraction: float, message: str = "", data: dict[str, Any] | None = None
) -> None:
    """A Progress that drops every report."""


SkillHandler = Callable[[BaseModel, Progress], Awaitable[BaseModel]]


@dataclass(frozen=True)
class Skill:
    """One capability of an agent, with typed input and output."""

    id: str
    name: str
    description: str
    tags: tuple[str, ...]
    examples: tuple[str, ...]
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    handler: SkillHandler
    cache_kind: str | None = None  # which TTL applies when the output is cached


def skill(
    *,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    tags: tuple[str, ...] = (),
    examples: tuple[str, ...] = (),
    cache_kind: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an `async def m(self, input: In, progress: Progress) -> Out` method as a skill."""

    def mark(method: Callable[..., Any]) -> Callable[..., Any]:
        method.__skill__ = {  # type: ignore[attr-defined]
            "id": id or method.__name__,
            "name": name or method.__name__.replace("_", " ").capitalize(),
            "description": description or inspect.getdoc(method) or "",
            "tags": tags,
            "examples": examples,
            "cache_kind": cache_kind,
        }
        return method

    return mark


class Agent:
    """Base class: subclasses set name, description, version, default_port and mark skills."""

    name: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[str] = "1.0.0"
    default_port: ClassVar[int | None] = None

    @cached_property
    def skills(self) -> dict[str, Skill]:
        found: dict[str, Skill] = {}
        for attr in dir(type(self)):
            method = getattr(type(self), attr, None)
            meta = getattr(method, "__skill__", None)
            if method is None or meta is None:
                continue
            hints = get_type_hints(method)
            params = [p for p in inspect.signature(method).parameters if p != "self"]
            found[meta["id"]] = Skill(
                input_model=hints[params[0]],
                output_model=hints["return"],
                handler=getattr(self, attr),
                **meta,
            )
        return found

    def get_skill(self, skill_id: str) -> Skill:
        try:
            return self.skills[skill_id]
        except KeyError:
            known = ", ".join(sorted(self.skills)) or "none"
            raise UnknownSkillError(
                f"agent '{self.name}' has no skill '{skill_id}' (it has: {known})"
            ) from None

    def parse_input(self, skill_id: str, payload: BaseModel | Mapping[str, Any]) -> BaseModel:
        """Validate a payload into the skill's input model, naming every bad field on failure."""
        model = self.get_skill(skill_id).input_model
        if isinstance(payload, model):
            return payload
        try:
            if isinstance(payload, BaseModel):
                payload = payload.model_dump(mode="json")
            return model.model_validate(payload)
        except ValidationError as exc:
            summary, errors = describe_validation_error(exc)
            raise InvalidInputError(
                f"input for {self.name}.{skill_id} is not valid: {summary}",
                details={"errors": errors},
            ) from None

    async def run(
        self,
        skill_id: str,
        payload: BaseModel | Mapping[str, Any],
        progress: Progress = no_progress,
    ) -> BaseModel:
        """Validate the input, run the skill and return its typed output."""
        chosen = self.get_skill(skill_id)
        request = self.parse_input(skill_id, payload)
        try:
            return await chosen.handler(request, progress)
        except ValidationError as exc:
            # A model the skill built refused its values: say which, as an error with a
            # code, rather than a crash with a stack trace.
            summary, errors = describe_validation_error(exc)
            raise OutputInvalidError(
                f"{self.name}.{skill_id} could not build its output ({exc.title}): {summary}",
                details={"errors": errors},
            ) from None
