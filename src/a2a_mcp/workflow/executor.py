"""Runs a planned workflow: eager or level-by-level, with limits, timeouts, retries and events."""

from __future__ import annotations

import asyncio
import heapq
import random
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any, Literal

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from a2a_mcp.agent import Progress
from a2a_mcp.events import EventKind, ProgressEvent
from a2a_mcp.observability import get_logger
from a2a_mcp.workflow import metrics
from a2a_mcp.workflow.plan import Plan, PlannedNode
from a2a_mcp.workflow.refs import Scope
from a2a_mcp.workflow.results import (
    CachedOutput,
    NodeResult,
    NodeStatus,
    NodeTimeoutError,
    RunResult,
    RunStatus,
)

NodeRunner = Callable[[PlannedNode, dict[str, Any], Progress], Awaitable[Any]]
Mode = Literal["eager", "levels"]

_FINAL_KINDS = frozenset({EventKind.RUN_COMPLETED, EventKind.RUN_FAILED, EventKind.RUN_CANCELLED})
_RUN_EVENT = {
    RunStatus.COMPLETED: EventKind.RUN_COMPLETED.value,
    RunStatus.FAILED: EventKind.RUN_FAILED.value,
    RunStatus.CANCELLED: EventKind.RUN_CANCELLED.value,
}
_PENDING, _RUNNING, _COMPLETED, _FAILED, _SKIPPED, _CANCELLED = (
    NodeStatus.PENDING,
    NodeStatus.RUNNING,
    NodeStatus.COMPLETED,
    NodeStatus.FAILED,
    NodeStatus.SKIPPED,
    NodeStatus.CANCELLED,
)
# The log holds kinds as plain str: a tuple of only str, numbers and None is untracked by the
# garbage collector, which keeps full collections rare on runs of thousands of nodes.
_NODE_STARTED: str = EventKind.NODE_STARTED.value
_NODE_COMPLETED: str = EventKind.NODE_COMPLETED.value
_NODE_PROGRESS: str = EventKind.NODE_PROGRESS.value
_NODE_FAILED: str = EventKind.NODE_FAILED.value
_NODE_SKIPPED: str = EventKind.NODE_SKIPPED.value
_NODE_RETRIED: str = EventKind.NODE_RETRIED.value
_NODE_CACHED: str = EventKind.NODE_CACHED.value
_log = get_logger("workflow")


def describe(exc: BaseException) -> str:
    """'Type: message', the cause as people read it in errors and events."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def error_code(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) else type(exc).__name__


class WorkflowExecutor:
    """Runs plans with an injected node runner; knows nothing of what the nodes do."""

    def __init__(
        self,
        runner: NodeRunner,
        *,
        mode: Mode = "eager",
        max_concurrency: int | None = None,
        agent_limits: dict[str, int] | None = None,
        retry_base_s: float = 0.05,
        retry_max_s: float = 2.0,
        cancel_grace_s: float = 1.0,
        rng: random.Random | None = None,
    ) -> None:
        if mode not in ("eager", "levels"):
            raise ValueError(f"mode must be 'eager' or 'levels', not {mode!r}")
        if max_concurrency is not None and max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, not {max_concurrency}")
        for agent, limit in (agent_limits or {}).items():
            if limit < 1:
                raise ValueError(f"the limit for agent '{agent}' must be at least 1, not {limit}")
        if retry_base_s < 0 or retry_max_s < 0:
            raise ValueError("retry_base_s and retry_max_s must not be negative")
        self.runner = runner
        self.mode: Mode = mode
        self.max_concurrency = max_concurrency
        self.agent_limits = dict(agent_limits or {})
        self.retry_base_s = retry_base_s
        self.retry_max_s = retry_max_s
        # How long a stopped run waits for nodes that ignore cancellation before giving up on them.
        self.cancel_grace_s = cancel_grace_s
        self.rng = rng or random.Random()

    def start(
        self,
        plan: Plan,
        run_input: dict[str, Any] | None = None,
        *,
        task_id: str | None = None,
        mode: Mode | None = None,
    ) -> WorkflowRun:
        """Start a run in the running event loop; `run_input` defaults to the plan's input.

        Fan-out was fixed when the plan was made; `${input...}` references read `run_input`."""
        chosen = mode or self.mode
        if chosen not in ("eager", "levels"):
            raise ValueError(f"mode must be 'eager' or 'levels', not {chosen!r}")
        run = WorkflowRun(
            self,
            plan,
            plan.run_input if run_input is None else run_input,
            task_id or uuid.uuid4().hex,
            chosen,
        )
        run._begin()
        return run

    async def execute(
        self,
        plan: Plan,
        run_input: dict[str, Any] | None = None,
        *,
        task_id: str | None = None,
        mode: Mode | None = None,
    ) -> RunResult:
        """Start a run and wait for its result; cancelling the caller cancels the run."""
        run = self.start(plan, run_input, task_id=task_id, mode=mode)
        try:
            return await run.result()
        except asyncio.CancelledError:
            run.cancel()
            raise

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**(attempt-1))], so retries spread out."""
        return self.rng.uniform(0.0, min(self.retry_max_s, self.retry_base_s * 2 ** (attempt - 1)))


