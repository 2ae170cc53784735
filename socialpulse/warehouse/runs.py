"""Collection runs: each load of a source is one row, so users see what arrived and what failed."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.loader import LoadResult


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
