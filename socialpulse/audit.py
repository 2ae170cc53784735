"""The append-only audit trail: who did what, when, with which filters.

This module only ever INSERTs into ``audit_log`` and nothing in the code base updates or deletes
its rows (a test greps for it). DuckDB has no triggers or row-level grants, so the database
itself cannot refuse an UPDATE: the guarantee is this single writer plus that test, and a
dashboard that opens the warehouse read-only.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

import duckdb
import pandas as pd

# Every action the log records, and what it is called where people read the log.
ACTION_NAMES: dict[str, str] = {
    "login": "Signed in",
    "login_failed": "Sign-in refused",
    "logout": "Signed out",
    "page_view": "Opened a page",
    "export": "Downloaded",
    "report_sent": "Sent the report by e-mail",
    "search": "Searched",
    "sentiment_correction": "Corrected a sentiment",
    "questionnaire_answer": "Answered the maturity questionnaire",
    "roi_edit": "Changed an ROI assumption",
    "alert_update": "Updated an alert",
    "reminder_sent": "Reminded who has not answered a check-in",
    "user_add": "Added a user",
    "user_remove": "Removed a user",
    "user_list": "Listed the users",
    "archive": "Archived posts",
    "restore": "Restored posts",
    "hold_add": "Placed a legal hold",
    "hold_release": "Released a legal hold",
    "erase": "Erased a person's data",
}
ACTIONS: tuple[str, ...] = tuple(ACTION_NAMES)


def default_actor() -> str:
    """The OS user, for CLI commands run without ``--by``."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    role: str | None,
    action: str,
    target: str | None = None,
    filters: dict | None = None,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Append one event and return its id."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r}: unknown audit action; expected one of {', '.join(ACTIONS)}")
    occurred = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    filters_json = None if filters is None else json.dumps(filters, sort_keys=True, default=str)
    return con.execute(
        "INSERT INTO audit_log (occurred_at, actor, role, action, target, filters, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
        [occurred, actor, role, action, target, filters_json, detail],
    ).fetchall()[0][0]


def read(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Events newest first, optionally narrowed; every filter is a parameter."""
    return con.execute(
        "SELECT event_id, occurred_at, actor, role, action, target, filters, detail "
        "FROM audit_log "
        "WHERE (?::TIMESTAMP IS NULL OR occurred_at >= ?::TIMESTAMP) "
        "  AND (?::TIMESTAMP IS NULL OR occurred_at < ?::TIMESTAMP) "
        "  AND (?::VARCHAR IS NULL OR actor = ?::VARCHAR) "
        "  AND (?::VARCHAR IS NULL OR action = ?::VARCHAR) "
        "ORDER BY event_id DESC LIMIT coalesce(?::BIGINT, 9223372036854775807)",
        [since, since, until, until, actor, actor, action, action, limit],
    ).df()
