"""Migration 10: add push pull."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(10)
def add_push_pull(con: duckdb.DuckDBPyConnection) -> None:
    """Each announcement's reach and each check-in's answers, overall and per department and
    location, so the crisis team sees at a glance who the message did not reach."""
    con.execute(
        """
        CREATE TABLE push_pull (
            post_id         VARCHAR NOT NULL,
            kind            VARCHAR NOT NULL CHECK (kind IN ('announcement', 'check-in')),
            created_at      TIMESTAMP NOT NULL,
            channel         VARCHAR NOT NULL,
            segment_type    VARCHAR NOT NULL CHECK (segment_type IN
                                ('all', 'department', 'location')),
            segment_value   VARCHAR NOT NULL,
            audience        BIGINT NOT NULL,
            responded       BIGINT NOT NULL,
            rate            DOUBLE,
            median_minutes  DOUBLE,
            PRIMARY KEY (post_id, segment_type, segment_value)
        );
        """
    )
