"""`${...}` references in workflow inputs: parse them once, resolve them for each node run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

# `$${` is the escape for a literal `${`; everything else between `${` and `}` is a reference.
_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}")
_SEGMENT = re.compile(r"^[^\s.{}$]+$")
ROOTS = ("input", "nodes", "item")


class RefError(ValueError):
    """A reference that cannot be parsed or resolved; the message says which and why."""

    code = "bad_reference"
    retryable = False


@dataclass(frozen=True, slots=True)
class Ref:
    """One parsed reference: its root (input, nodes or item), node id for `nodes`, and a path."""

    text: str
    root: str
    node: str | None
    path: tuple[str, ...]


def parse_ref(text: str, inner: str) -> Ref:
    """Parse the inside of `${...}`; raise RefError with a readable message."""
    expr = inner.strip()
    parts = expr.split(".") if expr else []
    if not parts or not all(_SEGMENT.match(p) for p in parts):
        raise RefError(
            f"{text} is not a valid reference: use ${{input.field}}, ${{nodes.ID.output}} "
            "or ${item} (dot-separated names, no spaces)"
        )
    root = parts[0]
    if root == "input" or root == "item":
        return Ref(text, root, None, tuple(parts[1:]))
    if root == "nodes":
        if len(parts) < 3:
            raise RefError(
                f"{text} is incomplete: a node reference is ${{nodes.ID.output}} "
                "or ${nodes.ID.output.field}"
            )
        if parts[2] != "output":
            raise RefError(
                f"{text} refers to unknown output '{parts[2]}' of node '{parts[1]}': "
                f"use ${{nodes.{parts[1]}.output}} or ${{nodes.{parts[1]}.output.<field>}}"
            )
        return Ref(text, "nodes", parts[1], tuple(parts[3:]))
    raise RefError(
        f"{text} starts with unknown root '{root}': a reference starts with input, nodes or item"
    )


class Template:
    """A compiled input value; resolve() turns it into data given a Scope."""

    __slots__ = ()

    def resolve(self, scope: Scope) -> Any:
        raise NotImplementedError

    def refs(self) -> Iterator[Ref]:
        return iter(())


class Const(Template):
    """A literal with no references."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def resolve(self, scope: Scope) -> Any:
        return self.value


class RefValue(Template):
    """A value that is exactly one reference: it keeps the referenced value's type."""

    __slots__ = ("ref",)

    def __init__(self, ref: Ref) -> None:
        self.ref = ref

    def resolve(self, scope: Scope) -> Any:
        return scope.lookup(self.ref)

    def refs(self) -> Iterator[Ref]:
        yield self.ref


class Interpolated(Template):
    """A string with references embedded in text: each is rendered as text."""

    __slots__ = ("parts",)

    def __init__(self, parts: Sequence[str | Ref]) -> None:
        self.parts = tuple(parts)

    def resolve(self, scope: Scope) -> Any:
        return "".join(p if isinstance(p, str) else as_text(scope.lookup(p)) for p in self.parts)

    def refs(self) -> Iterator[Ref]:
        return (p for p in self.parts if isinstance(p, Ref))


class MappingTemplate(Template):
    __slots__ = ("items",)

    def __init__(self, items: Sequence[tuple[Any, Template]]) -> None:
        self.items = tuple(items)

    def resolve(self, scope: Scope) -> Any:
        return {k: t.resolve(scope) for k, t in self.items}

    def refs(self) -> Iterator[Ref]:
        for _, t in self.items:
            yield from t.refs()


class ListTemplate(Template):
    __slots__ = ("items",)

    def __init__(self, items: Sequence[Template]) -> None:
        self.items = tuple(items)

    def resolve(self, scope: Scope) -> Any:
        return [t.resolve(scope) for t in self.items]

    def refs(self) -> Iterator[Ref]:
        for t in self.items:
            yield from t.refs()


