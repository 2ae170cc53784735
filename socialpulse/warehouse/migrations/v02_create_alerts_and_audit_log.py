"""Migration 2: create alerts and audit log."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(2)
def create_alerts_and_audit_log(con: duckdb.DuckDBPyConnection) -> None:
    """Crisis alerts and the append-only audit trail; later features fill them."""
    con.execute(
        """
        CREATE SEQUENCE alert_ids;
        CREATE TABLE alerts (
            alert_id         BIGINT PRIMARY KEY DEFAULT nextval('alert_ids'),
            brand            VARCHAR NOT NULL,
            kind             VARCHAR NOT NULL,
            episode_key      VARCHAR NOT NULL UNIQUE,
            window_start     TIMESTAMP NOT NULL,
            window_end       TIMESTAMP NOT NULL,
            observed         DOUBLE NOT NULL,
            expected         DOUBLE NOT NULL,
            top_terms        VARCHAR[],
            example_post_ids VARCHAR[],
            created_at       TIMESTAMP NOT NULL,
            status           VARCHAR NOT NULL DEFAULT 'open'
        );

        CREATE SEQUENCE audit_event_ids;
        CREATE TABLE audit_log (
            event_id   BIGINT PRIMARY KEY DEFAULT nextval('audit_event_ids'),
            occurred_at TIMESTAMP NOT NULL,
            actor      VARCHAR NOT NULL,
            role       VARCHAR,
            action     VARCHAR NOT NULL,
            target     VARCHAR,
            filters    JSON,
            detail     VARCHAR
        );
        """
    )