def _retryable(exc: BaseException) -> bool:
    """Only errors that say so are retried (a blip, a timeout), never a bug or bad input."""
    return isinstance(exc, Exception) and getattr(exc, "retryable", False) is True


class WorkflowRun:
    """One run of a plan: its events, its result, and cancel()."""

    def __init__(
        self, executor: WorkflowExecutor, plan: Plan, run_input: Any, task_id: str, mode: Mode
    ) -> None:
        self.task_id = task_id
        self.plan = plan
        self.mode: Mode = mode
        self._executor = executor
        self._runner = executor.runner
        self._run_input = run_input
        self._loop = asyncio.get_running_loop()
        tables = plan.tables
        self._nodes: list[PlannedNode] = list(plan.nodes.values())
        self._succ = tables.successors
        self._outputs_of = tables.outputs_of
        self._level_nodes = tables.levels
        count = len(self._nodes)
        self._waiting = list(tables.need_counts)
        self._status: list[NodeStatus] = [_PENDING] * count
        self._outputs: list[Any] = [None] * count
        self._attempts = [0] * count
        self._t0 = [0.0] * count
        self._t1 = [0.0] * count
        self._errors: dict[int, tuple[str, str]] = {}
        self._cached: set[int] = set()
        self._missing: dict[int, list[int]] = {}
        self._tasks: list[asyncio.Task[None] | None] = [None] * count
        self._open = count
        self._ready: deque[int] = deque()
        self._draining = False
        self._eager = mode == "eager"
        self._level_left = [len(level) for level in self._level_nodes]
        self._level = 0
        # Concurrency limits: ready nodes wait in one heap per limited agent (None: the rest),
        # ordered by the longest estimated chain still ahead of them.
        self._max = executor.max_concurrency
        self._agent_limits = executor.agent_limits
        self._limited = self._max is not None or bool(self._agent_limits)
        self._queues: dict[str | None, list[tuple[float, int]]] = {}
        self._agent_running: dict[str | None, int] = {}
        self._priority: list[float] = []
        if self._limited:
            tail = plan.remaining_path()
            self._priority = [-tail[node.id] for node in self._nodes]
        self._running = 0
        self._handoff_task: asyncio.Task[None] | None = None
        self._handoff: int | None = None
        # Events are kept as plain tuples (kind, node index, progress, message, data, perf time)
        # and become ProgressEvents only when read: a run nobody watches pays little for them.
        # node_started and node_completed keep no dict (None, or the duration) until read.
        self._log: list[tuple[str, int | None, float, str, Any, float]] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._stopping = False
        self._finished = False
        self._final_status = RunStatus.COMPLETED
        self._error: str | None = None
        self._failed_node: str | None = None
        self._grace: asyncio.TimerHandle | None = None
        self._done: asyncio.Future[None] = self._loop.create_future()
        self._result: RunResult | None = None
        self._wall0 = time.time()
        self._perf0 = time.perf_counter()
        self._ended = self._perf0
        self._logger = _log.bind(task_id=task_id, workflow=plan.name)

    # ---- public -------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._finished

    async def events(self) -> AsyncIterator[ProgressEvent]:
        """Every event of the run, from run_started to the final run_* event, in seq order."""
        seq = 0
        while True:
            while seq < len(self._log):
                event = self._event(seq)
                seq += 1
                yield event
                if event.kind in _FINAL_KINDS:
                    return
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter

    async def result(self) -> RunResult:
        """Wait for the run to end; never raises for node failures (see `status`)."""
        await asyncio.shield(self._done)
        if self._result is None:
            self._result = self._build_result()
        return self._result

    def cancel(self) -> None:
        """Cancel the running nodes now and start no new ones; result() then says cancelled."""
        self._stop(RunStatus.CANCELLED, "the run was cancelled", None)

    # ---- events -------------------------------------------------------------------------

    def _emit(
        self,
        kind: str,
        node: int | None,
        progress: float = 0.0,
        message: str = "",
        data: Any = None,
        at: float | None = None,
    ) -> None:
        self._log.append((kind, node, progress, message, data, at or time.perf_counter()))
        if self._waiters:
            self._wake()

    async def _report(
        self, i: int, fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None:
        """The Progress a runner gets (bound to its node): each report is a node_progress event."""
        if not self._finished:
            # The plan level rides on every node event, progress included, for displays.
            self._emit(
                _NODE_PROGRESS,
                i,
                fraction,
                message,
                {**(data or {}), "level": self._nodes[i].level},
            )

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _event(self, seq: int) -> ProgressEvent:
        kind, i, progress, message, data, at = self._log[seq]
        if i is not None and not isinstance(data, dict):
            level = self._nodes[i].level
            if kind == _NODE_STARTED:
                data = {"level": level, "attempt": 1}
            elif kind == _NODE_COMPLETED:
                duration_ms = (self._t1[i] - self._t0[i]) * 1000.0
                data = {"level": level, "attempt": self._attempts[i], "duration_ms": duration_ms}
        return ProgressEvent(
            seq=seq,
            task_id=self.task_id,
            node=None if i is None else self._nodes[i].id,
            kind=EventKind(kind),
            progress=min(1.0, max(0.0, progress)),
            message=message,
            data=data or {},
            at=self._unix(at),
        )

    def _unix(self, perf: float) -> float:
        return self._wall0 + (perf - self._perf0)

    # ---- scheduling ---------------------------------------------------------------------

    def _begin(self) -> None:
        self._emit(
            EventKind.RUN_STARTED.value,
            None,
            0.0,
            f"workflow '{self.plan.name}' started",
            {
                "workflow": self.plan.name,
                "mode": self.mode,
                "nodes": len(self._nodes),
                "levels": len(self._level_nodes),
            },
            self._perf0,
        )
        self._logger.debug("run started", mode=self.mode, nodes=len(self._nodes))
        if not self._nodes:
            self._finalize()
            return
        if self._eager:
            self._ready.extend(i for i, n in enumerate(self._waiting) if n == 0)
        else:
            self._ready.extend(self._level_nodes[0])
        self._drain()

    def _drain(self) -> None:
        """Start (or skip) every ready node; a loop rather than recursion, so long chains of
        skipped nodes cannot overflow the stack."""
        if self._draining:
            return
        self._draining = True
        ready = self._ready
        try:
            while ready and not self._stopping:
                i = ready.popleft()
                if i in self._missing:
                    reason = self._skip_reason(i)
                    if reason is not None:
                        self._skip(i, reason)
                        continue
                if self._limited:
                    self._enqueue(i)
                else:
                    self._launch(i)
            if self._limited and not self._stopping:
                self._pump()
        finally:
            self._draining = False

    def _launch(self, i: int) -> None:
        self._running += 1
        self._status[i] = _RUNNING
        task = self._handoff_task
        if task is not None:
            # the task of the node that just finished runs this one next (see _run_node)
            self._handoff_task = None
            self._handoff = i
            self._tasks[i] = task
        else:
            self._tasks[i] = self._loop.create_task(self._run_node(i, self._nodes[i]))

    def _agent_key(self, i: int) -> str | None:
        agent = self._nodes[i].agent
        return agent if agent in self._agent_limits else None

    def _enqueue(self, i: int) -> None:
        heapq.heappush(self._queues.setdefault(self._agent_key(i), []), (self._priority[i], i))

    def _pump(self) -> None:
        """Start waiting nodes while there is room, best priority first across agents."""
        limit = self._max
        while limit is None or self._running < limit:
            best: str | None = None
            best_heap: list[tuple[float, int]] | None = None
            for key, heap in self._queues.items():
                if not heap:
                    continue
                cap = self._agent_limits.get(key) if key is not None else None
                if cap is not None and self._agent_running.get(key, 0) >= cap:
                    continue
                if best_heap is None or heap[0] < best_heap[0]:
                    best, best_heap = key, heap
            if best_heap is None:
                return
            _, i = heapq.heappop(best_heap)
            self._agent_running[best] = self._agent_running.get(best, 0) + 1
            self._launch(i)

    def _release(self, i: int) -> None:
        self._running -= 1
        self._tasks[i] = None
        if self._limited:
            key = self._agent_key(i)
            self._agent_running[key] = self._agent_running.get(key, 1) - 1

    def _settled(self, i: int) -> None:
        """Node i is done for good (completed, failed optional, skipped): wake what waits on it."""
        self._open -= 1
        ok = self._status[i] is _COMPLETED
        waiting = self._waiting
        ready = self._ready
        for s in self._succ[i]:
            if not ok:
                self._missing.setdefault(s, []).append(i)
            left = waiting[s] - 1
            waiting[s] = left
            if left == 0 and self._eager:
                ready.append(s)
        if not self._eager:
            level = self._nodes[i].level
            self._level_left[level] -= 1
            while self._level < len(self._level_nodes) - 1 and self._level_left[self._level] == 0:
                self._level += 1
                ready.extend(self._level_nodes[self._level])
        if self._open == 0:
            self._finalize()
        elif ready or self._limited:
            self._drain()

    def _skip_reason(self, i: int) -> str | None:
        """Why node i must be skipped, or None if every missing input is accepted."""
        node = self._nodes[i]
        for m in self._missing[i]:
            dep = self._nodes[m].id
            state = self._status[m].value
            names = [b.name for b in node.bindings if dep in b.deps]
            if not names:
                return f"dependency '{dep}' {state}"
            refused = [n for n in names if n not in node.accepts_missing]
            if refused:
                return (
                    f"dependency '{dep}' {state} and input {', '.join(refused)} "
                    "does not accept a missing value"
                )
        return None

    def _skip(self, i: int, reason: str) -> None:
        node = self._nodes[i]
        self._status[i] = _SKIPPED
        self._emit(
            _NODE_SKIPPED,
            i,
            0.0,
            f"skipped: {reason}",
            {"level": node.level, "reason": reason},
        )
        self._settled(i)

    # ---- one node -----------------------------------------------------------------------

    async def _run_node(self, i: int, node: PlannedNode) -> None:
        """Run node i; then, if finishing it made nodes ready, carry on with one of them in
        this same task (creating a task costs more than the engine's own work per node)."""
        task = self._tasks[i]
        chained = 0
        while True:
            started = time.perf_counter()
            self._t0[i] = started
            self._attempts[i] = 1
            self._log.append((_NODE_STARTED, i, 0.0, "", None, started))
            if self._waiters:
                self._wake()
            try:
                if chained & 31 == 31:
                    await asyncio.sleep(0)  # a long chain must not keep the loop to itself
                inputs = self._inputs(i, node) if node.bindings else {}
                if node.retries == 0 and node.timeout_s is None:
                    output = await self._runner(node, inputs, partial(self._report, i))
                else:
                    output = await self._call(i, node, inputs)
            except asyncio.CancelledError:
                if self._stopping or self._finished:
                    self._end_cancelled(i)
                else:
                    # The runner cancelled itself (or something else cancelled the task):
                    # treat it as that node's failure rather than the run's cancellation.
                    self._end_failed(i, asyncio.CancelledError("the node was cancelled"))
                raise
            except Exception as exc:
                self._end_failed(i, exc)
                return
            except BaseException as exc:  # KeyboardInterrupt, SystemExit: record, then let it go
                self._end_failed(i, exc)
                raise
            self._handoff_task = task
            self._end_completed(i, output)
            self._handoff_task = None
            following = self._handoff
            if following is None:
                return
            self._handoff = None
            if self._stopping or self._finished:
                return  # _stop already let go of the node handed to us
            i, node = following, self._nodes[following]
            chained += 1

    async def _call(self, i: int, node: PlannedNode, inputs: dict[str, Any]) -> Any:
        progress = partial(self._report, i)
        self._attempts[i] = 1
        try:
            # each attempt gets its own copy, so one that changed its inputs cannot
            # change what the next attempt sees
            return await self._attempt(node, dict(inputs) if node.retries else inputs, 1, progress)
        except Exception as exc:
            if not node.retries or not _retryable(exc):
                raise
            failed = exc
        return await self._retry(i, node, inputs, progress, failed)

    async def _retry(
        self,
        i: int,
        node: PlannedNode,
        inputs: dict[str, Any],
        progress: Progress,
        failed: Exception,
    ) -> Any:
        """Attempts 2, 3, ... under tenacity. The first ran outside it (a tenacity loop costs
        some 30 us, and every node would pay it) and its failure is replayed as attempt 1."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(node.retries + 1),
            wait=lambda state: self._executor.backoff(state.attempt_number),
            retry=retry_if_exception(_retryable),
            before_sleep=partial(self._retried, i, node),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                number = self._attempts[i] = attempt.retry_state.attempt_number
                if number == 1:
                    raise failed
                result = await self._attempt(node, dict(inputs), number, progress)
        return result

    async def _attempt(
        self, node: PlannedNode, inputs: dict[str, Any], attempt: int, progress: Progress
    ) -> Any:
        if node.timeout_s is None:
            return await self._runner(node, inputs, progress)
        deadline = asyncio.timeout(node.timeout_s)
        try:
            async with deadline:
                return await self._runner(node, inputs, progress)
        except TimeoutError:
            if deadline.expired():
                raise NodeTimeoutError(
                    f"no result within {node.timeout_s:g} s (attempt {attempt})"
                ) from None
            raise

    def _retried(self, i: int, node: PlannedNode, state: RetryCallState) -> None:
        """tenacity's before_sleep: report the failed attempt and the wait before the next."""
        attempt = state.attempt_number
        exc = state.outcome.exception() if state.outcome is not None else None
        delay = state.next_action.sleep if state.next_action is not None else 0.0
        cause = describe(exc) if exc is not None else "?"
        self._emit(
            _NODE_RETRIED,
            i,
            0.0,
            f"attempt {attempt} failed ({cause}); retrying in {delay:.3f} s",
            {
                "level": node.level,
                "attempt": attempt,
                "next_attempt": attempt + 1,
                "error": cause,
                "error_code": error_code(exc) if exc is not None else "error",
                "delay_s": delay,
            },
        )
        metrics.NODE_RETRIES.labels(self.plan.name, node.base_id).inc()
        self._logger.info("node retried", node=node.id, attempt=attempt, error=cause)

    def _inputs(self, i: int, node: PlannedNode) -> dict[str, Any]:
        missing = self._missing.get(i)
        gone = {self._nodes[m].id for m in missing} if missing else ()
        scope = Scope(self._run_input, node.item, self._output_of)
        inputs: dict[str, Any] = {}
        for binding in node.bindings:
            if gone and not binding.deps.isdisjoint(gone):
                inputs[binding.name] = None
            else:
                inputs[binding.name] = binding.template.resolve(scope)
        return inputs

    def _output_of(self, base_id: str) -> Any:
        where = self._outputs_of[base_id]
        if isinstance(where, int):
            return self._outputs[where]
        return {key: self._outputs[j] for key, j in where}

    def _end_completed(self, i: int, output: Any) -> None:
        ended = time.perf_counter()
        self._t1[i] = ended
        self._release(i)
        if self._finished:
            return
        if type(output) is CachedOutput:
            node = self._nodes[i]
            output = output.value
            self._cached.add(i)
            self._emit(_NODE_CACHED, i, 1.0, "from cache", {"level": node.level})
        self._status[i] = _COMPLETED
        self._outputs[i] = output
        self._log.append((_NODE_COMPLETED, i, 1.0, "", None, ended))
        if self._waiters:
            self._wake()
        if self._stopping:
            self._maybe_finalize()
        else:
            self._settled(i)

    def _end_failed(self, i: int, exc: BaseException) -> None:
        ended = time.perf_counter()
        self._t1[i] = ended
        self._release(i)
        if self._finished:
            return
        node = self._nodes[i]
        cause, code = describe(exc), error_code(exc)
        self._status[i] = _FAILED
        self._errors[i] = (cause, code)
        self._emit(
            _NODE_FAILED,
            i,
            0.0,
            cause,
            {
                "level": node.level,
                "attempt": self._attempts[i],
                "error": cause,
                "error_code": code,
                "optional": node.optional,
                "duration_ms": (ended - self._t0[i]) * 1000.0,
            },
            ended,
        )
        metrics.NODE_FAILURES.labels(self.plan.name, node.base_id).inc()
        self._logger.warning(
            "node failed",
            node=node.id,
            error=cause,
            optional=node.optional,
            attempts=self._attempts[i],
        )
        if self._stopping:
            self._maybe_finalize()
        elif node.optional:
            self._settled(i)
        else:
            self._stop(RunStatus.FAILED, f"node '{node.id}' failed: {cause}", node.id)

    def _end_cancelled(self, i: int) -> None:
        self._t1[i] = time.perf_counter()
        self._release(i)
        if self._finished:
            return
        self._mark_cancelled(i, self._t1[i])
        self._maybe_finalize()

    def _mark_cancelled(self, i: int, at: float) -> None:
        node = self._nodes[i]
        self._status[i] = _CANCELLED
        self._errors[i] = ("cancelled", "cancelled")
        self._emit(
            _NODE_FAILED,
            i,
            0.0,
            "cancelled",
            {
                "level": node.level,
                "attempt": self._attempts[i],
                "error": "cancelled",
                "error_code": "cancelled",
            },
            at,
        )

    # ---- the end ------------------------------------------------------------------------

    def _stop(self, status: RunStatus, error: str | None, failed_node: str | None) -> None:
        """Fail fast or cancel: start nothing more and cancel whatever is running."""
        if self._stopping or self._finished:
            return
        self._stopping = True
        self._final_status = status
        self._error = error
        self._failed_node = failed_node
        self._ready.clear()
        self._queues.clear()
        for i, task in enumerate(self._tasks):
            if task is None:
                continue
            task.cancel()
            if self._t0[i] == 0.0:
                # Created but not yet started: its body will never run, so nothing else would
                # account for it. It stays pending: it never began.
                self._release(i)
                self._status[i] = _PENDING
        if self._running == 0:
            self._finalize()
        else:
            self._grace = self._loop.call_later(self._executor.cancel_grace_s, self._finalize)

    def _maybe_finalize(self) -> None:
        if self._running == 0:
            self._finalize()

    def _finalize(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._ended = time.perf_counter()
        if self._grace is not None:
            self._grace.cancel()
        for i in [i for i, task in enumerate(self._tasks) if task is not None]:
            # These ignored cancellation for cancel_grace_s; the run stops waiting for them.
            self._t1[i] = self._ended
            self._mark_cancelled(i, self._ended)
        status = self._final_status
        makespan_ms = (self._ended - self._perf0) * 1000.0
        message = {
            RunStatus.COMPLETED: f"workflow '{self.plan.name}' completed",
            RunStatus.FAILED: self._error or "failed",
            RunStatus.CANCELLED: "cancelled",
        }[status]
        self._emit(
            _RUN_EVENT[status],
            None,
            1.0 if status is RunStatus.COMPLETED else 0.0,
            message,
            {
                "status": status.value,
                "makespan_ms": makespan_ms,
                "error": self._error,
                "failed_node": self._failed_node,
                "counts": self._counts(),
            },
            self._ended,
        )
        metrics.RUNS.labels(self.plan.name, status.value).inc()
        metrics.RUN_SECONDS.labels(self.plan.name).observe(makespan_ms / 1000.0)
        log = self._logger.warning if status is RunStatus.FAILED else self._logger.info
        log(
            "run finished",
            status=status.value,
            makespan_ms=round(makespan_ms, 3),
            error=self._error,
        )
        if not self._done.done():
            self._done.set_result(None)

    def _counts(self) -> dict[str, int]:
        return {status.value: n for status, n in Counter(self._status).items()}

    def _build_result(self) -> RunResult:
        nodes: dict[str, NodeResult] = {}
        shift = self._wall0 - self._perf0  # perf_counter -> Unix time
        t0, t1, status_of, outputs, attempts = (
            self._t0,
            self._t1,
            self._status,
            self._outputs,
            self._attempts,
        )
        for i, node in enumerate(self._nodes):
            status = status_of[i]
            started = t0[i] or None  # 0.0: never started (pending or skipped)
            ended = t1[i] or None
            if started is None or ended is None:
                times: tuple[float | None, float | None, float | None] = (None, None, None)
            else:
                times = (started + shift, ended + shift, (ended - started) * 1000.0)
            if status is _COMPLETED and i not in self._cached:
                nodes[node.id] = NodeResult(status, outputs[i], attempts[i], node.level, *times)
                continue
            error = self._errors.get(i)
            nodes[node.id] = NodeResult(
                status,
                outputs[i],
                attempts[i],
                node.level,
                *times,
                i in self._cached,
                error[0] if error else None,
                error[1] if error else None,
            )
        return RunResult(
            task_id=self.task_id,
            workflow=self.plan.name,
            mode=self.mode,
            status=self._final_status,
            nodes=nodes,
            error=self._error,
            failed_node=self._failed_node,
            started_at=self._wall0,
            ended_at=self._unix(self._ended),
            makespan_ms=(self._ended - self._perf0) * 1000.0,
        )
