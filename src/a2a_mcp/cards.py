"""Agent -> A2A AgentCard: name, skills, modes, interfaces (protocol 1.0 and 0.3), capabilities."""

from __future__ import annotations

from typing import Any

from a2a.server.request_handlers.response_helpers import agent_card_to_dict
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentExtension,
    AgentInterface,
    AgentSkill,
    APIKeySecurityScheme,
    HTTPAuthSecurityScheme,
    SecurityRequirement,
    SecurityScheme,
    StringList,
)
from a2a.utils.constants import PROTOCOL_VERSION_0_3, PROTOCOL_VERSION_1_0, TransportProtocol
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict, ParseDict
from pydantic import BaseModel

from a2a_mcp.agent import Agent, Skill
from a2a_mcp.auth import API_KEY, API_KEY_HEADER, BEARER
from a2a_mcp.offers import TextArtifacts
from a2a_mcp.protocol import JSON, SKILLS_EXTENSION_URI, TEXT, restore_ints


def text_input_field(model: type[BaseModel]) -> str | None:
    """The one required str field a TextPart may fill, or None when the model has no such field."""
    required = [(name, field) for name, field in model.model_fields.items() if field.is_required()]
    if len(required) == 1 and required[0][1].annotation is str:
        return required[0][0]
    return None


def has_text_artifacts(model: type[BaseModel]) -> bool:
    """Whether outputs of this model publish extra text artifacts (offers.TextArtifacts)."""
    return issubclass(model, TextArtifacts)


def _skill(skill: Skill) -> AgentSkill:
    input_modes = [JSON, TEXT] if text_input_field(skill.input_model) else [JSON]
    output_modes = [JSON, TEXT] if has_text_artifacts(skill.output_model) else [JSON]
    return AgentSkill(
        id=skill.id,
        name=skill.name,
        description=skill.description,
        tags=list(skill.tags) or [skill.id],
        examples=list(skill.examples),
        input_modes=input_modes,
        output_modes=output_modes,
    )


def _skills_extension(agent: Agent) -> AgentExtension:
    """Each skill's schemas and cache kind: clients can validate and know what is idempotent."""
    params = {
        "skills": {
            skill.id: {
                "input_schema": skill.input_model.model_json_schema(),
                "output_schema": skill.output_model.model_json_schema(),
                "cache_kind": skill.cache_kind,
            }
            for skill in agent.skills.values()
        }
    }
    return AgentExtension(
        uri=SKILLS_EXTENSION_URI,
        description="Input and output JSON schemas and cache kind of each skill.",
        required=False,
        params=ParseDict(params, struct_pb2.Struct()),
    )


def _secure(card: AgentCard) -> None:
    """Declare the API key: as a bearer token, or in an X-API-Key header (either will do)."""
    card.security_schemes[BEARER].CopyFrom(
        SecurityScheme(
            http_auth_security_scheme=HTTPAuthSecurityScheme(
                scheme="Bearer", description="One of the API keys the server was given."
            )
        )
    )
    card.security_schemes[API_KEY].CopyFrom(
        SecurityScheme(
            api_key_security_scheme=APIKeySecurityScheme(
                location="header",
                name=API_KEY_HEADER,
                description="The same key, for clients that cannot set Authorization.",
            )
        )
    )
    for name in (BEARER, API_KEY):
        card.security_requirements.append(SecurityRequirement(schemes={name: StringList()}))


def agent_card(agent: Agent, url: str, *, secured: bool = False) -> AgentCard:
    """The A2A card of an agent served at `url` (JSON-RPC at url, HTTP+JSON under it);
    `secured` declares that calls need an API key (the card itself stays open)."""
    url = url.rstrip("/")
    interfaces = [
        AgentInterface(url=url, protocol_binding=binding, protocol_version=version)
        for version in (PROTOCOL_VERSION_1_0, PROTOCOL_VERSION_0_3)
        for binding in (TransportProtocol.JSONRPC.value, TransportProtocol.HTTP_JSON.value)
    ]
    card = AgentCard(
        name=agent.name,
        description=agent.description,
        version=agent.version,
        supported_interfaces=interfaces,
        capabilities=AgentCapabilities(
            streaming=True,
            push_notifications=True,  # a2a_mcp.server.push delivers them
            extensions=[_skills_extension(agent)],
        ),
        default_input_modes=[JSON, TEXT],
        default_output_modes=[JSON, TEXT],
        skills=[_skill(skill) for skill in sorted(agent.skills.values(), key=lambda s: s.id)],
    )
    if secured:
        _secure(card)
    return card


def card_json(agent: Agent, url: str, *, secured: bool = False) -> dict[str, Any]:
    """The card as served at /.well-known/agent-card.json (1.0 fields plus 0.3 compatibility)."""
    return restore_ints(agent_card_to_dict(agent_card(agent, url, secured=secured)))


def skill_meta(card: AgentCard) -> dict[str, dict[str, Any]]:
    """skill id -> {"input_schema", "output_schema", "cache_kind"} from the card's extension."""
    for extension in card.capabilities.extensions:
        if extension.uri == SKILLS_EXTENSION_URI:
            skills = MessageToDict(extension.params).get("skills", {})
            return skills if isinstance(skills, dict) else {}
    return {}
