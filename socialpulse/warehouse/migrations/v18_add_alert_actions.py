"""Migration 18: add the alert workflow's history."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(18)
def add_alert_actions(con: duckdb.DuckDBPyConnection) -> None:
    """What people did with an alert (acknowledged, assigned, closed with a note, reopened), one
    row per step and never updated, so the inbox's state is the latest step and the history of
    who did what stays. Kept apart from ``alerts``, which `pulse analyze` rewrites per episode."""
    con.execute("CREATE SEQUENCE alert_action_ids START 1")
    con.execute(
        """
        CREATE TABLE alert_actions (
            action_id    BIGINT PRIMARY KEY DEFAULT nextval('alert_action_ids'),
            alert_id     BIGINT NOT NULL,
            occurred_at  TIMESTAMP NOT NULL,
            actor        VARCHAR NOT NULL,
            role         VARCHAR,
            action       VARCHAR NOT NULL
                CHECK (action IN ('acknowledge', 'assign', 'close', 'reopen')),
            assignee     VARCHAR,
            note         VARCHAR
        )
        """
    )
