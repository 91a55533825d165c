"""Tasks kept in a database (a2a-sdk's DatabaseTaskStore, SQLite or PostgreSQL): finished tasks
outlive the process, a task a dead process was running is failed with a reason, old ones pruned.

Writes are few on purpose. A task's first save (it exists, working) and its last (finished, with
its artifacts) go to the database; the progress updates in between stay in memory, where GetTask
and SubscribeToTask read them. Each serving process is an *instance* with a heartbeat row; every
running task has a row naming its instance. When an instance starts again (same id: its public
URL) the tasks its previous life left running are failed at once; tasks of an instance whose
heartbeat stopped (a replica that died for good) are failed by any live instance after
`stale_s`. Cached answers from the fast path are written in the background, in batches, as plain
JSON rows (no protobuf), so answering from the cache stays as fast as with memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import orjson
from a2a.server.context import ServerCallContext
from a2a.server.models import PushNotificationConfigModel
from a2a.server.owner_resolver import resolve_user_scope
from a2a.server.tasks import DatabasePushNotificationConfigStore, DatabaseTaskStore, TaskStore
from a2a.types import ListTasksRequest, ListTasksResponse, Message, Role, Task, TaskState
from google.protobuf.json_format import MessageToDict
from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from a2a_mcp.errors import AgentError
from a2a_mcp.observability import get_logger
from a2a_mcp.protocol import (
    KIND_ERROR,
    KIND_EVENT,
    KIND_KEY,
    KIND_PROGRESS,
    error_parts,
    from_value,
)
from a2a_mcp.server.store import FINISHED_STATES

log = get_logger("a2a_mcp.server.tasks")

_FINISHED_NAMES = [TaskState.Name(state) for state in FINISHED_STATES]
RESTARTED_CODE = "agent_restarted"
_RECENT = 64  # finished tasks also kept in memory

_ours = MetaData()
# One row per serving process (its public URL), refreshed every heartbeat.
instances = Table(
    "a2a_mcp_instances",
    _ours,
    Column("instance", String(255), primary_key=True),
    Column("agent", String(255), nullable=False),
    Column("heartbeat", DateTime, nullable=False),
)
# One row per task running somewhere, naming the instance running it.
runs = Table(
    "a2a_mcp_task_runs",
    _ours,
    Column("task_id", String(36), primary_key=True),
    Column("owner", String(255), nullable=True),
    Column("instance", String(255), nullable=False, index=True),
)


class TaskDbError(AgentError):
    """The task database URL is unusable or the database cannot be reached."""

    code = "task_db_error"


class LaterTask(Protocol):
    """A finished task recorded without being built: as protobuf on demand, or as DB columns."""

    def task(self) -> Task: ...

    def columns(self) -> dict[str, Any]: ...


def database_url(url: str) -> str:
    """An async SQLAlchemy URL: a bare path or sqlite:// becomes sqlite+aiosqlite, postgres(ql)://
    becomes postgresql+asyncpg; anything else is taken as written."""
    if "://" not in url:
        return f"sqlite+aiosqlite:///{Path(url).expanduser()}"
    scheme, rest = url.split("://", 1)
    scheme = {
        "sqlite": "sqlite+aiosqlite",
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
    }.get(scheme, scheme)
    return f"{scheme}://{rest}"


def _naive_utc(moment: datetime | None = None) -> datetime:
    """What the SDK stores in `last_updated`: naive UTC."""
    return (moment or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


def open_engine(url: str) -> AsyncEngine:
    """The engine for `url` (see database_url), JSON through orjson; SQLite in WAL mode."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise TaskDbError(
            f"the task database {url!r} is not a database URL ({exc}); use a file path, "
            "sqlite:///path/tasks.sqlite or postgresql://user:password@host:5432/db"
        ) from None
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_async_engine(
            parsed,
            json_serializer=lambda value: orjson.dumps(value).decode(),
            json_deserializer=orjson.loads,
            pool_pre_ping=not sqlite,
            # Every call to the database has a limit (asyncpg: connect and each command).
            connect_args={"timeout": 10} if sqlite else {"timeout": 5, "command_timeout": 30},
        )
    except Exception as exc:  # a missing driver, an unknown dialect
        raise TaskDbError(f"cannot open the task database {parsed!r}: {exc}") from None
    if sqlite:

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(connection: Any, _: Any) -> None:
            # Several processes (replicas) may share the file: WAL lets readers run beside the
            # writer, and a busy writer is waited for rather than failing at once.
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


