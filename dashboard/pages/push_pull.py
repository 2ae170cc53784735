"""Internal communications: whether announcements reach people and check-ins get answers, by
department and location.

Reads ``push_pull``, stored by `pulse analyze` with departments and locations folded by the
privacy floor. The names of the people who have not answered a check-in are shown only to a
role allowed to see them (``see_non_responders`` in socialpulse/access.py): none without a
signed-in role.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import internal_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table

SEGMENTS = {"department": "Department", "location": "Location"}
CHOSEN = {"department": "departments", "location": "locations"}

st.title("Announcements and check-ins")
filters = sidebar_filters(with_brands=False, internal=True)
segment = st.segmented_control("By", list(SEGMENTS), format_func=SEGMENTS.get,
                               default="department", key="push_segment",
                               required=True) or "department"
chosen = getattr(filters, CHOSEN[segment])


def _chosen(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["segment_value"].isin(chosen)] if chosen else frame


with states.section("Announcements"):
    st.subheader("Announcements: engaged reach")
    reach = _chosen(data.announcement_reach(filters, segment))
    chart, summary = internal_charts.rates_by_segment(
        reach.rename(columns={"reached": "responded"}), "Reach",
        "Announcement reach by " + segment, "reached")
    chart_with_summary(chart, summary)
    st.caption("Reach counts the audience who reacted or replied: exports do not say who read.")
    table(data.announcement_reach(filters), "announcements", column_config={
        "reach": st.column_config.NumberColumn("Reach (%)", format="%.1f")})

with states.section("Check-ins"):
    st.subheader("Check-ins: answer rate")
    answers = _chosen(data.check_in_answers(filters, segment))
    chart, summary = internal_charts.rates_by_segment(
        answers.rename(columns={"answered": "responded"}), "Answer rate",
        "Check-in answer rate by " + segment, "answered")
    chart_with_summary(chart, summary)
    check_ins = data.check_in_answers(filters)
    table(check_ins, "check-ins", column_config={
        "answer_rate": st.column_config.NumberColumn("Answer rate (%)", format="%.1f")})

with states.section("Who has not answered"):
    role = st.session_state.get("role")
    if not data.may(role, "see_non_responders"):
        st.caption("The names of the people who have not answered a check-in are shown only to "
                   "the roles allowed to see them (admin, internal communications), once signed "
                   "in.")
    elif check_ins.empty:
        states.empty("No check-in was sent in this period.")
    else:
        st.subheader("Who has not answered")
        labels = dict(zip(check_ins["post_id"], check_ins["created_at"].astype(str) + " · "
                          + check_ins["headline"], strict=False))
        post_id = st.selectbox("Check-in", list(labels), format_func=labels.get,
                               key="check_in")
        missing = data.non_responders(filters.db, post_id, role)
        st.caption(f"{len(missing):,} people of the audience have not answered.")
        table(missing, "non responders")
