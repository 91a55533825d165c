"""One structured task: ask for a JSON object matching a schema, check it, repair once.

A reply is rejected when it was cut at the token limit (finish_reason "length"), is not JSON
once <think> blocks and code fences are stripped, does not match the schema, or fails the
task's own checks (word budgets, the exact CTA, the language). The model then gets one repair
round with the list of problems; if that reply fails too, ModelReplyError says why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
import structlog
from pydantic import BaseModel, ValidationError

from video_generator.engines.base import ModelReplyError
from video_generator.engines.llm.client import ChatClient

log = structlog.get_logger(component="llm_structured")

T = TypeVar("T", bound=BaseModel)
Check = Callable[[Any], list[str]]

MAX_TOKENS_CAP = 16_000
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.DOTALL)
MAX_PROBLEMS = 12


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the subset strict structured output accepts: $refs inlined,
    every property required, no extra properties, no titles."""
    document = model.model_json_schema()
    definitions = document.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(definitions[node["$ref"].rsplit("/", 1)[-1]])
            out = {k: walk(v) for k, v in node.items() if k not in ("title", "default")}
            if "properties" in node:  # property names are not keywords: keep a "title" field
                out["properties"] = {k: walk(v) for k, v in node["properties"].items()}
            if out.get("type") == "object":
                out["additionalProperties"] = False
                out["required"] = list(out.get("properties", {}))
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(document)


def strip_reply(content: str) -> str:
    """The JSON text of a reply: <think>...</think> blocks and ``` fences removed."""
    text = _THINK.sub("", content).strip()
    if text.lower().startswith("<think>"):
        return ""  # an unclosed reasoning block: the answer never came
    fenced = _FENCE.match(text)
    return fenced.group(1).strip() if fenced else text


def parse_reply(content: str, model: type[T]) -> tuple[T | None, list[str]]:
    """The reply as `model`, or the problems that stop it being one."""
    text = strip_reply(content)
    if not text:
        return None, ["the reply was empty: reply with the JSON object"]
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return None, [f"the reply is not valid JSON ({exc}): reply with one JSON object only"]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or 'the object'}: {error['msg']}"
            for error in exc.errors()[:MAX_PROBLEMS]
        ]
        return None, [f"the JSON does not match the schema: {p}" for p in problems]


async def ask(
    client: ChatClient,
    *,
    name: str,
    messages: list[dict[str, str]],
    reply_model: type[T],
    check: Check,
    max_tokens: int,
) -> tuple[T, int]:
    """The checked reply and how many rounds it took (1, or 2 with the repair)."""
    schema = (name, strict_schema(reply_model))
    seed = int.from_bytes(hashlib.sha256(orjson.dumps(messages)).digest()[:4], "big")
    sent = list(messages)
    tokens = min(max_tokens, MAX_TOKENS_CAP)
    problems: list[str] = []
    for round_number in (1, 2):
        completion = await client.complete(sent, schema=schema, max_tokens=tokens, seed=seed)
        if completion.finish_reason == "length":
            problems = [
                f'the reply was cut off at the {tokens}-token limit (finish_reason "length"): '
                "write the same JSON object, more concisely"
            ]
            tokens = min(MAX_TOKENS_CAP, int(tokens * 1.5))
        else:
            reply, problems = parse_reply(completion.content, reply_model)
            if reply is not None:
                problems = check(reply)[:MAX_PROBLEMS]
                if not problems:
                    return reply, round_number
        log.info("llm_reply_rejected", task=name, round=round_number, problems=problems)
        sent = [
            *messages,
            # Servers refuse an empty assistant message; the model should see what it sent.
            {"role": "assistant", "content": strip_reply(completion.content)[:12_000] or "{}"},
            {"role": "user", "content": repair_prompt(problems)},
        ]
    raise ModelReplyError(
        f"the model's {name} failed its checks after one repair round: {'; '.join(problems[:3])}",
        problems,
    )


def repair_prompt(problems: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        f"Your reply has these problems:\n{listed}\n"
        "Reply again with the whole corrected JSON object only, matching the schema."
    )
