"""The read behind the audit log page: who did what, for the roles that may look."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from dashboard.data import session
from dashboard.data.cache import QUERIES, query


def _audit_events(
    con, start: date, end: date, actor: str | None, action: str | None, limit: int, role: str | None
) -> pd.DataFrame:
    from socialpulse import audit

    midnight = datetime.min.time()
    return audit.read(
        con,
        since=datetime.combine(start, midnight),
        until=datetime.combine(end + timedelta(days=1), midnight),
        actor=actor,
        action=action,
        limit=limit,
    )


QUERIES.update({"audit_events": _audit_events})


def audit_events(
    db: str,
    start: date,
    end: date,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 5000,
    role: str | None = None,
) -> pd.DataFrame | None:
    """The audit events of the days ``start`` to ``end`` (UTC), newest first, or None when
    ``role`` may not read the log.

    Cached like every query, which is safe here although each page view writes an event: the
    key holds the warehouse version, which every write moves on, so the log is never a step
    behind. The role is in the key too, so what one role was given never reaches another.
    """
    if not session.may(role, "page:audit"):
        return None
    return query("audit_events", db, start, end, actor, action, limit, role)
