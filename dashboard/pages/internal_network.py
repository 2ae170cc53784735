"""Internal communications: who talks to whom across departments and locations, the silos, and
the people who bridge them.

Reads ``network_flow`` (monthly edges between reported groups) and ``network_people`` (the last
90 days' centrality), both stored by `pulse analyze` and folded by the privacy floor. With
department, location or employee-type filters in the sidebar, the flow, its share and the E-I
indexes count the interactions that involve a selected person (computed live: the stored flow
holds no person), only the chosen groups are rows when the view's own segment is filtered, and
the bridging people are those the filters select.
"""

import streamlit as st

from dashboard import data
from dashboard.components import columns, internal_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table

SEGMENTS = {"department": "Departments", "location": "Locations"}

st.title("Network and silos")
filters = sidebar_filters(with_brands=False, internal=True)
selected = bool(filters.departments or filters.locations or filters.employee_types)
st.caption(
    "Interactions are replies, reactions and mentions between two employees; groups of "
    f"fewer than {data.settings().privacy.min_group_size} people are reported as "
    "“Other”."
)
if selected:
    st.caption(
        "With the sidebar's departments, locations or employee types, only the "
        "interactions that involve a selected person (made or received) count; when "
        "the groups shown are the ones filtered, only those groups are rows."
    )


def withheld(result) -> bool:
    """Say so, and draw nothing, when the privacy floor forbids the selection."""
    reason = result.get("withheld") if isinstance(result, dict) else result.attrs.get("withheld")
    if reason:
        states.empty(f"Figures for this selection are withheld: {reason}.")
    return bool(reason)


with states.section("Cross-group flow"):
    segment = (
        st.segmented_control(
            "Between",
            list(SEGMENTS),
            format_func=SEGMENTS.get,
            default="department",
            key="flow_segment",
            required=True,
        )
        or "department"
    )
    share = data.flow_share(filters, segment)
    if not withheld(share):
        st.metric(
            f"Interactions across {segment} lines",
            "n/a" if share["value"] is None else f"{share['value']:.1f}%",
            help=f"{share['numerator']:,} of {share['denominator']:,} interactions link "
            f"two different {segment}s.",
        )
        matrix = data.flow_matrix(filters, segment)
        chart_with_summary(*internal_charts.flow_matrix(matrix, segment))
        table(
            matrix,
            f"{segment} flow",
            column_config={
                "source": "From",
                "target": "To",
                "edges": columns.count("Interactions"),
                "share_of_source": columns.percent("Share of the row"),
            },
        )

with states.section("Silos"):
    st.subheader("Silos: E-I index")
    ei = data.ei_index(filters, segment)
    if not withheld(ei):
        st.caption(
            "E-I index = (external - internal) / (external + internal) interactions: -1 "
            "talks only to itself, +1 only to others; at -0.6 or below a group is a "
            "silo."
        )
        table(
            ei,
            f"{segment} ei index",
            column_config={
                segment: segment.capitalize(),
                "external": columns.count("With other groups"),
                "internal": columns.count("Within the group"),
                "ei_index": columns.score("E-I index", "%+.2f"),
            },
        )

with states.section("Bridging people"):
    st.subheader("Bridging people")
    bridges = data.bridging_people(filters, limit=15)
    if bridges.empty:
        states.empty(
            "No bridging people among the selected people."
            if selected
            else "No bridging people stored yet.",
            None if selected else "pulse analyze",
        )
    else:
        who = "person" if len(bridges) == 1 else "people"
        among = " among those selected" if selected else ""
        st.caption(
            f"The {len(bridges)} {who}{among} with the highest betweenness who link at "
            "least three departments, over the last 90 days of data (not the sidebar's "
            "dates)."
        )
        table(
            bridges[["person", "department", "persona", "departments_linked", "betweenness"]],
            "bridging people",
            column_config={
                "person": st.column_config.TextColumn(
                    "Person", help="Pseudonymised at import: the same person on every page."
                ),
                "department": "Department",
                "persona": "Persona",
                "departments_linked": columns.count("Departments linked"),
                "betweenness": st.column_config.NumberColumn("Betweenness", format="%.4f"),
            },
        )
