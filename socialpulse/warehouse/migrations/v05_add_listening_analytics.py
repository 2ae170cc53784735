"""Migration 5: add listening analytics."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(5)
def add_listening_analytics(con: duckdb.DuckDBPyConnection) -> None:
    """What `pulse analyze` stores so pages only read: human sentiment corrections (kept as
    training labels), trained sentiment models, topics, and the life of an alert episode."""
    con.execute(
        """
        CREATE TABLE sentiment_corrections (
            post_id       VARCHAR PRIMARY KEY,
            label         VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            corrected_by  VARCHAR NOT NULL,
            corrected_at  TIMESTAMP NOT NULL
        );
        CREATE TABLE sentiment_models (
            model_version  VARCHAR PRIMARY KEY,
            trained_at     TIMESTAMP NOT NULL,
            training_rows  BIGINT NOT NULL,
            metrics        JSON NOT NULL,
            promoted       BOOLEAN NOT NULL,
            path           VARCHAR NOT NULL
        );
        CREATE TABLE topics (
            topic_id          VARCHAR PRIMARY KEY,
            brand             VARCHAR NOT NULL,
            period_start      DATE NOT NULL,
            period_end        DATE NOT NULL,
            label             VARCHAR NOT NULL,
            top_terms         VARCHAR[] NOT NULL,
            posts             BIGINT NOT NULL,
            net_sentiment     DOUBLE,
            previous_posts    BIGINT,
            growth            DOUBLE,
            emerging          BOOLEAN NOT NULL DEFAULT false,
            example_post_ids  VARCHAR[],
            computed_at       TIMESTAMP NOT NULL
        );
        CREATE TABLE post_topics (
            post_id   VARCHAR NOT NULL,
            topic_id  VARCHAR NOT NULL,
            weight    DOUBLE NOT NULL,
            PRIMARY KEY (post_id, topic_id)
        );
        ALTER TABLE alerts ADD COLUMN closed_at TIMESTAMP;
        ALTER TABLE alerts ADD COLUMN notified_at TIMESTAMP;
        ALTER TABLE alerts ADD COLUMN notification_error VARCHAR;
        """
    )
