"""Charts of the internal communications pages, each with its one-sentence summary.

Every frame drawn here comes from the analysis layer already folded by the privacy floor; a
heatmap cell the floor withholds is drawn grey with the reason in its tooltip, never a number.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.components.theme import PRIMARY

WITHHELD = "withheld"
SHARE_NAMES = {
    "lurker_share": "Lurkers (no contribution)",
    "contributor_share": "Light contributors",
    "top1_share": "Top 1% of contributors",
}


def _week(value) -> str:
    return f"{pd.Timestamp(value):%-d %b %Y}"


def _pct(value) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.0f}%"


def metric_trend(
    series: pd.DataFrame, title: str, y_title: str, unit: str = "", what: str = ""
) -> tuple[alt.Chart, str]:
    """One stored metric per week (or month), a line per segment value."""
    frame = series.dropna(subset=["value"]).rename(columns={"segment_value": "group"})
    chart = (
        alt.Chart(frame, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color("group:N", title=None),
            tooltip=[
                alt.Tooltip("period_start:T", title="From"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("value:Q", title=y_title, format=".1f"),
                alt.Tooltip("numerator:Q", title="Numerator", format=",.1f"),
                alt.Tooltip("denominator:Q", title="Denominator", format=",.1f"),
            ],
        )
        .properties(height=280)
    )
    if frame.empty:
        return chart, (f"No stored {what or y_title.lower()} for this period: run `pulse analyze`.")
    totals = frame.groupby("period_start")["value"].mean()
    first, last = totals.iloc[0], totals.iloc[-1]
    trend = "up" if last > first else "down" if last < first else "flat"
    groups = frame["group"].nunique()
    scope = "" if groups == 1 else f" (mean of {groups} groups)"
    return chart, (
        f"{what or y_title} went from {first:,.1f}{unit} in the week of "
        f"{_week(totals.index[0])} to {last:,.1f}{unit} in that of "
        f"{_week(totals.index[-1])}{scope} ({trend})."
    )


def participation_inequality(monthly: pd.DataFrame) -> tuple[alt.Chart | alt.FacetChart, str]:
    """Nielsen's 90-9-1 per month: lurkers, light contributors and the top 1% of people, which
    add up to everyone in the directory; the top 1%'s share of contributions and the Gini
    coefficient go in the summary. ``monthly``: stored rows of lurker_share,
    contributor_share, top1_contribution_share and gini, one panel per ``segment_value``."""
    if "segment_value" not in monthly.columns:
        monthly = monthly.assign(segment_value="All employees")
    wide = monthly.pivot_table(
        index=["segment_value", "period_start"], columns="metric", values="value"
    )
    wide = wide.reindex(
        columns=["lurker_share", "contributor_share", "top1_contribution_share", "gini"]
    ).dropna(subset=["lurker_share", "contributor_share"])
    wide["top1_share"] = 100 - wide["lurker_share"] - wide["contributor_share"]
    frame = (
        wide[list(SHARE_NAMES)]
        .reset_index()
        .melt(id_vars=["segment_value", "period_start"], var_name="metric", value_name="value")
        .assign(group=lambda df: df["metric"].map(SHARE_NAMES))
    )
    groups = list(dict.fromkeys(frame["segment_value"]))
    title = "Participation inequality (share of the directory)"
    chart = (
        alt.Chart(frame, title=title if len(groups) <= 1 else alt.Undefined)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(period_start):O", title=None),
            y=alt.Y("value:Q", title="Share of employees (%)", stack="zero"),
            color=alt.Color("group:N", title=None, sort=list(SHARE_NAMES.values())),
            tooltip=[
                alt.Tooltip("segment_value:N", title="Who"),
                alt.Tooltip("yearmonth(period_start):T", title="Month"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("value:Q", title="Share (%)", format=".1f"),
            ],
        )
        .properties(height=260 if len(groups) <= 1 else 140)
    )
    if len(groups) > 1:
        chart = chart.facet(row=alt.Row("segment_value:N", title=None, sort=groups), title=title)
    if wide.empty:
        return chart, "No stored participation figures for this period: run `pulse analyze`."
    month = wide.index.get_level_values("period_start").max()
    last = wide.xs(month, level="period_start")
    if len(last) == 1:
        row = last.iloc[0]
        gini = (
            ""
            if pd.isna(row["gini"])
            else (f"; the Gini coefficient of contributions is {row['gini']:.2f}")
        )
        who = "" if last.index[0] == "All employees" else f" in {last.index[0]}"
        return chart, (
            f"In {pd.Timestamp(month):%B %Y}, {_pct(row['lurker_share'])} of "
            f"employees{who} did not contribute, {_pct(row['contributor_share'])} "
            f"contributed a little and the top 1% wrote "
            f"{_pct(row['top1_contribution_share'])} of all contributions{gini}."
        )
    ranked = last["lurker_share"].sort_values()
    return chart, (
        f"In {pd.Timestamp(month):%B %Y}, the share of employees who did not "
        f"contribute ranged from {_pct(ranked.iloc[0])} in {ranked.index[0]} to "
        f"{_pct(ranked.iloc[-1])} in {ranked.index[-1]} across {len(ranked)} "
        "groups."
    )


def segment_heatmap(cells: pd.DataFrame, label: str) -> tuple[alt.LayerChart, str]:
    """Department x location: the value of each cell, withheld cells grey, never a number."""
    frame = cells.assign(
        shown=lambda df: df["value"].where(~df["withheld"].astype(bool)),
        text=lambda df: [
            WITHHELD if w else ("n/a" if pd.isna(v) else f"{v:.0f}")
            for w, v in zip(df["withheld"], df["value"], strict=True)
        ],
        note=lambda df: df["reason"].fillna(""),
    )
    frame = frame.drop(columns=["value", "people", "numerator", "denominator"], errors="ignore")
    base = alt.Chart(frame, title=f"{label} by department and location").encode(
        x=alt.X("location:N", title=None, sort=list(dict.fromkeys(cells["location"]))),
        y=alt.Y("department:N", title=None, sort=list(dict.fromkeys(cells["department"]))),
    )
    tiles = base.mark_rect(stroke="white").encode(
        color=alt.Color("shown:Q", title=f"{label} (%)", scale=alt.Scale(scheme="blues")),
        tooltip=[
            "department:N",
            "location:N",
            alt.Tooltip("text:N", title=label),
            alt.Tooltip("note:N", title="Withheld because"),
        ],
    )
    texts = base.mark_text(fontSize=11).encode(text="text:N")
    chart = alt.layer(tiles, texts).properties(height=alt.Step(40))
    shown = frame.dropna(subset=["shown"])
    withheld = int(frame["withheld"].astype(bool).sum())
    note = (
        f"; {withheld} cell{'s' if withheld != 1 else ''} of fewer than the privacy floor withheld"
        if withheld
        else ""
    )
    if shown.empty:
        return chart, f"No department and location cell can be shown for this selection{note}."
    top = shown.loc[shown["shown"].idxmax()]
    low = shown.loc[shown["shown"].idxmin()]
    if len(shown) == 1:
        return chart, (
            f"{label} is {top['shown']:.0f}% in {top['department']} at {top['location']}{note}."
        )
    return chart, (
        f"{label} is highest in {top['department']} at {top['location']} "
        f"({top['shown']:.0f}%) and lowest in {low['department']} at "
        f"{low['location']} ({low['shown']:.0f}%){note}."
    )


def flow_matrix(matrix: pd.DataFrame, segment: str) -> tuple[alt.LayerChart, str]:
    """Who talks to whom: each row a source segment, each cell its share of that row's edges."""
    base = alt.Chart(
        matrix, title=f"Cross-{segment} flow (share of each row's interactions)"
    ).encode(
        x=alt.X("target:N", title=f"To {segment}"), y=alt.Y("source:N", title=f"From {segment}")
    )
    tiles = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "share_of_source:Q", title="Share of row (%)", scale=alt.Scale(scheme="purples")
        ),
        tooltip=[
            alt.Tooltip("source:N", title="From"),
            alt.Tooltip("target:N", title="To"),
            alt.Tooltip("edges:Q", title="Interactions", format=","),
            alt.Tooltip("share_of_source:Q", title="Share of row (%)", format=".1f"),
        ],
    )
    texts = base.mark_text(fontSize=10).encode(text=alt.Text("share_of_source:Q", format=".0f"))
    chart = alt.layer(tiles, texts).properties(height=alt.Step(36))
    if matrix.empty:
        return chart, "No stored interactions between groups for this period: run `pulse analyze`."
    inside = matrix[matrix["source"] == matrix["target"]]
    cross = 100 * (1 - inside["edges"].sum() / matrix["edges"].sum())
    between = matrix[matrix["source"] != matrix["target"]]
    top = between.loc[between["edges"].idxmax()] if len(between) else None
    text = f"{cross:.0f}% of the interactions from the {segment}s shown cross {segment} lines"
    if top is not None:
        text += (
            f"; the strongest link is {top['source']} to {top['target']} "
            f"({int(top['edges']):,} interactions)"
        )
    return chart, text + "."


