"""Migration 19: add the bursts of the daily mentions chart."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(19)
def add_brand_bursts(con: duckdb.DuckDBPyConnection) -> None:
    """The days a brand's mentions broke from its recent days, with their top terms: found by
    `pulse analyze` over the daily roll-up (``analysis/bursts.py``), so the chart labels its
    peaks without reading a post."""
    con.execute(
        """
        CREATE TABLE brand_bursts (
            brand        VARCHAR NOT NULL,
            day          DATE NOT NULL,
            mentions     BIGINT NOT NULL,
            expected     DOUBLE NOT NULL,
            score        DOUBLE NOT NULL,
            top_terms    VARCHAR[] NOT NULL,
            computed_at  TIMESTAMP NOT NULL,
            PRIMARY KEY (brand, day)
        )
        """
    )
