"""An in-memory task store that forgets the oldest finished tasks beyond a bound."""

from __future__ import annotations

from collections import OrderedDict

from a2a.server.context import ServerCallContext
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types import ListTasksRequest, ListTasksResponse, Task, TaskState

_FINISHED = {
    TaskState.TASK_STATE_COMPLETED,
    TaskState.TASK_STATE_FAILED,
    TaskState.TASK_STATE_CANCELED,
    TaskState.TASK_STATE_REJECTED,
}


class BoundedTaskStore(TaskStore):
    """a2a-sdk's InMemoryTaskStore, keeping at most `max_finished` finished tasks (GetTask still
    answers for recent ones) so a long-running agent does not grow without end."""

    def __init__(self, max_finished: int = 10_000) -> None:
        self._inner = InMemoryTaskStore()
        self._max_finished = max_finished
        self._finished: OrderedDict[str, ServerCallContext] = OrderedDict()

    async def save(self, task: Task, context: ServerCallContext) -> None:
        await self._inner.save(task, context)
        if task.status.state in _FINISHED and task.id not in self._finished:
            self._finished[task.id] = context
            while len(self._finished) > self._max_finished:
                old_id, old_context = self._finished.popitem(last=False)
                await self._inner.delete(old_id, old_context)

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        return await self._inner.get(task_id, context)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        return await self._inner.list(params, context)

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        self._finished.pop(task_id, None)
        await self._inner.delete(task_id, context)
