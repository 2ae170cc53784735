"""Migration 12: add roi assumptions."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(12)
def add_roi_assumptions(con: duckdb.DuckDBPyConnection) -> None:
    """ROI assumptions as an append-only history: the newest row per name is in force, and
    every figure can be traced to the inputs and the person who set them."""
    con.execute(
        """
        CREATE SEQUENCE roi_change_ids;
        CREATE TABLE roi_assumptions (
            change_id   BIGINT PRIMARY KEY DEFAULT nextval('roi_change_ids'),
            name        VARCHAR NOT NULL,
            low         DOUBLE NOT NULL,
            base        DOUBLE NOT NULL,
            high        DOUBLE NOT NULL,
            changed_by  VARCHAR NOT NULL,
            changed_at  TIMESTAMP NOT NULL,
            note        VARCHAR
        );
        """
    )
