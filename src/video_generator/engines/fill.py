"""Filling a template: {name} placeholders, [optional parts], capitalised {Name} variants."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from video_generator.engines.english import capitalize_first, sentence_case, tidy

_TOKEN = re.compile(r"\[([^\[\]]*)\]|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingValueError(KeyError):
    """A template needs a value the context does not have (so the template does not apply)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"the template needs '{{{self.name}}}' but the context has no value for it"


def _lookup(name: str, context: Mapping[str, str]) -> str | None:
    """A value by name; {Topic} is the capitalised form of {topic} unless given itself."""
    value = context.get(name)
    if value is None and name[:1].isupper():
        base = context.get(name[:1].lower() + name[1:])
        value = capitalize_first(base) if base else base
    if value is None or not str(value).strip():
        return None
    return str(value)


@lru_cache(maxsize=4096)
def placeholders(template: str) -> frozenset[str]:
    """Every placeholder name a template uses, optional or not."""
    return frozenset(_PLACEHOLDER.findall(template))


@lru_cache(maxsize=4096)
def required_placeholders(template: str) -> frozenset[str]:
    """Names outside [optional parts]: the template only applies when all of them have values."""
    outside = re.sub(r"\[[^\[\]]*\]", "", template)
    return frozenset(_PLACEHOLDER.findall(outside))


def _fill_part(part: str, context: Mapping[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        value = _lookup(match.group(1), context)
        if value is None:
            raise MissingValueError(match.group(1))
        return value

    return _PLACEHOLDER.sub(swap, part)


def fill(template: str, context: Mapping[str, str], *, as_sentence: bool = True) -> str:
    """Realise a template with values inserted literally (a value's braces are never re-read).

    An [optional part] is dropped when any placeholder inside it has no value. A required
    placeholder without a value raises MissingValueError.
    """
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(template):
        out.append(template[position : match.start()])
        position = match.end()
        optional, name = match.group(1), match.group(2)
        if name is not None:
            value = _lookup(name, context)
            if value is None:
                raise MissingValueError(name)
            out.append(value)
        else:
            try:
                out.append(_fill_part(optional, context))
            except MissingValueError:
                pass
    out.append(template[position:])
    text = tidy("".join(out))
    return capitalize_first(sentence_case(text)) if as_sentence else text


def can_fill(template: str, context: Mapping[str, str]) -> bool:
    return all(_lookup(name, context) is not None for name in required_placeholders(template))
