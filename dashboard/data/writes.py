"""The dashboard's few writes: sentiment corrections, questionnaire answers, ROI assumption
changes, the alert inbox's steps and check-in reminders, each stored with its audit event on a
short read-write connection.

The cached results need no clearing after a write: it changes the warehouse file, so the next
read is a new version (``cache.warehouse_version``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from dashboard import reader
from dashboard.data import session
from socialpulse.warehouse import (
    WarehouseError,
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseOutdatedError,
    open_warehouse,
)

CORRECTION_WAIT_SECONDS = 10


def _allowed(role: str | None, action: str, what: str) -> None:
    """Refuse ``action`` to a signed-in role without it, in one line; a call outside a session
    (a script, no role) is not a role's and is allowed."""
    from socialpulse.access import can

    if role is not None and not can(role, action):
        raise ValueError(f"the {role} role may not {what}")


def write(db: str, action: Callable[[object], object]):
    """Run ``action(con)`` on a short read-write connection and return what it returns.

    A collector holding the warehouse is waited for (``open_warehouse``); so is another session
    of this server reading it, since DuckDB refuses a read-write open in a process that has the
    file open read-only. A missing warehouse is never created here.
    """
    if not Path(db).exists():
        raise WarehouseMissingError(f"{db}: no warehouse here; build the demo with `pulse demo`")
    deadline = time.monotonic() + CORRECTION_WAIT_SECONDS
    reader.release(db, CORRECTION_WAIT_SECONDS)
    while True:
        try:
            with open_warehouse(db, wait_seconds=CORRECTION_WAIT_SECONDS) as con:
                return action(con)
        except (WarehouseLockedError, WarehouseMissingError, WarehouseOutdatedError):
            raise
        except WarehouseError:
            if time.monotonic() > deadline:
                raise WarehouseLockedError(
                    f"{db}: the warehouse stayed busy with readers; try again in a moment"
                ) from None
            time.sleep(0.2)


def correct_sentiment(db: str, post_id: str, label: str, by: str | None = None) -> None:
    """Store a human sentiment label, and its audit event, as `pulse sentiment correct` does.

    The warehouse is opened read-write only for this one statement (``write``). In a signed-in
    session the correction is the user's, and refused to a role without
    ``sentiment_correction``; a call outside a session (a script) acts as "dashboard".
    """
    from analysis.brand_daily import refresh_days_of
    from analysis.sentiment import correct
    from socialpulse import audit

    role = session.session_role()
    _allowed(role, "sentiment_correction", "correct sentiment")
    by = by or session.session_user() or "dashboard"

    def store(con) -> None:
        correct(con, post_id, label, by)
        refresh_days_of(con, [post_id])  # the day's counts and net sentiment, now
        audit.record(con, by, role, "sentiment_correction", post_id, detail=label)

    write(db, store)


def answer_question(
    db: str,
    question_id: str,
    answer: str,
    by: str,
    role: str | None = None,
    note: str | None = None,
) -> int:
    """Store a questionnaire answer and its audit event, as `pulse maturity answer` does."""
    from analysis.maturity import check_answer, record_answer
    from socialpulse import audit

    check_answer(question_id, answer, by)

    def store(con) -> int:
        answer_id = record_answer(con, question_id, answer, by, note)
        audit.record(con, by, role, "questionnaire_answer", question_id, detail=answer)
        return answer_id

    return write(db, store)


def set_roi_assumption(
    db: str,
    name: str,
    low: float,
    base: float,
    high: float,
    by: str,
    role: str | None = None,
    note: str | None = None,
) -> dict:
    """Store an ROI assumption change and its audit event, as `pulse roi set` does."""
    from analysis.roi_assumptions import set_assumption
    from socialpulse import audit

    def store(con) -> dict:
        change = set_assumption(
            con, name, base, low, high, changed_by=by, note=note, settings=session.settings()
        )
        audit.record(
            con, by, role, "roi_edit", name, detail=f"low {low:g}, base {base:g}, high {high:g}"
        )
        return change

    return write(db, store)


def update_alert(
    db: str,
    alert_id: int,
    action: str,
    by: str,
    role: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
) -> int:
    """Store one step of an alert's workflow (acknowledge, assign, close, reopen) and its audit
    event; refused to a role without ``triage_alerts``."""
    from analysis.alert_inbox import record_action
    from socialpulse import audit

    _allowed(role, "triage_alerts", "handle alerts")

    def store(con) -> int:
        step = record_action(con, alert_id, action, by, role, assignee, note)
        detail = action + (f" to {assignee.strip()}" if action == "assign" and assignee else "")
        audit.record(con, by, role, "alert_update", f"alert {alert_id}", detail=detail)
        return step

    return write(db, store)


def remind_non_responders(
    db: str,
    post_id: str,
    text: str,
    by: str,
    role: str | None = None,
    people: set[str] | None = None,
):
    """Remind privately, on Slack, who has not answered check-in ``post_id``
    (``analysis/check_in_reminders.py``); audited with the counts only. Refused to a role
    without ``send_reminders``."""
    from analysis.check_in_reminders import remind_non_responders as remind
    from analysis.check_in_reminders import slack_client
    from socialpulse import audit
    from socialpulse.privacy import load_key

    _allowed(role, "send_reminders", "send reminders")
    client = slack_client()

    def send(con):
        sent = remind(con, post_id, text, load_key(), client, people)
        audit.record(
            con,
            by,
            role,
            "reminder_sent",
            post_id,
            detail=f"{sent.reminded} reminded, {sent.unreachable} not reachable",
        )
        return sent

    return write(db, send)
