"""Migration 15: add answered posts."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(15)
def add_answered_posts(con: duckdb.DuckDBPyConnection) -> None:
    """The external mentions an owned account answered and the internal questions a colleague
    answered, with when the first answer came, written by `pulse analyze`: the ROI's volumes of
    any period are then a count over a small table instead of two joins of every post."""
    con.execute(
        """
        CREATE TABLE answered_posts (
            post_id      VARCHAR NOT NULL,
            kind         VARCHAR NOT NULL CHECK (kind IN ('mention', 'question')),
            created_at   TIMESTAMP NOT NULL,
            answered_at  TIMESTAMP NOT NULL
        )
        """
    )
