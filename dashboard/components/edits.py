"""Who is editing, and whether they may: the session's user and role, as login will set them.

Until login lands no role is set and the dashboard is open to whoever reaches it, as the
sentiment correction is; once a role is set, an edit is offered only where socialpulse/access.py
allows it. Every edit is written with its audit event (``dashboard.data``).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data

DEFAULT_ACTOR = "dashboard"


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
