"""TemplateCache: the library loaded once, indexed by kind, group, style, tone and platform.

Picks are deterministic: each candidate gets a sha256-derived key from (seed, template id),
weighted (Efraimidis-Spirakis: key = -ln(u) / weight) so heavier and better-matching
templates win more often, and the smallest key wins. The same seed always gives the same
order. Effectiveness scores are kept but only break exact ties (practically never), so that a
brief's output does not drift as scores come in (cached packages stay valid).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar

from video_generator.templates.library import Template, read_library
from video_generator.templates.usage import InMemoryUsageStore, TemplateStats, UsageStore

# An explicit match (the template names the brief's style, tone or platform) counts double.
MATCH_BONUS = 2.0

_Dimension = tuple[str, str, str]  # (kind, dimension, value)


class TemplateNotFoundError(LookupError):
    """No template of a kind matches the filters; says which kind and filters."""


def seed_from(value: Any) -> str:
    """A stable seed for picks from any JSON-ready value (sorted keys, so dict order is moot)."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def brief_seed(brief: Any) -> str:
    """The seed of a brief's picks: its meaning, not its wording (text and assumed left out)."""
    return seed_from(brief.model_dump(mode="json", exclude={"text", "assumed"}))


def _unit_interval(seed: str, template_id: str) -> float:
    digest = hashlib.sha256(f"{seed}\x00{template_id}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") + 0.5) / 2.0**64


class TemplateCache:
    """The template library in memory; load it once per process with get_templates()."""

    loads: ClassVar[int] = 0  # how many times any library was read from disk (tests check it)

    def __init__(
        self,
        templates: Iterable[Template],
        *,
        version: str,
        file_versions: Mapping[str, str] | None = None,
        store: UsageStore | None = None,
    ) -> None:
        self.version = version
        self.file_versions = dict(file_versions or {})
        self.store: UsageStore = store or InMemoryUsageStore()
        self._by_id: dict[str, Template] = {}
        self._by_kind: dict[str, list[Template]] = defaultdict(list)
        self._by_group: dict[tuple[str, str], list[Template]] = defaultdict(list)
        # (kind, dimension, value) -> ids naming that value; ids with no entry for a dimension
        # apply to every value of it.
        self._named: dict[_Dimension, set[str]] = defaultdict(set)
        self._open: dict[tuple[str, str], set[str]] = defaultdict(set)
        for template in templates:
            self._by_id[template.id] = template
            self._by_kind[template.kind].append(template)
            self._by_group[(template.kind, template.group)].append(template)
            for dimension, values in (
                ("style", template.styles),
                ("tone", template.tones),
                ("platform", template.platforms),
            ):
                if values:
                    for value in values:
                        self._named[(template.kind, dimension, value)].add(template.id)
                else:
                    self._open[(template.kind, dimension)].add(template.id)

    @classmethod
    def load(
        cls, root: Traversable | Path | None = None, *, store: UsageStore | None = None
    ) -> TemplateCache:
        """Read and validate every file of the library (the packaged one by default)."""
        version, file_versions, templates = read_library(root)
        TemplateCache.loads += 1
        return cls(templates, version=version, file_versions=file_versions, store=store)

    # ------------------------------------------------------------ lookup

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._by_id

    def get(self, template_id: str) -> Template:
        try:
            return self._by_id[template_id]
        except KeyError:
            raise TemplateNotFoundError(f"no template with id '{template_id}'") from None

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def groups(self, kind: str) -> list[str]:
        return sorted({t.group for t in self._by_kind.get(kind, [])})

    def select(
        self,
        kind: str,
        *,
        group: str | None = None,
        style: str | None = None,
        tone: str | None = None,
        platform: str | Sequence[str] | None = None,
    ) -> list[Template]:
        """Templates of a kind (and group) that apply to the style, tone and every platform."""
        pool = self._by_group.get((kind, group), []) if group else self._by_kind.get(kind, [])
        allowed: set[str] | None = None
        wanted: list[tuple[str, str]] = []
        if style:
            wanted.append(("style", str(style)))
        if tone:
            wanted.append(("tone", str(tone)))
        platforms = [platform] if isinstance(platform, str) else list(platform or [])
        wanted.extend(("platform", p) for p in platforms)
        for dimension, value in wanted:
            ids = self._named.get((kind, dimension, value), set()) | self._open.get(
                (kind, dimension), set()
            )
            allowed = ids if allowed is None else allowed & ids
        return [t for t in pool if allowed is None or t.id in allowed]

    def ranked(
        self,
        kind: str,
        *,
        seed: str,
        group: str | None = None,
        style: str | None = None,
        tone: str | None = None,
        platform: str | Sequence[str] | None = None,
        boost: Mapping[str, float] | None = None,
    ) -> list[Template]:
        """Every matching template, best first, in an order fixed by the seed.

        boost multiplies the weight of templates by group (e.g. a platform's favourite hook
        patterns); explicit matches on style, tone or platform count MATCH_BONUS times.
        """
        candidates = self.select(kind, group=group, style=style, tone=tone, platform=platform)
        platforms = {platform} if isinstance(platform, str) else set(platform or [])

        def key(template: Template) -> tuple[float, str]:
            weight = template.weight * (boost or {}).get(template.group, 1.0)
            if style and style in template.styles:
                weight *= MATCH_BONUS
            if tone and tone in template.tones:
                weight *= MATCH_BONUS
            if platforms and platforms & set(template.platforms):
                weight *= MATCH_BONUS
            return (-math.log(_unit_interval(seed, template.id)) / weight, template.id)

        return sorted(candidates, key=key)

    def pick(
        self,
        kind: str,
        *,
        seed: str,
        group: str | None = None,
        style: str | None = None,
        tone: str | None = None,
        platform: str | Sequence[str] | None = None,
        boost: Mapping[str, float] | None = None,
    ) -> Template:
        """The best matching template for this seed (the same seed, the same template)."""
        ranked = self.ranked(
            kind, seed=seed, group=group, style=style, tone=tone, platform=platform, boost=boost
        )
        if not ranked:
            filters = ", ".join(
                f"{name}={value}"
                for name, value in (
                    ("group", group),
                    ("style", style),
                    ("tone", tone),
                    ("platform", platform),
                )
                if value
            )
            raise TemplateNotFoundError(
                f"no '{kind}' template matches {filters or 'any filter'}; add one to the "
                f"library (see docs/templates.md)"
            )
        return ranked[0]

    # ------------------------------------------------------------ usage

    def use_store(self, store: UsageStore) -> None:
        """Swap where usage is kept (e.g. a Redis store shared by every process)."""
        self.store = store

    async def record_use(self, template_id: str, n: int = 1) -> int:
        self.get(template_id)
        return await self.store.incr_use(template_id, n)

    async def score(self, template_id: str, value: float) -> None:
        """Record how well a template did, 0 (poorly) to 1 (very well)."""
        self.get(template_id)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"a score is between 0 and 1, got {value}")
        await self.store.add_score(template_id, value)

    async def usage(self) -> dict[str, TemplateStats]:
        return await self.store.snapshot()


@lru_cache(maxsize=1)
def get_templates() -> TemplateCache:
    """The process's template library, read from disk once."""
    return TemplateCache.load()