@dataclass
class TaskRetention:
    """How long finished tasks are kept: at most `keep` of them, none older than `max_age_s`."""

    keep: int = 10_000
    max_age_s: float = 7 * 86400
    prune_interval_s: float = 300.0


@dataclass
class _Live:
    owner: str
    task: Task


@dataclass
class _Pending:
    owner: str
    later: LaterTask


class DurableTaskStore(TaskStore):
    """a2a-sdk's DatabaseTaskStore with live tasks in memory, restart recovery and pruning.

    `start()` in the serving loop before the first request, `aclose()` after the last."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        agent: str,
        instance: str,
        retention: TaskRetention | None = None,
        heartbeat_s: float = 10.0,
        stale_s: float = 60.0,
        flush_s: float = 0.05,
        on_recovered: Callable[[Task], Any] | None = None,
    ) -> None:
        self.engine = engine
        self.db = DatabaseTaskStore(engine)
        # The tasks' webhooks beside them, so they too outlive a restart (and are pruned).
        self.push_configs = DatabasePushNotificationConfigStore(engine)
        self.agent = agent
        self.instance = instance
        self.retention = retention or TaskRetention()
        self.heartbeat_s = heartbeat_s
        self.stale_s = stale_s
        self.flush_s = flush_s
        self.on_recovered = on_recovered
        self._live: dict[str, _Live] = {}
        self._pending: dict[str, _Pending] = {}
        # Saved tasks not written yet (the flush loop's next batch; all of them in an outage).
        self._dirty: OrderedDict[str, _Live] = OrderedDict()
        # The last tasks that finished here: a2a-sdk reads a task back as it ends (the answer
        # to SendMessage, the stream's last event), which from the database costs a full parse.
        self._recent: OrderedDict[str, _Live] = OrderedDict()
        self._wake = asyncio.Event()
        self._background: list[asyncio.Task[None]] = []
        self._last_prune = 0.0
        self.recovered = 0  # tasks failed by recovery, since start

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Create the tables, fail what a previous life left running, prune, start the loops
        (once: a second call does nothing)."""
        if self._background:
            return
        try:
            await self.db.initialize()
            await self.push_configs.initialize()
            async with self.engine.begin() as connection:
                await connection.run_sync(_ours.create_all)
        except Exception as exc:
            raise TaskDbError(
                f"agent '{self.agent}' cannot open its task database "
                f"({self.engine.url.render_as_string(hide_password=True)}): {exc}"
            ) from None
        await self._heartbeat()
        await self.recover(own_previous=True)
        await self.prune()
        self._background = [
            asyncio.create_task(self._flush_loop(), name="task-db-flush"),
            asyncio.create_task(self._heartbeat_loop(), name="task-db-heartbeat"),
        ]

    async def aclose(self) -> None:
        """Write what is pending, leave the instance table, dispose of the engine."""
        for job in self._background:
            job.cancel()
        for job in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job
        self._background = []
        with contextlib.suppress(Exception):
            await self.flush()
        # Tasks still live (a drain that timed out) stay in the run table: the next start
        # of this instance fails them with the restart reason.
        with contextlib.suppress(Exception):
            async with self.engine.begin() as connection:
                if not self._live:
                    await connection.execute(
                        delete(instances).where(instances.c.instance == self.instance)
                    )
        await self.engine.dispose()

    # ------------------------------------------------------------------ TaskStore

    async def save(self, task: Task, context: ServerCallContext) -> None:
        owner = resolve_user_scope(context)
        self._pending.pop(task.id, None)
        finished = task.status.state in FINISHED_STATES
        first = task.id not in self._live and task.id not in self._dirty
        if finished:
            # A copy: what is written later must not change under us.
            copy = Task()
            copy.CopyFrom(task)
            self._live.pop(task.id, None)
            self._recent[task.id] = _Live(owner, copy)
            while len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        else:
            # a2a-sdk hands over its own task object and keeps updating it: holding it costs
            # nothing, get() returns a copy; only its first version is written now.
            copy = task
            self._live[task.id] = _Live(owner, task)
        if first and not finished:
            # Now: from here on a restart finds the task and fails it, whenever it dies.
            try:
                async with self.db.async_session_maker.begin() as session:
                    await self._write(session, copy, owner)
                return
            except Exception as exc:
                log.warning("task database unavailable; tasks kept in memory", error=str(exc))
        if finished or first:
            # The end (its artifacts: the large write) goes with the flush loop's next batch,
            # within flush_s, in one transaction with its neighbours; so does anything an
            # outage held back.
            self._dirty[task.id] = _Live(owner, copy)
            self._wake.set()

    def _columns(self, task: Task, owner: str) -> dict[str, Any]:
        """What DatabaseTaskStore stores, built faster: DataParts through a2a_mcp's converter
        rather than json_format, and the history without the progress updates (streamed while
        the task ran; a finished task keeps its request, its status and its artifacts)."""
        history = [
            MessageToDict(message)
            for message in task.history
            if message.metadata.fields.get(KIND_KEY) is None
            or message.metadata[KIND_KEY] not in (KIND_PROGRESS, KIND_EVENT)
        ]
        return {
            **task_columns(task, history=history, artifacts=[_artifact(a) for a in task.artifacts]),
            "id": task.id,
            "owner": owner,
            "task_metadata": MessageToDict(task.metadata) if task.metadata.fields else None,
        }

    async def _write(self, session: Any, task: Task, owner: str) -> None:
        """The task's row, and its run row while it runs (which instance runs it): two
        statements (upserts where the database has them)."""
        model = self.db.task_model
        row = self._columns(task, owner)
        upsert = _upsert_for(self.engine.dialect.name)
        if upsert is not None:
            statement = upsert(model).values(**row)
            changes = {
                column.name: statement.excluded[column.name]
                for column in model.__table__.columns
                if column.name != "id"
            }
            await session.execute(
                statement.on_conflict_do_update(index_elements=[model.id], set_=changes)
            )
        else:
            updated = await session.execute(
                update(model).where((model.id == task.id) & (model.owner == owner)).values(**row)
            )
            if not updated.rowcount:
                await session.execute(insert(model).values(**row))
        if task.status.state in FINISHED_STATES:
            await session.execute(delete(runs).where(runs.c.task_id == task.id))
        elif upsert is not None:
            values = {"task_id": task.id, "owner": owner, "instance": self.instance}
            await session.execute(
                upsert(runs)
                .values(**values)
                .on_conflict_do_update(index_elements=[runs.c.task_id], set_=values)
            )
        else:
            await session.execute(delete(runs).where(runs.c.task_id == task.id))
            await session.execute(
                insert(runs).values(task_id=task.id, owner=owner, instance=self.instance)
            )

    async def save_later(self, task_id: str, context: ServerCallContext, later: LaterTask) -> None:
        """Record a finished task (a cached answer): written to the database in the background."""
        self._pending[task_id] = _Pending(resolve_user_scope(context), later)
        self._wake.set()

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        owner = resolve_user_scope(context)
        live = self._live.get(task_id) or self._dirty.get(task_id) or self._recent.get(task_id)
        if live is not None and live.owner == owner:
            copy = Task()
            copy.CopyFrom(live.task)
            return copy
        pending = self._pending.get(task_id)
        if pending is not None and pending.owner == owner:
            return pending.later.task()
        return await self.db.get(task_id, context)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        await self.flush()
        return await self.db.list(params, context)

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        self._live.pop(task_id, None)
        self._pending.pop(task_id, None)
        self._dirty.pop(task_id, None)
        self._recent.pop(task_id, None)
        await self.db.delete(task_id, context)
        async with self.engine.begin() as connection:
            await connection.execute(delete(runs).where(runs.c.task_id == task_id))

    # ------------------------------------------------------------------ background writes

    async def flush(self) -> int:
        """Write every saved task and cached answer not written yet, in one transaction;
        returns how many. On failure they stay queued (bounded) for the next attempt."""
        if not self._pending and not self._dirty:
            return 0
        pending, self._pending = self._pending, {}
        dirty, self._dirty = self._dirty, OrderedDict()
        rows = [
            {**item.later.columns(), "id": task_id, "owner": item.owner}
            for task_id, item in pending.items()
        ]
        try:
            async with self.db.async_session_maker.begin() as session:
                if rows:
                    await session.execute(insert(self.db.task_model), rows)
                for item in dirty.values():
                    await self._write(session, item.task, item.owner)
        except Exception:
            # Newer saves win; a long outage lets the oldest go rather than grow without end.
            for task_id, waiting in pending.items():
                self._pending.setdefault(task_id, waiting)
            for task_id, live in reversed(dirty.items()):
                if task_id not in self._dirty:
                    self._dirty[task_id] = live
                    self._dirty.move_to_end(task_id, last=False)
            for store in (self._pending, self._dirty):
                for task_id in list(store)[: max(0, len(store) - self.retention.keep)]:
                    del store[task_id]
            raise
        return len(rows) + len(dirty)

    async def _flush_loop(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.flush_s)  # gather a batch
            self._wake.clear()
            try:
                await self.flush()
                await self._maybe_prune()
            except Exception as exc:
                log.warning("task database unavailable; tasks kept in memory", error=str(exc))
                await asyncio.sleep(1.0)
                self._wake.set()

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            try:
                await self._heartbeat()
                await self.recover(own_previous=False)
                await self._maybe_prune()
            except Exception as exc:
                log.warning("task database heartbeat failed", error=str(exc))

    async def _heartbeat(self) -> None:
        now = _naive_utc()
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(instances).where(instances.c.instance == self.instance).values(heartbeat=now)
            )
            if result.rowcount == 0:
                await connection.execute(
                    insert(instances).values(
                        instance=self.instance, agent=self.agent, heartbeat=now
                    )
                )

    # ------------------------------------------------------------------ recovery, pruning

    async def recover(self, *, own_previous: bool) -> int:
        """Fail tasks whose instance is gone: this instance's previous life (at start), or any
        instance whose heartbeat is older than `stale_s`. Returns how many were failed."""
        stale = _naive_utc() - timedelta(seconds=self.stale_s)
        alive = select(instances.c.instance).where(instances.c.heartbeat >= stale)
        orphaned = or_(runs.c.instance.not_in(alive), runs.c.instance == self.instance)
        if not own_previous:
            orphaned = runs.c.instance.not_in(alive) & (runs.c.instance != self.instance)
        async with self.engine.connect() as connection:
            found = (await connection.execute(select(runs).where(orphaned))).all()
        failed = 0
        for row in found:
            if row.task_id in self._live:
                continue  # running here, in this life
            task = await self._fail_orphan(row.task_id, row.owner or "", row.instance)
            if task is not None:
                failed += 1
                if self.on_recovered is not None:
                    with contextlib.suppress(Exception):
                        await self.on_recovered(task)
        if failed:
            self.recovered += failed
            log.warning("failed tasks left running by a stopped process", count=failed)
        async with self.engine.begin() as connection:
            await connection.execute(
                delete(instances).where(
                    (instances.c.heartbeat < stale) & (instances.c.instance != self.instance)
                )
            )
        return failed

    async def _fail_orphan(self, task_id: str, owner: str, instance: str) -> Task | None:
        model = self.db.task_model
        async with self.db.async_session_maker.begin() as session:
            stored = (
                await session.execute(
                    select(model).where((model.id == task_id) & (model.owner == owner))
                )
            ).scalar_one_or_none()
            await session.execute(delete(runs).where(runs.c.task_id == task_id))
            if stored is None:
                return None
            task = self.db._from_orm(stored)
            if task.status.state in FINISHED_STATES:
                return None
            message = (
                f"agent '{self.agent}' restarted (or its process at {instance} stopped) while "
                "this task was running, so its work was lost; send the request again"
            )
            status_message = Message(
                role=Role.ROLE_AGENT,
                message_id=f"{task_id}-restart",
                task_id=task_id,
                context_id=task.context_id,
                parts=error_parts(RESTARTED_CODE, message, {"instance": instance}),
            )
            status_message.metadata.update({KIND_KEY: KIND_ERROR})
            task.status.state = TaskState.TASK_STATE_FAILED
            task.status.message.CopyFrom(status_message)
            task.status.timestamp.FromDatetime(datetime.now(UTC))
            await session.merge(self.db._to_orm(task, owner))
        log.info("task failed after a restart", task_id=task_id, instance=instance)
        return task

    async def _maybe_prune(self) -> None:
        if time.monotonic() - self._last_prune >= self.retention.prune_interval_s:
            await self.prune()

    async def prune(self) -> int:
        """Delete finished tasks older than max_age_s, then the oldest beyond `keep`."""
        self._last_prune = time.monotonic()
        model = self.db.task_model
        finished = model.status["state"].as_string().in_(_FINISHED_NAMES)
        cutoff = _naive_utc() - timedelta(seconds=self.retention.max_age_s)
        removed = 0
        async with self.engine.begin() as connection:
            result = await connection.execute(
                delete(model).where(finished & (model.last_updated < cutoff))
            )
            removed += result.rowcount or 0
            count = (
                await connection.execute(select(func.count()).select_from(model).where(finished))
            ).scalar_one()
            if count > self.retention.keep:
                newest = (
                    select(model.id)
                    .where(finished)
                    .order_by(model.last_updated.desc(), model.id.desc())
                    .limit(self.retention.keep)
                )
                result = await connection.execute(
                    delete(model).where(finished & model.id.not_in(newest))
                )
                removed += result.rowcount or 0
            if removed:
                configs = PushNotificationConfigModel
                await connection.execute(
                    delete(configs).where(configs.task_id.not_in(select(model.id)))
                )
        # The same rules for the finished tasks kept in memory.
        for task_id, item in list(self._recent.items()):
            if item.task.status.timestamp.ToDatetime() < cutoff:
                del self._recent[task_id]
        while len(self._recent) > self.retention.keep:
            self._recent.popitem(last=False)
        if removed:
            log.info("pruned finished tasks", removed=removed, agent=self.agent)
        return removed


