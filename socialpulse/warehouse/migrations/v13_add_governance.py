"""Migration 13: add governance."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(13)
def add_governance(con: duckdb.DuckDBPyConnection) -> None:
    """Legal holds (a held post is never archived or erased until the hold is released) and the
    record of each erasure. Both are kept for good: a hold is released, never deleted."""
    con.execute(
        """
        CREATE SEQUENCE legal_hold_ids;
        CREATE TABLE legal_holds (
            hold_id      BIGINT PRIMARY KEY DEFAULT nextval('legal_hold_ids'),
            scope        VARCHAR NOT NULL CHECK (scope IN ('channel', 'author', 'date_range')),
            value        VARCHAR,
            date_from    DATE,
            date_to      DATE,
            reason       VARCHAR NOT NULL,
            custodian    VARCHAR NOT NULL,
            created_at   TIMESTAMP NOT NULL,
            released_at  TIMESTAMP,
            released_by  VARCHAR,
            CHECK ((scope = 'date_range') = (date_from IS NOT NULL AND date_to IS NOT NULL)),
            CHECK ((scope = 'date_range') = (value IS NULL))
        );
        CREATE SEQUENCE erasure_ids;
        CREATE TABLE erasures (
            erasure_id             BIGINT PRIMARY KEY DEFAULT nextval('erasure_ids'),
            pseudonym              VARCHAR NOT NULL,
            erased_by              VARCHAR NOT NULL,
            erased_at              TIMESTAMP NOT NULL,
            posts_erased           BIGINT NOT NULL,
            posts_held             BIGINT NOT NULL,
            archived_posts_erased  BIGINT NOT NULL,
            archived_posts_held    BIGINT NOT NULL,
            interactions_erased    BIGINT NOT NULL,
            identity_erased        BOOLEAN NOT NULL
        );
        """
    )
