"""BoundedTaskStore: finished tasks beyond the bound are forgotten, tasks saved for later are
built only when asked for."""

from __future__ import annotations

from collections.abc import Callable

from a2a.server.context import ServerCallContext
from a2a.types import ListTasksRequest, Task, TaskState, TaskStatus

from a2a_mcp.server.store import BoundedTaskStore

CONTEXT = ServerCallContext()


class Later:
    """A finished task recorded unbuilt, as the fast path records one."""

    def __init__(self, build: Callable[[], Task]) -> None:
        self.task = build


def task(task_id: str, state: TaskState = TaskState.TASK_STATE_COMPLETED) -> Task:
    return Task(id=task_id, context_id="c", status=TaskStatus(state=state))


async def test_finished_tasks_beyond_the_bound_are_forgotten() -> None:
    store = BoundedTaskStore(max_finished=2)
    await store.save(task("running", TaskState.TASK_STATE_WORKING), CONTEXT)
    for name in ("a", "b", "c"):
        await store.save(task(name), CONTEXT)
    assert await store.get("a", CONTEXT) is None
    assert (await store.get("c", CONTEXT)).id == "c"
    assert (await store.get("running", CONTEXT)) is not None  # running tasks are never dropped


async def test_a_task_saved_for_later_is_built_once_when_asked_for() -> None:
    store = BoundedTaskStore(max_finished=10)
    built: list[str] = []

    def build() -> Task:
        built.append("x")
        return task("x")

    await store.save_later("x", CONTEXT, Later(build))
    assert built == []
    assert (await store.get("x", CONTEXT)).status.state == TaskState.TASK_STATE_COMPLETED
    assert (await store.get("x", CONTEXT)).id == "x"
    assert built == ["x"]


async def test_list_builds_tasks_saved_for_later() -> None:
    store = BoundedTaskStore(max_finished=10)
    await store.save_later("x", CONTEXT, Later(lambda: task("x")))
    listed = await store.list(ListTasksRequest(), CONTEXT)
    assert [t.id for t in listed.tasks] == ["x"]


async def test_tasks_saved_for_later_count_against_the_bound() -> None:
    store = BoundedTaskStore(max_finished=2)
    calls: list[str] = []
    await store.save(task("old"), CONTEXT)
    for name in ("l1", "l2"):
        await store.save_later(
            name, CONTEXT, Later(lambda name=name: calls.append(name) or task(name))
        )
    assert await store.get("old", CONTEXT) is None
    await store.save_later("l3", CONTEXT, Later(lambda: task("l3")))
    assert await store.get("l1", CONTEXT) is None
    assert calls == []  # an evicted task is never built
    assert (await store.get("l2", CONTEXT)).id == "l2"
    await store.delete("l3", CONTEXT)
    assert await store.get("l3", CONTEXT) is None
