"""Migration 3: add collection details."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(3)
def add_collection_details(con: duckdb.DuckDBPyConnection) -> None:
    """What collectors learn beyond the post itself.

    ``content_hash``: a hash of the normalised text, to recognise the same story syndicated
    under different addresses. ``match_status``: whether a mention fetched by a brand query
    matched a brand rule (kept either way, so rules can be fixed and re-run).
    ``created_at_estimated``: the source gave no date and the fetch time stands in.
    ``post_channels``: every channel that carried a post, because one story arrives through
    several feeds but is stored once.
    """
    con.execute(
        """
        ALTER TABLE posts ADD COLUMN match_status VARCHAR;
        ALTER TABLE posts ADD COLUMN created_at_estimated BOOLEAN NOT NULL DEFAULT false;
        ALTER TABLE posts ADD COLUMN content_hash VARCHAR;
        CREATE TABLE post_channels (
            post_id     VARCHAR NOT NULL,
            channel_id  VARCHAR NOT NULL,
            seen_at     TIMESTAMP NOT NULL,
            PRIMARY KEY (post_id, channel_id)
        );
        """
    )
