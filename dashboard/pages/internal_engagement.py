"""Internal communications: who takes part in the employee network, how evenly, and where.

Reads the weekly and monthly figures `pulse analyze` stored in ``internal_metrics`` (already
folded by the privacy floor), one segment type at a time, so the sidebar's filters pick which
series are drawn (``data.series_scope`` states the rule, and the page says it in a caption).
The headline figures ask ``internal_summaries`` (this period and the previous one) for exactly
the people the filters select; the department x location heatmap is one query for the whole
grid (``analysis/heatmap.py``), which withholds small cells and the cells that would reveal
them by differencing.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import change, columns, internal_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import duration_text, series_table, table

BREAKDOWNS = {
    "all": "Everyone",
    "department": "Department",
    "location": "Location",
    "employee_type": "Employee type",
}

PERCENT = "{:.1f}%".format


def _of(figure: dict) -> str:
    """'412 of 599 people.' behind a rate, or nothing when it has no count."""
    numerator, denominator = figure.get("numerator"), figure.get("denominator")
    if numerator is None or denominator is None:
        return ""
    return f"{numerator:,.0f} of {denominator:,.0f}."


st.title("Internal engagement")
filters = sidebar_filters(with_brands=False, internal=True)
floor = data.settings().privacy.min_group_size
st.caption(
    f"Groups of fewer than {floor} people are reported together as “Other”, or withheld; "
    "figures come from the last `pulse analyze`."
)

with states.section("Headline figures"):
    summary, earlier = data.internal_summary_and_previous(filters)
    if summary["withheld"]:
        states.empty(
            f"Figures for this selection are withheld: {summary['reason']}. {summary['detail']}"
        )
    else:
        figures = summary["metrics"]
        before = {} if earlier["withheld"] else earlier["metrics"]
        against = change.against(filters.period.days)
        boxes = st.columns(4)
        boxes[0].metric(
            "Active employees",
            f"{figures['active_people']['value']:,}",
            change.percent(
                figures["active_people"]["value"], before.get("active_people", {}).get("value")
            ),
            help=f"People with a post, reply, reaction or mention in the period. {against}",
        )
        for column, (name, label) in zip(
            boxes[1:],
            (
                ("interactive_users", "Interactive users"),
                ("stickiness", "Stickiness"),
                ("reply_rate", "Reply rate"),
            ),
            strict=True,
        ):
            value = figures[name]["value"]
            column.metric(
                label,
                "n/a" if value is None else f"{value:.1f}%",
                change.points(value, before.get(name, {}).get("value")),
                help=f"{_of(figures[name])} {against}",
            )


def say_scope(segment_type: str = "all") -> None:
    """One line saying which stored series stand for the filtered people, where it is not
    simply the breakdown asked for."""
    _, note = data.series_scope(filters, segment_type)
    if note:
        st.caption(note)


with states.section("Active users and stickiness"):
    st.subheader("Active users and stickiness")
    split = (
        st.segmented_control(
            "Break down by",
            list(BREAKDOWNS),
            format_func=BREAKDOWNS.get,
            default="all",
            key="breakdown",
            required=True,
        )
        or "all"
    )
    say_scope(split)
    active = data.internal_series(filters, "wau", "week", split)
    chart_with_summary(
        *internal_charts.metric_trend(
            active, "Active employees per week", "Active people", what="Active employees"
        )
    )
    sticky = data.internal_series(filters, "stickiness", "week", split)
    chart_with_summary(
        *internal_charts.metric_trend(
            sticky, "Stickiness (DAU / MAU) per week", "Stickiness (%)", unit="%", what="Stickiness"
        )
    )
    series_table(
        {"Active employees": (active, "{:,.0f}".format), "Stickiness": (sticky, PERCENT)},
        "active users and stickiness",
        group=BREAKDOWNS[split] if split != "all" else "Group",
    )

with states.section("Participation inequality"):
    st.subheader("Participation inequality")
    say_scope()
    monthly = pd.concat(
        [
            data.internal_series(filters, metric, "month").assign(metric=metric)
            for metric in ("lurker_share", "contributor_share", "top1_contribution_share", "gini")
        ],
        ignore_index=True,
    )
    chart_with_summary(*internal_charts.participation_inequality(monthly))
    series_table(
        {
            label: (monthly[monthly["metric"] == metric], spell)
            for metric, label, spell in (
                ("lurker_share", "Lurkers", PERCENT),
                ("contributor_share", "Contributors", PERCENT),
                ("top1_contribution_share", "Top 1% share of contributions", PERCENT),
                ("gini", "Inequality (Gini)", "{:.2f}".format),
            )
        },
        "participation inequality",
        grain="month",
    )

with states.section("Engagement by department and location"):
    st.subheader("Engagement by department and location")
    cells = data.engagement_heatmap(filters)
    st.caption(
        f"Interactive users in the period for the people the filters select. A cell of "
        f"fewer than {floor} people is withheld, and so is one more cell of a row or "
        "column whose withheld cells would otherwise add up to fewer than "
        f"{floor} people, since the row and column totals are shown elsewhere."
    )
    chart_with_summary(*internal_charts.segment_heatmap(cells, "Interactive users"))
    shown = cells.assign(
        value=columns.as_text(cells["value"], PERCENT).where(~cells["withheld"], "Withheld"),
        people=columns.as_text(cells["people"], "{:,.0f}".format).where(~cells["withheld"], "–"),
    )
    table(
        shown[["department", "location", "people", "value"]],
        "engagement by department and location",
        column_config={
            "department": "Department",
            "location": "Location",
            "people": "People",
            "value": "Interactive users",
        },
    )

with states.section("Replies"):
    st.subheader("Reply rate and time to first reply")
    say_scope()
    rate = data.internal_series(filters, "reply_rate", "week")
    chart_with_summary(
        *internal_charts.metric_trend(
            rate, "Threads answered per week", "Reply rate (%)", unit="%", what="The reply rate"
        )
    )
    minutes = data.internal_series(filters, "median_minutes_to_first_reply", "week")
    chart_with_summary(
        *internal_charts.metric_trend(
            minutes,
            "Median time to first reply",
            "Minutes",
            unit=" min",
            what="The median time to first reply",
        )
    )
    series_table(
        {
            "Reply rate": (rate, PERCENT),
            "Median time to first reply": (minutes, duration_text),
        },
        "replies",
    )
