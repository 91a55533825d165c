"""The a2a-sdk AgentExecutor that runs an Agent's skills: progress, artifacts, failures, cancel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import Message, Task, TaskState, TaskStatus
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.errors import AgentError, SkillFailedError
from a2a_mcp.events import EventSequence
from a2a_mcp.observability import get_logger
from a2a_mcp.offers import FileArtifacts, TextArtifacts
from a2a_mcp.protocol import KIND_ERROR, KIND_KEY, data_part, error_parts, progress_parts, text_part
from a2a_mcp.server import metrics
from a2a_mcp.server.files import ServedFiles
from a2a_mcp.server.request import SkillCall, read_call


class SkillWrapper(Protocol):
    """What runs each skill call (run_skill, or a cache around it). A Protocol rather than a
    Callable so a wrapper may also offer more (offers.Closable, fast_path.CachedAnswers)."""

    # A coroutine, not any awaitable: the executor runs it as an asyncio task.
    def __call__(
        self,
        agent: Agent,
        skill: Skill,
        input: BaseModel,
        progress: Progress,
        call_meta: dict[str, Any],
        /,
    ) -> Coroutine[Any, Any, BaseModel]: ...


log = get_logger("a2a_mcp.server")


async def run_skill(
    agent: Agent, skill: Skill, input: BaseModel, progress: Progress, call_meta: dict[str, Any]
) -> BaseModel:
    """The default SkillWrapper: run the skill on the agent, nothing around it."""
    return await agent.run(skill.id, input, progress)


@dataclass
class _Run:
    """One skill call running in this process."""

    work: asyncio.Task[BaseModel] | None = None
    cancel_reason: str | None = None
    settled: asyncio.Event = field(default_factory=asyncio.Event)


def now_timestamp() -> Timestamp:
    """The current time as a protobuf Timestamp (task statuses carry one)."""
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


def _error_message(updater: TaskUpdater, error: AgentError) -> Message:
    return updater.new_agent_message(
        error_parts(error.code, error.message, error.details), metadata={KIND_KEY: KIND_ERROR}
    )


class SkillExecutor(AgentExecutor):
    """Runs one Agent's skills for a2a-sdk's request handler."""

    def __init__(
        self,
        agent: Agent,
        skill_wrapper: SkillWrapper | None = None,
        *,
        cancel_timeout_s: float = 10.0,
        files: ServedFiles | None = None,
    ) -> None:
        self.agent = agent
        self.files = files  # where published files are served from; None: none published
        self.skill_wrapper = skill_wrapper or run_skill
        self.cancel_timeout_s = cancel_timeout_s
        self._runs: dict[str, _Run] = {}

    @property
    def running(self) -> int:
        """How many skill calls are running now."""
        return len(self._runs)

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        task_id, context_id = str(context.task_id), str(context.context_id)
        updater = TaskUpdater(event_queue, task_id, context_id)
        with structlog.contextvars.bound_contextvars(
            agent=self.agent.name, task_id=task_id, context_id=context_id
        ):
            started = time.perf_counter()
            try:
                call = read_call(self.agent, context.message)
            except AgentError as error:
                await self._reject(context, event_queue, updater, error)
                log.info("input rejected", code=error.code, reason=error.message)
                metrics.TASKS.labels(self.agent.name, "-", "rejected").inc()
                return
            if context.current_task is None:
                await event_queue.enqueue_event(
                    self._new_task(context, TaskState.TASK_STATE_WORKING)
                )
            else:
                await updater.start_work()
            run = _Run()
            self._runs[task_id] = run
            metrics.RUNNING.labels(self.agent.name).inc()
            outcome = "failed"
            try:
                outcome = await self._run(call, run, updater)
            finally:
                del self._runs[task_id]
                run.settled.set()
                metrics.RUNNING.labels(self.agent.name).dec()
                metrics.TASKS.labels(self.agent.name, call.skill.id, outcome).inc()
                metrics.TASK_SECONDS.labels(self.agent.name, call.skill.id).observe(
                    time.perf_counter() - started
                )

    async def _run(self, call: SkillCall, run: _Run, updater: TaskUpdater) -> str:
        """Run the skill and publish its end; returns the outcome label."""
        progress = self._progress(run, updater, call.skill.id)
        run.work = asyncio.create_task(
            self.skill_wrapper(self.agent, call.skill, call.input, progress, call.call_meta)
        )
        try:
            output = await run.work
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if run.cancel_reason is None or (current is not None and current.cancelling()):
                raise  # the request handler itself is stopping us
            await updater.cancel(updater.new_agent_message([text_part(run.cancel_reason)]))
            log.info("skill cancelled", skill=call.skill.id, reason=run.cancel_reason)
            return "cancelled"
        except AgentError as error:
            await updater.failed(_error_message(updater, error))
            log.info("skill failed", skill=call.skill.id, code=error.code, reason=error.message)
            return "failed"
        except Exception as exc:
            log.exception("skill raised", skill=call.skill.id)
            failure = SkillFailedError(
                f"{self.agent.name}.{call.skill.id} failed: {type(exc).__name__}: {exc}"
            )
            await updater.failed(_error_message(updater, failure))
            return "failed"
        if run.cancel_reason is not None:
            # The skill finished while a cancel was on its way: the caller asked to cancel.
            await updater.cancel(updater.new_agent_message([text_part(run.cancel_reason)]))
            return "cancelled"
        await self._publish_output(call, output, updater)
        await updater.complete()
        return "completed"

    def _progress(self, run: _Run, updater: TaskUpdater, skill_id: str) -> Progress:
        events = EventSequence(updater.task_id)

        async def report(
            fraction: float, message: str = "", data: dict[str, Any] | None = None
        ) -> None:
            if run.cancel_reason is not None:
                return
            parts, meta = progress_parts(fraction, message, data, events, skill_id)
            await updater.update_status(
                TaskState.TASK_STATE_WORKING,
                message=updater.new_agent_message(parts, metadata=meta),
            )

        return report

    async def _publish_output(
        self, call: SkillCall, output: BaseModel, updater: TaskUpdater
    ) -> None:
        await updater.add_artifact(
            [data_part(output.model_dump(mode="json"))],
            name=call.skill.id,
        )
        if isinstance(output, TextArtifacts):
            for name, text in output.a2a_text_artifacts().items():
                await updater.add_artifact([text_part(text)], name=name)
        if isinstance(output, FileArtifacts) and self.files is not None:
            # A URL, never the bytes: finished tasks are kept in memory by the task store.
            for name, part in self.files.parts(output.a2a_file_artifacts()):
                await updater.add_artifact([part], name=name)

    def _new_task(
        self, context: RequestContext, state: TaskState, message: Message | None = None
    ) -> Task:
        status = TaskStatus(state=state, timestamp=now_timestamp())
        if message is not None:
            status.message.CopyFrom(message)
        history = [context.message] if context.message is not None else []
        return Task(
            id=str(context.task_id),
            context_id=str(context.context_id),
            status=status,
            history=history,
        )

    async def _reject(
        self,
        context: RequestContext,
        event_queue: EventQueue,
        updater: TaskUpdater,
        error: AgentError,
    ) -> None:
        """Bad input never starts work: the task is created already failed, naming the field."""
        message = _error_message(updater, error)
        if context.current_task is None:
            await event_queue.enqueue_event(
                self._new_task(context, TaskState.TASK_STATE_FAILED, message)
            )
        else:
            await updater.failed(message)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Stop the running skill and wait until it has stopped; execute() publishes CANCELED."""
        run = self._runs.get(str(context.task_id))
        if run is None:
            return  # nothing runs here; the request handler records CANCELED itself
        await self._stop(run, "cancelled by the client")

    async def _stop(self, run: _Run, reason: str) -> None:
        if run.work is not None and not run.work.done():
            run.cancel_reason = reason
            run.work.cancel()
        try:
            await asyncio.wait_for(run.settled.wait(), self.cancel_timeout_s)
        except TimeoutError:
            log.warning("skill did not stop in time", timeout_s=self.cancel_timeout_s)

    async def drain(self, timeout_s: float) -> int:
        """Let running calls finish for up to timeout_s, then cancel the rest; returns how many."""
        waiters = [asyncio.create_task(run.settled.wait()) for run in self._runs.values()]
        if waiters:
            _, pending = await asyncio.wait(waiters, timeout=timeout_s)
            for waiter in pending:
                waiter.cancel()
        left = [run for run in self._runs.values() if not run.settled.is_set()]
        await asyncio.gather(*(self._stop(run, "the agent is shutting down") for run in left))
        return len(left)
