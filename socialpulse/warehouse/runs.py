"""Collection runs: each load of a source is one row, so users see what arrived and what failed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

import duckdb

from socialpulse.warehouse.connection import open_warehouse
from socialpulse.warehouse.loader import LoadResult

T = TypeVar("T")


class RunReport(Protocol):
    """The caller's own summary of a run: its status is set here, its post counts are stored."""

    status: str
    posts: LoadResult


def start_run(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Record that ``source`` started loading; the row is visible even if the run dies."""
    return con.execute(
        "INSERT INTO collection_runs (source, started_at, status) "
        "VALUES (?, now()::TIMESTAMP, 'running') RETURNING run_id",
        [source],
    ).fetchall()[0][0]


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    result: LoadResult,
    *,
    status: str = "ok",
    error: str | None = None,
) -> None:
    """Close the run with its counts; ``error`` is the one-line reason when status is not ok."""
    con.execute(
        "UPDATE collection_runs SET finished_at = now()::TIMESTAMP, status = ?, items_seen = ?, "
        "items_inserted = ?, items_updated = ?, error = ? WHERE run_id = ?",
        [status, result.seen, result.inserted, result.updated, error, run_id],
    )


@contextmanager
def recorded_run(
    db: Path,
    source: str,
    report: RunReport,
    problems: list[str],
    *,
    wait_seconds: float,
    setup: Callable[[duckdb.DuckDBPyConnection], T] = lambda con: None,
    failures: tuple[type[BaseException], ...] = (Exception,),
    failure_line: Callable[[BaseException], str] = str,
    shown: int | None = None,
) -> Iterator[T]:
    """A ``collection_runs`` row around the block, each end on a short connection of its own so
    the file stays free for readers while the block runs.

    Before: the row is opened as running and ``setup`` reads what the run starts from on that
    same connection; its result is what the block receives (a failure there leaves the row
    running). After: the row is closed with ``report.posts`` and a
    status, set on ``report`` too: failed when one of ``failures`` escapes the block (its
    ``failure_line`` joins ``problems``), partial when there are problems, else ok. The error
    text is the problems joined, at most ``shown`` of them then "; and N more".
    """
    with open_warehouse(db, wait_seconds=wait_seconds) as con:
        run_id = start_run(con, source)
        started = setup(con)
    try:
        yield started
    except failures as error:
        report.status = "failed"
        problems.append(failure_line(error))
        raise
    finally:
        if report.status != "failed" and problems:
            report.status = "partial"
        with open_warehouse(db, wait_seconds=wait_seconds) as con:
            finish_run(
                con, run_id, report.posts, status=report.status, error=error_text(problems, shown)
            )


def error_text(problems: list[str], shown: int | None = None) -> str | None:
    """The problems as one line for ``collection_runs.error``; None when there are none. Past
    ``shown`` they are counted, not listed: a damaged export can have thousands."""
    listed = problems if shown is None else problems[:shown]
    more = len(problems) - len(listed)
    return "; ".join(listed) + (f"; and {more} more" if more else "") or None
