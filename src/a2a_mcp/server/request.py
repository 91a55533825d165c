"""Read a skill call out of an A2A message: which skill, its validated input, the call switches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from a2a.types import Message
from pydantic import BaseModel

from a2a_mcp.agent import Agent, Skill
from a2a_mcp.cards import text_input_field
from a2a_mcp.errors import InvalidInputError, UnknownSkillError
from a2a_mcp.protocol import NO_CACHE_KEY, SKILL_KEY, first_data, metadata_of, texts


@dataclass(frozen=True)
class SkillCall:
    """One validated request: the skill, its typed input and the per-call switches."""

    skill: Skill
    input: BaseModel
    call_meta: dict[str, Any] = field(default_factory=dict)


def _choose_skill(agent: Agent, metadata: dict[str, Any]) -> Skill:
    skill_id = metadata.get(SKILL_KEY)
    if skill_id is None:
        if len(agent.skills) == 1:
            return next(iter(agent.skills.values()))
        known = ", ".join(sorted(agent.skills))
        raise InvalidInputError(
            f"say which skill to run: set message.metadata.skill to one of: {known}",
            details={"errors": [{"field": "metadata.skill", "problem": "missing"}]},
        )
    if not isinstance(skill_id, str):
        raise InvalidInputError(
            "message.metadata.skill must be a string naming a skill",
            details={"errors": [{"field": "metadata.skill", "problem": "not a string"}]},
        )
    try:
        return agent.get_skill(skill_id)
    except UnknownSkillError as exc:
        raise UnknownSkillError(exc.message, details={"skill": skill_id}) from None


def _payload(skill: Skill, data: Any | None, text_parts: list[str]) -> Any:
    if data is not None:
        return data
    text = "\n".join(text_parts).strip()
    field_name = text_input_field(skill.input_model)
    if text and field_name:
        return {field_name: text}
    expected = (
        f"a DataPart with the input JSON, or a TextPart for '{field_name}'"
        if field_name
        else "a DataPart with the input JSON"
    )
    raise InvalidInputError(
        f"message for skill '{skill.id}' has no input: send {expected}",
        details={"errors": [{"field": "message.parts", "problem": f"expected {expected}"}]},
    )


def _read(
    agent: Agent, metadata: dict[str, Any], data: Any | None, text_parts: list[str]
) -> SkillCall:
    skill = _choose_skill(agent, metadata)
    model_input = agent.parse_input(skill.id, _payload(skill, data, text_parts))
    call_meta = {"no_cache": bool(metadata.get(NO_CACHE_KEY, False))}
    return SkillCall(skill=skill, input=model_input, call_meta=call_meta)


def read_call(agent: Agent, message: Message | None) -> SkillCall:
    """Validate a request; raises InvalidInputError or UnknownSkillError naming the field."""
    if message is None:
        raise InvalidInputError("the request carries no message")
    return _read(agent, metadata_of(message), first_data(message.parts), texts(message.parts))


def read_call_json(agent: Agent, message: Mapping[str, Any]) -> SkillCall:
    """read_call on the message as it arrived in JSON (A2A 1.0 field names), for callers that
    have not built the protobuf Message; the same errors."""
    metadata = message.get("metadata") or {}
    parts = message.get("parts") or []
    if not isinstance(metadata, dict) or not isinstance(parts, list):
        raise InvalidInputError("message.metadata must be an object and message.parts a list")
    data = next((part["data"] for part in parts if isinstance(part, dict) and "data" in part), None)
    text_parts = [
        part["text"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    ]
    return _read(agent, metadata, data, text_parts)
