"""Migration 20: add the mentions that need a reply."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(20)
def add_inbound_mentions(con: duckdb.DuckDBPyConnection) -> None:
    """Each mention that needs an answer from the brand (``analysis/response.py`` says which),
    with the minutes to the first owned reply, rewritten by `pulse analyze`: response rate and
    time of any period and filter are then a count over this narrow table, not a read of every
    post's text."""
    con.execute(
        """
        CREATE TABLE inbound_mentions (
            post_id            VARCHAR NOT NULL,
            brand              VARCHAR NOT NULL,
            platform           VARCHAR NOT NULL,
            created_at         TIMESTAMP NOT NULL,
            minutes_to_answer  DOUBLE,
            PRIMARY KEY (post_id, brand)
        )
        """
    )
