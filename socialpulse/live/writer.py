"""One writer for every live source: pushed feeds and streams queue their pages here.

DuckDB lets one process write a file, and `pulse collect --every`, `pulse analyze` and the
dashboard's own writes (alert triage, corrections) all need it too. So intake takes **short
turns**: the writer thread opens the warehouse, commits everything queued since its last turn in
one transaction (rows and each page's cursor together), closes the file and leaves a gap before
the next turn, in which the other processes get the lock they are waiting for. Within this
process nothing else opens the file: every read and write goes through ``call``.

What this promises a source: ``submit`` returns a future that resolves only after its rows are
committed. The WebSub endpoint answers the hub only then, and a stream's cursor is committed with
its rows, so a ``kill -9`` at any moment loses nothing that was acknowledged, and what was not
is redelivered (by the hub) or re-read (from the stream's cursor) and upserted: nothing doubles.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from collectors.base import SKIPPED, Collector, Page, Rows
from collectors.runner import WRITER_WAIT_SECONDS, save_rows, tag_brands
from socialpulse.brand_rules import BrandRule
from socialpulse.warehouse import LoadResult, open_warehouse, transaction
from socialpulse.warehouse.cursors import save_cursor

log = logging.getLogger(__name__)
Work = Callable[[duckdb.DuckDBPyConnection], Any]


@dataclass
class Landed:
    """What one committed page brought: its posts and whether any matched a brand."""

    posts: LoadResult = field(default_factory=LoadResult)
    matched: int = 0


@dataclass
class _Task:
    work: Work
    future: Future = field(default_factory=Future)
    matched: int = 0  # brand matches the task adds: they wake the spike scan


class ArrivalHook(Protocol):
    """What runs on the writer's connection when brand mentions have landed (the spike scan):
    told of each commit, asked whether it is due, run in the turn or, once due, when idle."""

    def landed(self, matched: int) -> None: ...

    def due(self) -> bool: ...

    def run(self, con: duckdb.DuckDBPyConnection) -> None: ...


class IntakeWriter:
    """The thread that owns the warehouse for `pulse listen`."""

    def __init__(
        self,
        db: Path,
        rules: list[BrandRule],
        *,
        arrival: ArrivalHook | None = None,
        turn_gap_seconds: float = 0.2,
        max_tasks_per_turn: int = 500,
    ) -> None:
        self.db = db
        self.rules = rules
        self.arrival = arrival
        self.turn_gap_seconds = turn_gap_seconds
        self.max_tasks_per_turn = max_tasks_per_turn
        self.turns = 0
        self._queue: queue.Queue[_Task] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="intake-writer", daemon=True)

    def start(self) -> IntakeWriter:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then stop."""
        self._stop.set()
        self._thread.join(timeout)

    def call(self, work: Work) -> Future:
        """Run ``work(con)`` in the next turn, inside its transaction."""
        task = _Task(work)
        self._queue.put(task)
        return task.future

    def submit(self, collector: Collector, page: Page, then: Work | None = None) -> Future:
        """Queue a page for the next turn; the future resolves to its ``Landed`` once committed
        (with ``then(con)``, when given, in the same transaction). Its rows are built here, in
        the caller's thread, so parsing runs beside the writer."""
        rows = tag_brands(
            {k: v for k, v in collector.to_rows(page).items() if k != SKIPPED}, self.rules
        )
        matches = rows.get("brand_matches")
        task = _Task(
            lambda con: self._store(con, collector, page, rows, then),
            matched=0 if matches is None else len(matches),
        )
        self._queue.put(task)
        return task.future

    def _store(self, con, collector: Collector, page: Page, rows: Rows, then) -> Landed:
        rows = collector.merge_known_stories(con, rows)
        posts, _ = save_rows(con, rows)
        if page.cursor is not None:
            save_cursor(con, collector.name, page.key, page.cursor)
        if then is not None:
            then(con)
        matches = rows.get("brand_matches")
        return Landed(posts, 0 if matches is None else len(matches))

    def _run(self) -> None:
        while not (self._stop.is_set() and self._queue.empty()):
            try:
                first = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.arrival is not None and self.arrival.due():
                    self._idle_scan()
                continue
            tasks = [first]
            while len(tasks) < self.max_tasks_per_turn:
                try:
                    tasks.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._turn(tasks)
            time.sleep(self.turn_gap_seconds)

    def _turn(self, tasks: list[_Task]) -> None:
        """Commit the tasks together; when that fails, each alone, so one bad page fails by
        itself and the others land."""
        try:
            with open_warehouse(self.db, wait_seconds=WRITER_WAIT_SECONDS) as con:
                try:
                    with transaction(con):
                        results = [task.work(con) for task in tasks]
                except Exception:
                    if len(tasks) == 1:
                        raise
                    results = None
                if results is None:
                    for task in tasks:
                        self._alone(con, task)
                else:
                    for task, result in zip(tasks, results, strict=True):
                        task.future.set_result(result)
                self.turns += 1
                if self.arrival is not None:
                    self.arrival.landed(sum(t.matched for t in tasks if not t.future.exception()))
                    if self.arrival.due():
                        self._scan(con)
        except Exception as error:  # the warehouse could not be opened or the task failed
            for task in tasks:
                if not task.future.done():
                    task.future.set_exception(error)

    def _alone(self, con, task: _Task) -> None:
        try:
            with transaction(con):
                result = task.work(con)
        except Exception as error:
            task.future.set_exception(error)
        else:
            task.future.set_result(result)

    def _idle_scan(self) -> None:
        try:
            with open_warehouse(self.db, wait_seconds=WRITER_WAIT_SECONDS) as con:
                self._scan(con)
        except Exception as error:
            log.warning("alerts on arrival: %s", str(error).splitlines()[0])

    def _scan(self, con) -> None:
        try:
            self.arrival.run(con)
        except Exception as error:  # a failing scan must not stop intake
            log.warning("alerts on arrival: %s", str(error).splitlines()[0])
