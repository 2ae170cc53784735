"""Governance: the audit log for auditors and admins, filtered and exported.

Read through ``data.audit_events`` like every other figure: its cache key holds the warehouse
version, which each event written moves on (this page's own view included), so the log shown is
never a step behind. Its downloads are gated by ``export`` and are audit events themselves.
"""

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard import auth, data
from dashboard.components import columns, states
from dashboard.components.filters import freshness_sidebar
from dashboard.components.tables import table
from socialpulse import audit

LIMIT = 5000

st.title("Audit log")
if not auth.allowed("page:audit"):
    st.error("Your role may not see the audit log.", icon=":material/block:")
    st.stop()
db = freshness_sidebar()

left, middle, right = st.columns([2, 2, 2], vertical_alignment="bottom")
today = datetime.now(UTC).date()
chosen = left.date_input("From - to (UTC)", (today - timedelta(days=30), today), key="audit_range")
actor = middle.text_input("Who", key="audit_actor", placeholder="any user").strip() or None
action = right.selectbox(
    "Action",
    audit.ACTIONS,
    index=None,
    key="audit_action",
    placeholder="any action",
    format_func=audit.ACTION_NAMES.get,
)
start, end = (chosen[0], chosen[-1]) if chosen else (today, today)

with states.section("Audit log"):
    events = data.audit_events(db, start, end, actor, action, LIMIT, auth.current_role())
    if events is None or events.empty:
        states.empty(f"No audit event from {start:%-d %b %Y} to {end:%-d %b %Y} matches.")
    else:
        latest = f" (the latest {LIMIT:,})" if len(events) == LIMIT else ""
        st.caption(
            f"{len(events):,} events from {start:%-d %b %Y} to {end:%-d %b %Y}, "
            f"newest first{latest}."
        )
        table(
            columns.filled(events.assign(action=events["action"].map(audit.ACTION_NAMES))),
            "audit log",
            column_config={
                "event_id": "Event",
                "occurred_at": columns.moment(),
                "actor": "Who",
                "role": "Role",
                "action": "Action",
                "target": "Target",
                "filters": "Filters",
                "detail": "Detail",
            },
        )
