"""Executive: the headline KPIs against the targets set in configuration, with traffic lights,
and the one-page report to download and forward.

Reads the stored roll-ups only (``brand_daily``, ``internal_metrics``, ``push_pull``): a filter
change costs milliseconds whatever the number of mentions.
"""

import streamlit as st

from dashboard import auth, data, report
from dashboard.components import change, executive_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table

st.title("KPI scorecard")
filters = sidebar_filters(with_brands=False)

with states.section("KPIs"):
    scorecard = data.kpis_with_trend(filters)
    chart_with_summary(*executive_charts.kpi_traffic_lights(scorecard))
    span = "day" if filters.period.days == 1 else f"{filters.period.days:,} days"
    shown = scorecard.assign(
        change=[
            change.points(now, before) or "n/a"
            for now, before in zip(scorecard["value"], scorecard["previous"], strict=True)
        ]
    )
    table(
        shown[["kpi", "value", "target", "status", "change", "trend", "definition"]],
        "kpi scorecard",
        column_config={
            "kpi": "KPI",
            "value": st.column_config.NumberColumn("Actual (%)", format="%.1f"),
            "target": st.column_config.NumberColumn("Target (%)", format="%.1f"),
            "status": "Status",
            "change": st.column_config.TextColumn(
                "Change", help=change.against(filters.period.days)
            ),
            "trend": st.column_config.LineChartColumn(
                "Trend", help=f"The last six periods of {span}, this one last."
            ),
            "definition": "Definition",
        },
    )
    with st.expander("Details for analysts"):
        table(
            scorecard[["kpi", "met", "numerator", "denominator"]],
            "kpi scorecard details",
            column_config={
                "kpi": "KPI",
                "met": "Met",
                "numerator": st.column_config.NumberColumn("Numerator", format="localized"),
                "denominator": st.column_config.NumberColumn("Denominator", format="localized"),
            },
        )
    st.caption(
        "Targets come from the [kpi_targets] section of the configuration file; “near” "
        "is less than 5 points below the target."
    )

with states.section("One-page report"):
    st.subheader("One-page report")
    st.caption(
        "KPIs, the period's crises, maturity stage scores and ROI of these dates in one "
        "self-contained HTML file (charts included) or a PDF, to forward."
    )
    # The executive report is for everyone who sees this page; raw table downloads need export.
    if not auth.current_user() or auth.allowed("report"):
        name = report.report_name(filters)
        # Audited when built (a click's rerun would race the download for the warehouse).
        st.download_button(
            "Download the report",
            report.report_builder(filters, auth.recorder("export", name)),
            name,
            "text/html",
            key="report",
            icon=":material/download:",
            on_click="ignore",
        )
        pdf_name = name.removesuffix(".html") + ".pdf"
        st.download_button(
            "Download as PDF",
            report.report_builder(filters, auth.recorder("export", pdf_name), kind="pdf"),
            pdf_name,
            "application/pdf",
            key="report_pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
        )
        st.caption("`pulse report --email ADDRESS --every 1w` sends it on a schedule.")
    else:
        st.caption("Your role may not download the report; ask an analyst or an executive.")
