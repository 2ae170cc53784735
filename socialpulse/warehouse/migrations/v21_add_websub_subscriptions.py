"""Migration 21: add the WebSub subscriptions."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(21)
def add_websub_subscriptions(con: duckdb.DuckDBPyConnection) -> None:
    """One row per feed `pulse listen` has asked a hub to push: what it asked, what the hub
    verified, and when the lease runs out. The secret itself is never stored: it is derived from
    the installation's key and ``secret_nonce``, so a copy of the warehouse cannot forge a
    delivery."""
    con.execute(
        """
        CREATE TABLE websub_subscriptions (
            topic         VARCHAR PRIMARY KEY,
            feed_url      VARCHAR NOT NULL,
            hub           VARCHAR NOT NULL,
            callback      VARCHAR NOT NULL,
            secret_nonce  VARCHAR NOT NULL,
            state         VARCHAR NOT NULL CHECK (state IN
                              ('requested', 'active', 'unsubscribing', 'denied')),
            lease_seconds BIGINT,
            requested_at  TIMESTAMP NOT NULL,
            verified_at   TIMESTAMP,
            expires_at    TIMESTAMP,
            deliveries    BIGINT NOT NULL DEFAULT 0,
            last_delivery TIMESTAMP,
            error         VARCHAR
        )
        """
    )
