"""The one loader: every row that enters the warehouse is upserted here, by primary key, in bulk.

Collectors deliver at least once (cursors compare with ``>=``, reruns resume), so the loader makes
rows exactly-once: a row whose key exists replaces the stored one, a new key is inserted. Batches
go through DuckDB's DataFrame/Arrow scan, about 1,000x faster than row-by-row ``executemany``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from socialpulse.warehouse.schema import KEY_DERIVED_COLUMNS, TABLE_KEYS

_staging_names = (f"_staged_{n}" for n in itertools.count())


@dataclass
class LoadResult:
    """What one upsert did: rows offered, rows new to the warehouse, rows that replaced others."""

    seen: int = 0
    inserted: int = 0
    updated: int = 0

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.seen + other.seen, self.inserted + other.inserted, self.updated + other.updated
        )


def _unique_by_key(rows: pd.DataFrame | pa.Table, keys: list[str]) -> pd.DataFrame | pa.Table:
    """Keep the last row per key: a batch may carry the same item twice (paging overlap)."""
    if isinstance(rows, pa.Table):
        rows = rows.to_pandas(types_mapper=pd.ArrowDtype)
    if rows.duplicated(subset=keys).any():
        rows = rows.drop_duplicates(subset=keys, keep="last")
    return rows


def upsert(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame | pa.Table) -> LoadResult:
    """Insert new rows of ``table`` and replace existing ones with the same primary key.

    Columns are matched by name; columns the batch lacks keep their defaults on insert and
    their stored values on update.
    """
    keys = list(TABLE_KEYS[table])
    missing = (
        [k for k in keys if k not in rows.column_names]
        if isinstance(rows, pa.Table)
        else [k for k in keys if k not in rows.columns]
    )
    if missing:
        raise ValueError(f"{table}: batch lacks key column(s) {', '.join(missing)}")
    rows = _unique_by_key(rows, keys)
    if len(rows) == 0:
        return LoadResult()
    columns = list(rows.columns)
    staged = next(_staging_names)
    con.register(staged, rows)
    try:
        key_list = ", ".join(keys)
        new_rows = con.execute(
            f"SELECT count(*) FROM {staged} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE " + " AND ".join(f"t.{k} = s.{k}" for k in keys) + ")"
        ).fetchall()[0][0]
        select = f"SELECT {', '.join(columns)} FROM {staged}"
        if new_rows == len(rows):
            con.execute(f"INSERT INTO {table} BY NAME {select}")
        else:
            fixed = set(keys) | set(KEY_DERIVED_COLUMNS.get(table, ()))
            updates = [c for c in columns if c not in fixed]
            action = (
                "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
                if updates
                else "DO NOTHING"
            )
            con.execute(f"INSERT INTO {table} BY NAME {select} ON CONFLICT ({key_list}) {action}")
    finally:
        # After a failed statement the transaction is aborted and even unregistering fails;
        # the original error is the one worth reporting.
        with suppress(duckdb.Error):
            con.unregister(staged)
    return LoadResult(seen=len(rows), inserted=new_rows, updated=len(rows) - new_rows)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit everything inside or nothing: rows and the cursor that says they were loaded."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


SNAPSHOT_MEASURES = ("likes", "shares", "replies", "quotes", "views", "author_followers")


def append_snapshots(con: duckdb.DuckDBPyConnection, snapshots: pd.DataFrame) -> LoadResult:
    """Append engagement observations, skipping any identical to the post's latest one.

    Growth over time is kept (a changed count is a new row), and collecting the same traffic
    twice adds nothing.
    """
    if snapshots.empty:
        return LoadResult()
    measures = [m for m in SNAPSHOT_MEASURES if m in snapshots.columns]
    staged = next(_staging_names)
    con.register(staged, snapshots)
    try:
        same = " AND ".join(f"s.{m} IS NOT DISTINCT FROM l.{m}" for m in measures) or "TRUE"
        changed = con.execute(
            f"""
            WITH latest AS (
                SELECT * FROM engagement_snapshots
                WHERE post_id IN (SELECT post_id FROM {staged})
                QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY taken_at DESC) = 1
            )
            SELECT s.* FROM {staged} s LEFT JOIN latest l ON l.post_id = s.post_id
            WHERE l.post_id IS NULL OR NOT ({same})
            """
        ).df()
    finally:
        with suppress(duckdb.Error):
            con.unregister(staged)
    result = upsert(con, "engagement_snapshots", changed)
    return LoadResult(seen=len(snapshots), inserted=result.inserted, updated=result.updated)
