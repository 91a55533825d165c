"""Shows a run's progress events: a live table on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table

from a2a_mcp.events import EventKind, ProgressEvent

_STATE = {
    EventKind.NODE_STARTED: "running",
    EventKind.NODE_PROGRESS: "running",
    EventKind.NODE_RETRIED: "retrying",
    EventKind.NODE_CACHED: "cached",
    EventKind.NODE_COMPLETED: "done",
    EventKind.NODE_FAILED: "failed",
    EventKind.NODE_SKIPPED: "skipped",
}
_STYLE = {
    "running": "yellow",
    "retrying": "magenta",
    "cached": "cyan",
    "done": "green",
    "failed": "bold red",
    "skipped": "dim",
}


class ProgressView:
    """Feed it ProgressEvents; it draws one line per node with its state and time."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live_mode = self.stream.isatty() if live is None else live
        self.console = Console(file=self.stream)
        self.rows: dict[str, dict[str, Any]] = {}
        self._live: Live | None = None

    def __enter__(self) -> ProgressView:
        if self.live_mode:
            self._live = Live(self._table(), console=self.console, refresh_per_second=12)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._table())
            self._live.__exit__(None, None, None)

    async def on_event(self, event: ProgressEvent) -> None:
        if event.node is not None:
            row = self.rows.setdefault(
                event.node, {"state": "waiting", "started": None, "ms": None, "message": ""}
            )
            row["state"] = _STATE.get(event.kind, row["state"])
            if event.kind is EventKind.NODE_STARTED:
                row["started"] = time.perf_counter()
            if "duration_ms" in event.data:
                row["ms"] = event.data["duration_ms"]
            row["message"] = event.message
            if "level" in event.data:
                row["level"] = event.data["level"]
        if self._live is not None:
            self._live.update(self._table())
        elif event.kind is not EventKind.NODE_PROGRESS:
            self._print_line(event)

    def _print_line(self, event: ProgressEvent) -> None:
        where = event.node or "run"
        extra = f" {event.data['duration_ms']:.0f} ms" if "duration_ms" in event.data else ""
        message = f" - {event.message}" if event.message else ""
        print(f"[{event.seq:03d}] {where:<24} {event.kind.value}{extra}{message}", file=self.stream)

    def _table(self) -> Table:
        table = Table(box=None, show_header=True, header_style="bold")
        for column in ("level", "node", "state", "time", ""):
            table.add_column(column)
        for node, row in self.rows.items():
            seconds = (
                f"{row['ms'] / 1000:.2f}s"
                if row["ms"] is not None
                else f"{time.perf_counter() - row['started']:.1f}s"
                if row["started"]
                else ""
            )
            state = row["state"]
            table.add_row(
                str(row.get("level", "")),
                node,
                f"[{_STYLE.get(state, '')}]{state}[/]",
                seconds,
                row["message"][:60],
            )
        return table
