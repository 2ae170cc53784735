"""Who is editing, and whether they may: the session's user and role, as login will set them.

Until login lands no role is set and the dashboard is open to whoever reaches it, as the
sentiment correction is; once a role is set, an edit is offered only where socialpulse/access.py
allows it. Every edit is written with its audit event (``dashboard.data``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from dashboard import data
from socialpulse.warehouse import WarehouseError

DEFAULT_ACTOR = "dashboard"
log = logging.getLogger("dashboard")
T = TypeVar("T")


def role() -> str | None:
    return st.session_state.get("role")


def actor() -> str:
    return st.session_state.get("user") or DEFAULT_ACTOR


def may_edit(action: str) -> bool:
    current = role()
    return current is None or data.may(current, action)


def message(key: str) -> None:
    """Show, once, what the last save said (set by a callback before the rerun): one
    ``(kind, text)`` or a list of them, one line each (a save of several rows)."""
    found = st.session_state.pop(key, None)
    for kind, text in [found] if isinstance(found, tuple) else found or []:
        getattr(st, kind)(text)


def attempt(
    write: Callable[[], T], what: str, subject: str | None = None
) -> tuple[T | None, str | None]:
    """Run a save: ``(its result, None)``, or ``(None, why it was not saved)`` in one line. A
    refused value or a busy warehouse says why; anything else is logged as ``what`` failing
    and said as an internal error (of ``subject`` when several things are saved at once)."""
    try:
        return write(), None
    except (ValueError, WarehouseError) as error:
        return None, f"Not saved: {error}"
    except Exception:
        log.exception("%s failed", what)
        of = f": {subject}," if subject else ""
        return None, (
            f"Not saved{of} because of an internal error (it has been logged); try "
            "again in a moment."
        )
