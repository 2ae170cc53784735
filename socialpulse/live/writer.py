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
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from collectors.base import SKIPPED, Collector, Page, Rows
from collectors.runner import WRITER_WAIT_SECONDS, save_rows, tag_brands
from socialpulse.brand_rules import BrandRule
from socialpulse.warehouse import LoadResult, connect, transaction
from socialpulse.warehouse.cursors import save_cursor

log = logging.getLogger(__name__)
Work = Callable[[duckdb.DuckDBPyConnection], Any]


@dataclass
class Landed:
    """What the batch a page was committed in brought: its posts and brand matches."""

    posts: LoadResult = field(default_factory=LoadResult)
    matched: int = 0


@dataclass(frozen=True)
class _PageRows:
    collector: Collector
    page: Page
    rows: Rows
    then: Work | None


@dataclass
class _Task:
    work: Work
    future: Future = field(default_factory=Future)
    page: _PageRows | None = None  # a page: stored with the turn's other pages of its collector


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
        turn_gap_seconds: float = 0.05,
        linger_seconds: float = 0.05,
        max_tasks_per_turn: int = 500,
    ) -> None:
        self.db = db
        self.rules = rules
        self.arrival = arrival
        self.turn_gap_seconds = turn_gap_seconds
        self.linger_seconds = linger_seconds  # waits this long for more work to share a turn
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
        """Queue a page for the next turn; the future resolves to the ``Landed`` of the batch
        it was committed in (with ``then(con)``, when given, in the same transaction). Its rows
        are built here, in the caller's thread, so parsing runs beside the writer."""
        rows = {k: v for k, v in collector.to_rows(page).items() if k != SKIPPED}
        return self.submit_rows(collector, page, rows, then)

    def submit_rows(
        self, collector: Collector, page: Page, rows: Rows, then: Work | None = None
    ) -> Future:
        """``submit`` for a page whose rows were built elsewhere: the WebSub endpoint parses
        deliveries in worker processes."""
        pending = _PageRows(collector, page, rows, then)
        task = _Task(lambda con: self._store(con, [pending]), page=pending)
        self._queue.put(task)
        return task.future

    def _store(self, con, pages: list[_PageRows]) -> Landed:
        """Pages of one collector as one batch: brands matched once over all its posts (the
        matcher's cost is mostly per call), one merge and one upsert per table however many
        pages the turn holds (a later page's row of the same key wins), then each page's cursor
        in order."""
        collector = pages[0].collector
        tables = dict.fromkeys(table for p in pages for table in p.rows)
        rows = {
            table: pd.concat([p.rows[table] for p in pages if table in p.rows], ignore_index=True)
            for table in tables
        }
        rows = collector.merge_known_stories(con, tag_brands(rows, self.rules))
        posts, _ = save_rows(con, rows)
        for pending in pages:
            if pending.page.cursor is not None:
                save_cursor(con, collector.name, pending.page.key, pending.page.cursor)
            if pending.then is not None:
                pending.then(con)
        matches = rows.get("brand_matches")
        return Landed(posts, 0 if matches is None else len(matches))

    def _all(self, con, tasks: list[_Task]) -> list:
        """Every task's result, consecutive pages of one collector stored together."""
        results: list = []
        start = 0
        while start < len(tasks):
            first = tasks[start]
            end = start + 1
            if first.page is None:
                results.append(first.work(con))
            else:
                while (
                    end < len(tasks)
                    and tasks[end].page is not None
                    and tasks[end].page.collector is first.page.collector
                ):
                    end += 1
                landed = self._store(con, [t.page for t in tasks[start:end]])
                results.extend([landed] * (end - start))
            start = end
        return results

    def _run(self) -> None:
        while not (self._stop.is_set() and self._queue.empty()):
            try:
                first = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.arrival is not None and self.arrival.due():
                    self._idle_scan()
                continue
            tasks = [first]
            linger_until = time.monotonic() + self.linger_seconds
            while len(tasks) < self.max_tasks_per_turn:
                try:
                    tasks.append(self._queue.get(timeout=max(0, linger_until - time.monotonic())))
                except queue.Empty:
                    break
            self._turn(tasks)
            time.sleep(self.turn_gap_seconds)

    def _turn(self, tasks: list[_Task]) -> None:
        """Commit the tasks together; when that fails, each alone, so one bad page fails by
        itself and the others land."""
        try:
            with self._open() as con:
                try:
                    with transaction(con):
                        results = self._all(con, tasks)
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
                    self.arrival.landed(_matched(tasks))
                    if self.arrival.due():
                        self._scan(con)
        except Exception as error:  # the warehouse could not be opened or the task failed
            for task in tasks:
                if not task.future.done():
                    task.future.set_exception(error)

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The warehouse for one turn; migrations are checked on the first turn only (no one
        downgrades a file under a running writer)."""
        con = connect(self.db, wait_seconds=WRITER_WAIT_SECONDS, apply_migrations=not self.turns)
        try:
            yield con
        finally:
            con.close()

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
            with self._open() as con:
                self._scan(con)
        except Exception as error:
            log.warning("alerts on arrival: %s", str(error).splitlines()[0])

    def _scan(self, con) -> None:
        try:
            self.arrival.run(con)
        except Exception as error:  # a failing scan must not stop intake
            log.warning("alerts on arrival: %s", str(error).splitlines()[0])


def _matched(tasks: list[_Task]) -> int:
    """Brand matches the turn committed (each batch counted once): they wake the spike scan."""
    batches = {
        id(result): result
        for task in tasks
        if task.page is not None and not task.future.exception()
        for result in [task.future.result()]
    }
    return sum(landed.matched for landed in batches.values())
