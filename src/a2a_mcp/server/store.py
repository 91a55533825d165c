"""An in-memory task store that forgets the oldest finished tasks beyond a bound."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from a2a.server.context import ServerCallContext
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types import ListTasksRequest, ListTasksResponse, Task, TaskState

FINISHED_STATES = frozenset(
    {
        TaskState.TASK_STATE_COMPLETED,
        TaskState.TASK_STATE_FAILED,
        TaskState.TASK_STATE_CANCELED,
        TaskState.TASK_STATE_REJECTED,
    }
)


class LaterTask(Protocol):
    """A finished task recorded without being built (a cached answer of the fast path)."""

    def task(self) -> Task: ...


class BoundedTaskStore(TaskStore):
    """a2a-sdk's InMemoryTaskStore, keeping at most `max_finished` finished tasks (GetTask still
    answers for recent ones) so a long-running agent does not grow without end."""

    def __init__(self, max_finished: int = 10_000) -> None:
        self._inner = InMemoryTaskStore()
        self._max_finished = max_finished
        self._finished: OrderedDict[str, ServerCallContext] = OrderedDict()
        # Finished tasks not built yet: most are never asked for, so they cost nothing.
        self._later: dict[str, Callable[[], Task]] = {}

    async def start(self) -> None:
        """Nothing to open: the tasks live in this process."""

    async def aclose(self) -> None:
        """Nothing to close."""

    async def save(self, task: Task, context: ServerCallContext) -> None:
        self._later.pop(task.id, None)
        await self._inner.save(task, context)
        if task.status.state in FINISHED_STATES:
            await self._finish(task.id, context)

    async def save_later(self, task_id: str, context: ServerCallContext, later: LaterTask) -> None:
        """Record a finished task that later.task() builds on first use (get, list)."""
        self._later[task_id] = later.task
        await self._finish(task_id, context)

    async def _finish(self, task_id: str, context: ServerCallContext) -> None:
        if task_id in self._finished:
            return
        self._finished[task_id] = context
        while len(self._finished) > self._max_finished:
            old_id, old_context = self._finished.popitem(last=False)
            if self._later.pop(old_id, None) is None:
                await self._inner.delete(old_id, old_context)

    async def _build(self, task_id: str) -> None:
        build = self._later.pop(task_id, None)
        if build is not None:
            await self._inner.save(build(), self._finished[task_id])

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        await self._build(task_id)
        return await self._inner.get(task_id, context)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        for task_id in list(self._later):
            await self._build(task_id)
        return await self._inner.list(params, context)

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        self._later.pop(task_id, None)
        self._finished.pop(task_id, None)
        await self._inner.delete(task_id, context)
