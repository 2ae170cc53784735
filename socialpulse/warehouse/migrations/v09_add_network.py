"""Migration 9: add network."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(9)
def add_network(con: duckdb.DuckDBPyConnection) -> None:
    """Who talks to whom: reply, reaction and mention edges between segments per month, and each
    person's place in the network (centrality, persona, whether they bridge silos)."""
    con.execute(
        """
        CREATE TABLE network_flow (
            period_start   DATE NOT NULL,
            segment_type   VARCHAR NOT NULL CHECK (segment_type IN ('department', 'location')),
            source_value   VARCHAR NOT NULL,
            target_value   VARCHAR NOT NULL,
            edges          BIGINT NOT NULL,
            PRIMARY KEY (period_start, segment_type, source_value, target_value)
        );
        CREATE TABLE network_people (
            person_id           VARCHAR PRIMARY KEY,
            window_start        DATE NOT NULL,
            window_end          DATE NOT NULL,
            degree              DOUBLE NOT NULL,
            betweenness         DOUBLE NOT NULL,
            betweenness_method  VARCHAR NOT NULL,
            contributions       BIGINT NOT NULL,
            threads_started     BIGINT NOT NULL,
            responses_received  BIGINT NOT NULL,
            departments_linked  INTEGER NOT NULL,
            persona             VARCHAR NOT NULL CHECK (persona IN
                                    ('Engager', 'Catalyst', 'Responder', 'Broadcaster',
                                     'Observer')),
            is_bridge           BOOLEAN NOT NULL,
            computed_at         TIMESTAMP NOT NULL
        );
        """
    )
