"""Internal communications: who talks to whom across departments and locations, the silos, and
the people who bridge them.

Reads ``network_flow`` (monthly edges between reported groups) and ``network_people`` (the last
90 days' centrality), both stored by `pulse analyze` and folded by the privacy floor.
"""

import streamlit as st

from dashboard import data
from dashboard.components import internal_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table

SEGMENTS = {"department": "Departments", "location": "Locations"}

st.title("Network and silos")
filters = sidebar_filters(with_brands=False)
st.caption("Interactions are replies, reactions and mentions between two employees; groups of "
           f"fewer than {data.settings().privacy.min_group_size} people are reported as "
           "“Other”.")

with states.section("Cross-group flow"):
    segment = st.segmented_control("Between", list(SEGMENTS), format_func=SEGMENTS.get,
                                   default="department", key="flow_segment",
                                   required=True) or "department"
    share = data.flow_share(filters, segment)
    st.metric(f"Interactions across {segment} lines",
              "n/a" if share["value"] is None else f"{share['value']:.1f}%",
              help=f"{share['numerator']:,} of {share['denominator']:,} interactions link two "
                   f"different {segment}s.")
    matrix = data.flow_matrix(filters, segment)
    chart_with_summary(*internal_charts.flow_matrix(matrix, segment))
    table(matrix, f"{segment} flow", column_config={
        "share_of_source": st.column_config.NumberColumn("Share of row (%)", format="%.1f")})

with states.section("Silos"):
    st.subheader("Silos: E-I index")
    ei = data.ei_index(filters, segment)
    st.caption("E-I index = (external - internal) / (external + internal) interactions: -1 talks "
               "only to itself, +1 only to others; at -0.6 or below a group is a silo.")
    table(ei, f"{segment} ei index", column_config={
        "ei_index": st.column_config.NumberColumn("E-I index", format="%+.2f")})

with states.section("Bridging people"):
    st.subheader("Bridging people")
    bridges = data.bridging_people(filters.db, limit=15)
    if bridges.empty:
        states.empty("No bridging people stored yet.", "pulse analyze")
    else:
        st.caption(f"The {len(bridges)} people with the highest betweenness who link at least "
                   "three departments, over the last 90 days of data (not the sidebar's dates).")
        table(bridges, "bridging people", column_config={
            "betweenness": st.column_config.NumberColumn("Betweenness", format="%.4f")})