def open_task_store(
    url: str,
    *,
    agent: str,
    instance: str,
    retention: TaskRetention | None = None,
    **options: Any,
) -> DurableTaskStore:
    """A DurableTaskStore on the database at `url` (a path, sqlite:// or postgresql:// URL)."""
    return DurableTaskStore(
        open_engine(url), agent=agent, instance=instance, retention=retention, **options
    )


def task_columns(
    task: Task,
    *,
    history: list[dict[str, Any]],
    artifacts: list[dict[str, Any]],
) -> dict[str, Any]:
    """The columns DatabaseTaskStore writes for `task`, with history and artifacts given as JSON
    (so a large output need not go through protobuf). `id` and `owner` are the store's to set."""
    return {
        "context_id": task.context_id,
        "kind": "task",
        "last_updated": task.status.timestamp.ToDatetime(),
        "status": MessageToDict(task.status),
        "artifacts": artifacts,
        "history": history,
        "task_metadata": None,
        "protocol_version": "1.0",
    }


def _upsert_for(dialect: str) -> Any:
    """The dialect's INSERT ... ON CONFLICT, or None where there is none (a two-step write)."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    return None


def _artifact(artifact: Any) -> dict[str, Any]:
    """An Artifact as proto JSON, its DataParts converted by a2a_mcp (json_format walks a
    large Struct value by value)."""
    datas = [(i, part.data) for i, part in enumerate(artifact.parts) if part.HasField("data")]
    if not datas:
        return MessageToDict(artifact)
    shell = type(artifact)()
    shell.CopyFrom(artifact)
    for index, _ in datas:
        shell.parts[index].ClearField("data")
    found = MessageToDict(shell)
    for index, value in datas:
        found["parts"][index]["data"] = from_value(value)
    return found
