"""Internal communications: who takes part in the employee network, by segment."""

import streamlit as st

from dashboard import data
from dashboard.components import charts
from dashboard.components.filters import sidebar_filters

SEGMENTS = {"All employees": None, "Department": "department", "Location": "location",
            "Employee type": "employee_type"}

st.title("Internal engagement")
filters = sidebar_filters(with_brands=False)
segment_label = st.segmented_control("Break down by", list(SEGMENTS), default="All employees")
segment = SEGMENTS.get(segment_label or "All employees")

weekly = data.active_people_per_week(filters.db, filters.start, filters.end, segment)
charts.show(*charts.active_people_per_week(weekly))
st.caption(f"Groups of fewer than {data.settings().privacy.min_group_size} people are "
           "reported together as 'Other'.")

st.subheader("Crisis check-ins")
check_ins = data.check_ins(filters.db, filters.start, filters.end)
if check_ins.empty:
    st.write("No check-in was sent in this period.")
else:
    st.dataframe(
        check_ins.drop(columns="post_id"), hide_index=True,
        column_config={
            "created_at": "Sent", "channel": "Channel", "audience": "Audience",
            "answered": "Answered",
            "answer_rate": st.column_config.NumberColumn("Answer rate", format="%.1f%%"),
            "median_minutes_to_answer": st.column_config.NumberColumn(
                "Median time to answer (min)", format="%.0f"),
        },
    )
