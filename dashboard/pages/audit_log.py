"""Governance: the audit log for auditors and admins, filtered and exported.

Read straight from ``audit_log`` on each run, not from the query cache: every page view adds a
row, so a cached copy would always be one step behind. Filters are parameters of
``audit.read``; the export is itself an audit event.
"""

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard import auth
from dashboard.components import states
from dashboard.components.filters import require_warehouse
from dashboard.components.tables import csv_bytes
from socialpulse import audit
from socialpulse.warehouse import open_warehouse

LIMIT = 5000

st.title("Audit log")
if not auth.allowed("page:audit"):
    st.error("Your role may not see the audit log.", icon=":material/block:")
    st.stop()
db = require_warehouse()

left, middle, right = st.columns([2, 2, 2], vertical_alignment="bottom")
today = datetime.now(UTC).date()
chosen = left.date_input("From - to (UTC)", (today - timedelta(days=30), today), key="audit_range")
actor = middle.text_input("Who", key="audit_actor", placeholder="any user").strip() or None
action = right.selectbox("Action", audit.ACTIONS, index=None, key="audit_action",
                         placeholder="any action")
start, end = (chosen[0], chosen[-1]) if chosen else (today, today)

with states.section("Audit log"):
    with open_warehouse(db, read_only=True) as con:
        events = audit.read(con, since=datetime.combine(start, datetime.min.time()),
                            until=datetime.combine(end + timedelta(days=1), datetime.min.time()),
                            actor=actor, action=action, limit=LIMIT)
    if events.empty:
        states.empty(f"No audit event from {start:%d %b %Y} to {end:%d %b %Y} matches.")
    else:
        latest = f" (the latest {LIMIT:,})" if len(events) == LIMIT else ""
        st.caption(f"{len(events):,} events from {start:%d %b %Y} to {end:%d %b %Y}, newest "
                   f"first{latest}.")
        st.dataframe(events, hide_index=True, column_config={
            "event_id": "Event", "occurred_at": st.column_config.DatetimeColumn("When (UTC)"),
            "actor": "Who", "role": "Role", "action": "Action", "target": "Target",
            "filters": "Filters", "detail": "Detail"})
        filters = {"from": start, "to": end, "actor": actor, "action": action}
        st.download_button("CSV", csv_bytes(events), "socialpulse-audit-log.csv", "text/csv",
                           key="csv-audit-log", icon=":material/download:",
                           disabled=not auth.allowed("export"),
                           on_click=auth.record_export, args=("audit-log", filters))