def rates_by_segment(
    frame: pd.DataFrame, rate: str, title: str, what: str
) -> tuple[alt.Chart, str]:
    """Pooled rate per department or location over the posts of the period."""
    pooled = (
        frame.groupby("segment_value", as_index=False)[["audience", "responded"]]
        .sum()
        .assign(rate=lambda df: 100 * df["responded"] / df["audience"].where(df["audience"] > 0))
    )
    chart = (
        alt.Chart(pooled, title=title)
        .mark_bar(color=PRIMARY)
        .encode(
            y=alt.Y("segment_value:N", title=None, sort="-x"),
            x=alt.X("rate:Q", title=f"{rate} (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("segment_value:N", title="Group"),
                alt.Tooltip("rate:Q", title=f"{rate} (%)", format=".1f"),
                alt.Tooltip("responded:Q", title=what.capitalize()),
                alt.Tooltip("audience:Q", title="Audience"),
            ],
        )
        .properties(height=alt.Step(28))
    )
    if pooled.dropna(subset=["rate"]).empty:
        return chart, f"No {title.lower()} in this period."
    ranked = pooled.dropna(subset=["rate"]).sort_values("rate")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    if len(ranked) == 1:
        return chart, (
            f"{rate} is {high['rate']:.0f}% in {high['segment_value']} over "
            f"{int(pooled['audience'].sum()):,} audience places."
        )
    return chart, (
        f"{rate} ranges from {low['rate']:.0f}% in {low['segment_value']} to "
        f"{high['rate']:.0f}% in {high['segment_value']} over "
        f"{int(pooled['audience'].sum()):,} audience places."
    )
