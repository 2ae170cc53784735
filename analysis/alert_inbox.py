"""The alert inbox: what people did with each alert, as in Brandwatch's and Sprout's alert
workflows. An alert is new until someone acknowledges it, may be assigned to a person, and is
closed with a note saying what was done (and reopened if it was closed too early).

Every step is a row of ``alert_actions`` (never updated); an alert's state is its latest step, and
the time to acknowledge is its first acknowledgement against the moment SocialPulse raised it.
Steps are validated here, so the CLI and the dashboard refuse the same things in the same words.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

ACTIONS = ("acknowledge", "assign", "close", "reopen")
# The state each step leaves an alert in, as people read it.
STATES = {
    None: "New",
    "acknowledge": "Acknowledged",
    "assign": "Assigned",
    "close": "Closed",
    "reopen": "Reopened",
}


def record_action(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    action: str,
    actor: str,
    role: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> int:
    """Store one step and return its id. Raise ``ValueError`` (one line) for an unknown alert or
    action, an assignment without a person, a close without a note, a step on a closed alert
    other than reopening, or a reopening of an alert that is not closed."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r}: unknown alert action; expected one of {', '.join(ACTIONS)}")
    assignee = (assignee or "").strip() or None
    note = (note or "").strip() or None
    if not (actor or "").strip():
        raise ValueError("say who does it")
    if action == "assign" and assignee is None:
        raise ValueError("say who the alert is assigned to")
    if action == "close" and note is None:
        raise ValueError("say in a note what was done before closing the alert")
    found = con.execute(
        """
        SELECT a.alert_id, last.action FROM alerts a
        LEFT JOIN (SELECT alert_id, action FROM alert_actions
                   QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY action_id DESC) = 1)
             last USING (alert_id)
        WHERE a.alert_id = ?
        """,
        [alert_id],
    ).fetchall()
    if not found:
        raise ValueError(f"alert {alert_id}: no such alert")
    latest = found[0][1]
    if latest == "close" and action != "reopen":
        raise ValueError(f"alert {alert_id} is closed: reopen it first")
    if action == "reopen" and latest != "close":
        raise ValueError(f"alert {alert_id} is not closed")
    occurred = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return con.execute(
        "INSERT INTO alert_actions (alert_id, occurred_at, actor, role, action, assignee, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING action_id",
        [alert_id, occurred, actor.strip(), role, action, assignee, note],
    ).fetchall()[0][0]


def inbox_state(con: duckdb.DuckDBPyConnection, alert_ids: list[int]) -> pd.DataFrame:
    """Per alert: its state, who it is assigned to, when and by whom it was first acknowledged,
    the minutes that took, and the last note; an alert nobody touched is "New"."""
    frame = con.execute(
        """
        WITH steps AS (
            SELECT * FROM alert_actions WHERE list_contains(?::BIGINT[], alert_id)
        ),
        latest AS (
            SELECT alert_id, action, occurred_at AS updated_at, actor AS updated_by FROM steps
            QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY action_id DESC) = 1
        ),
        acknowledged AS (  -- any first step counts as seeing the alert
            SELECT alert_id, occurred_at AS acknowledged_at, actor AS acknowledged_by FROM steps
            QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY action_id) = 1
        ),
        assigned AS (
            SELECT alert_id, assignee FROM steps WHERE action = 'assign'
            QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY action_id DESC) = 1
        ),
        noted AS (
            SELECT alert_id, note FROM steps WHERE note IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY action_id DESC) = 1
        )
        SELECT a.alert_id, l.action, l.updated_at, l.updated_by, k.acknowledged_at,
               k.acknowledged_by,
               date_diff('second', a.created_at, k.acknowledged_at) / 60.0
                   AS minutes_to_acknowledge,
               s.assignee, n.note
        FROM alerts a
        LEFT JOIN latest l USING (alert_id)
        LEFT JOIN acknowledged k USING (alert_id)
        LEFT JOIN assigned s USING (alert_id)
        LEFT JOIN noted n USING (alert_id)
        WHERE list_contains(?::BIGINT[], a.alert_id)
        ORDER BY a.alert_id
        """,
        [alert_ids, alert_ids],
    ).df()
    frame["state"] = frame["action"].map(lambda step: STATES[None if pd.isna(step) else step])
    return frame.drop(columns="action")


def history(con: duckdb.DuckDBPyConnection, alert_id: int) -> pd.DataFrame:
    """Every step of one alert, oldest first."""
    return con.execute(
        "SELECT occurred_at, actor, role, action, assignee, note FROM alert_actions "
        "WHERE alert_id = ? ORDER BY action_id",
        [alert_id],
    ).df()
