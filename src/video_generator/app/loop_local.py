"""LoopLocal: one object per running event loop (asyncio connections belong to their loop)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LoopLocal(Generic[T]):
    """Builds an object the first time a loop asks and hands that loop the same one afterwards.

    A process that serves agents has one loop, so one object; tests and the CLI's asyncio.run
    calls start new loops, and a Redis connection opened on a finished loop cannot be reused."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self._items: dict[int, tuple[weakref.ref[asyncio.AbstractEventLoop], T]] = {}

    def get(self) -> T:
        """The running loop's object (built now if this loop has none)."""
        loop = asyncio.get_running_loop()
        found = self._items.get(id(loop))
        if found is not None and found[0]() is loop:
            return found[1]
        # Forget loops that are gone: an id can be reused by a new loop.
        self._items = {key: pair for key, pair in self._items.items() if pair[0]() is not None}
        item = self.factory()
        self._items[id(loop)] = (weakref.ref(loop), item)
        return item

    def pop(self) -> T | None:
        """Remove and return the running loop's object, if it has one."""
        loop = asyncio.get_running_loop()
        found = self._items.pop(id(loop), None)
        return found[1] if found is not None and found[0]() is loop else None
