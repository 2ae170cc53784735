"""Migration 17: add topic aspects."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(17)
def add_topic_aspects(con: duckdb.DuckDBPyConnection) -> None:
    """What people are positive and negative about: per brand and period, each topic term that
    is a thing rather than an opinion ("zipper", "delivery"), with the sentiment of the
    sentences that name it. Written by `pulse analyze` after the topics, for the same periods."""
    con.execute(
        """
        CREATE TABLE topic_aspects (
            brand                  VARCHAR NOT NULL,
            period_start           DATE NOT NULL,
            term                   VARCHAR NOT NULL,
            mentions               BIGINT NOT NULL,
            sentences              BIGINT NOT NULL,
            positive               BIGINT NOT NULL,
            negative               BIGINT NOT NULL,
            net_sentiment          DOUBLE NOT NULL,
            most_negative_post_id  VARCHAR,
            most_positive_post_id  VARCHAR,
            computed_at            TIMESTAMP NOT NULL,
            PRIMARY KEY (brand, period_start, term)
        )
        """
    )
