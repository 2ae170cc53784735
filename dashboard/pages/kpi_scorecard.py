"""Executive: the headline KPIs against the targets set in configuration."""

import streamlit as st

from dashboard import data
from dashboard.components import charts
from dashboard.components.filters import sidebar_filters

st.title("KPI scorecard")
filters = sidebar_filters(with_brands=False)
scorecard = data.kpi_scorecard(filters.db, filters.start, filters.end)

charts.show(*charts.kpis_against_targets(scorecard))
st.dataframe(
    scorecard,
    hide_index=True,
    column_config={
        "kpi": "KPI",
        "value": st.column_config.NumberColumn("Value (%)", format="%.1f"),
        "target": st.column_config.NumberColumn("Target (%)", format="%.1f"),
        "met": "Met", "numerator": "Numerator", "denominator": "Denominator",
        "definition": "Definition",
    },
)
st.caption("Targets come from the [kpi_targets] section of the configuration file.")