def as_text(value: Any) -> str:
    """How a referenced value reads inside a longer string: text as is, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str, ensure_ascii=False)


def compile_value(value: Any, where: str = "") -> tuple[Template, list[tuple[str, str]]]:
    """Compile a literal or `${...}` value (nested in dicts and lists) into a Template.

    Returns the template and every problem found as (field path, message)."""
    problems: list[tuple[str, str]] = []
    template = _compile(value, where, problems)
    return template, problems


def _compile(value: Any, where: str, problems: list[tuple[str, str]]) -> Template:
    if isinstance(value, str):
        return _compile_string(value, where, problems)
    if isinstance(value, Mapping):
        items = [(k, _compile(v, f"{where}.{k}", problems)) for k, v in value.items()]
        if all(isinstance(t, Const) for _, t in items):
            return Const(value)
        return MappingTemplate(items)
    if isinstance(value, list | tuple):
        parts = [_compile(v, f"{where}.{i}", problems) for i, v in enumerate(value)]
        if all(isinstance(t, Const) for t in parts):
            return Const(value)
        return ListTemplate(parts)
    return Const(value)


def _compile_string(text: str, where: str, problems: list[tuple[str, str]]) -> Template:
    if "${" not in text:
        return Const(text)
    parts: list[str | Ref] = []
    last = 0
    for match in _TOKEN.finditer(text):
        literal = text[last : match.start()]
        if "${" in literal:
            problems.append((where, f"unterminated reference in {text!r}: close it with '}}'"))
        parts.append(literal)
        last = match.end()
        if match.group(1) is None:
            parts.append("${")
            continue
        try:
            parts.append(parse_ref(match.group(0), match.group(1)))
        except RefError as exc:
            problems.append((where, str(exc)))
    tail = text[last:]
    if "${" in tail:
        problems.append((where, f"unterminated reference in {text!r}: close it with '}}'"))
    parts.append(tail)
    parts = [p for p in parts if p != ""]
    refs = [p for p in parts if isinstance(p, Ref)]
    if len(parts) == 1 and refs:
        return RefValue(refs[0])
    if not refs:
        return Const("".join(p for p in parts if isinstance(p, str)))
    return Interpolated(parts)


def walk(value: Any, path: Sequence[str], ref_text: str) -> Any:
    """Follow a dotted path into dicts, lists (numeric segments) and objects."""
    for depth, key in enumerate(path):
        if isinstance(value, Mapping):
            if key in value:
                value = value[key]
                continue
            known = ", ".join(sorted(map(str, value))) or "none"
            raise RefError(_missing(ref_text, path, depth, f"no field '{key}' (has: {known})"))
        if isinstance(value, list | tuple):
            if key.lstrip("-").isdigit() and -len(value) <= int(key) < len(value):
                value = value[int(key)]
                continue
            raise RefError(
                _missing(ref_text, path, depth, f"no index {key} in a list of {len(value)}")
            )
        if isinstance(value, BaseModel) or (
            value is not None and not isinstance(value, str | int | float | bool)
        ):
            if hasattr(value, key):
                value = getattr(value, key)
                continue
        kind = type(value).__name__
        raise RefError(_missing(ref_text, path, depth, f"a {kind} has no field '{key}'"))
    return value


def _missing(ref_text: str, path: Sequence[str], depth: int, what: str) -> str:
    at = f"at '{'.'.join(path[:depth])}', " if depth else ""
    return f"{ref_text} cannot be resolved: {at}{what}"


class Scope:
    """What references resolve against during one node run."""

    __slots__ = ("item", "node_output", "run_input")

    def __init__(
        self, run_input: Any, item: Any, node_output: Callable[[str], Any] | None = None
    ) -> None:
        self.run_input = run_input
        self.item = item
        self.node_output = node_output

    def lookup(self, ref: Ref) -> Any:
        if ref.root == "input":
            return walk(self.run_input, ref.path, ref.text)
        if ref.root == "item":
            return walk(self.item, ref.path, ref.text)
        if self.node_output is None:
            raise RefError(f"{ref.text}: node outputs are not known yet")
        assert ref.node is not None
        return walk(self.node_output(ref.node), ref.path, ref.text)
