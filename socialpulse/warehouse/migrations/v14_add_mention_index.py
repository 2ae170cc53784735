"""Migration 14: add mention index."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(14)
def add_mention_index(con: duckdb.DuckDBPyConnection) -> None:
    """One narrow row per brand mention, in time order, written by `pulse analyze`: what the
    mention list, the influencers and the map need without joining the snapshots, the brand
    matches and the scores of millions of posts on every page view. No primary key: an ART
    index over ten million ids costs more to write than the lookups it would save, and
    ``refresh_mention_index`` replaces whole days."""
    con.execute(
        """
        CREATE TABLE mention_index (
            post_id      VARCHAR NOT NULL,
            created_at   TIMESTAMP NOT NULL,
            platform     VARCHAR NOT NULL,
            channel_id   VARCHAR NOT NULL,
            author_id    VARCHAR,
            brands       VARCHAR[] NOT NULL,
            engagements  BIGINT,
            reach        BIGINT,
            label        VARCHAR,
            source       VARCHAR,
            country      VARCHAR,
            city         VARCHAR,
            lat          DOUBLE,
            lon          DOUBLE
        )
        """
    )
