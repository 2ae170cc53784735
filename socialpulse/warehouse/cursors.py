"""Cursors: where each collector stopped, per key, stored in the warehouse itself.

Kept in the same file as the rows so that a page and its cursor commit together.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from socialpulse.warehouse import upsert


def read_cursors(con: duckdb.DuckDBPyConnection, collector: str) -> dict[str, str | None]:
    rows = con.execute(
        "SELECT key, cursor FROM collector_state WHERE collector = ?", [collector]
    ).fetchall()
    return dict(rows)


def save_cursor(con: duckdb.DuckDBPyConnection, collector: str, key: str, cursor: str) -> None:
    upsert(
        con,
        "collector_state",
        pd.DataFrame(
            {
                "collector": [collector],
                "key": [key],
                "cursor": [cursor],
                "updated_at": [pd.Timestamp.now(tz="UTC").tz_localize(None)],
            }
        ),
    )
