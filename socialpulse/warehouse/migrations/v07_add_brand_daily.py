"""Migration 7: add brand daily."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(7)
def add_brand_daily(con: duckdb.DuckDBPyConnection) -> None:
    """Daily roll-up of brand mentions per platform, so listening pages read thousands of rows
    instead of scanning millions of posts. Each figure keeps its parts (the engagement counts,
    the reach and the method behind it) because vendors define them differently."""
    con.execute(
        """
        CREATE TABLE brand_daily (
            day             DATE NOT NULL,
            brand           VARCHAR NOT NULL,
            is_competitor   BOOLEAN NOT NULL,
            platform        VARCHAR NOT NULL,
            mentions        BIGINT NOT NULL,
            likes           BIGINT NOT NULL,
            shares          BIGINT NOT NULL,
            replies         BIGINT NOT NULL,
            quotes          BIGINT NOT NULL,
            views           BIGINT NOT NULL,
            engagements     BIGINT NOT NULL,
            reach           BIGINT,
            reach_method    VARCHAR NOT NULL,
            positive        BIGINT NOT NULL,
            neutral         BIGINT NOT NULL,
            negative        BIGINT NOT NULL,
            PRIMARY KEY (day, brand, platform)
        );
        """
    )
