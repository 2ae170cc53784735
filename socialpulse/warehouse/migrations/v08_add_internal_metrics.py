"""Migration 8: add internal metrics."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(8)
def add_internal_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """Employee-network figures per week and month, overall and per segment, stored by
    `pulse analyze` so pages and the scorecard only read. Each keeps its numerator and
    denominator; ``segment_value`` is already folded by the privacy floor ("Other")."""
    con.execute(
        """
        CREATE TABLE internal_metrics (
            grain          VARCHAR NOT NULL CHECK (grain IN ('week', 'month')),
            period_start   DATE NOT NULL,
            segment_type   VARCHAR NOT NULL CHECK (segment_type IN
                               ('all', 'department', 'location', 'employee_type', 'channel')),
            segment_value  VARCHAR NOT NULL,
            metric         VARCHAR NOT NULL,
            numerator      DOUBLE,
            denominator    DOUBLE,
            value          DOUBLE,
            computed_at    TIMESTAMP NOT NULL,
            PRIMARY KEY (grain, period_start, segment_type, segment_value, metric)
        );
        """
    )
