"""Altair charts, each paired with a one-sentence summary for screen readers and busy readers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st


def chart_with_summary(chart: alt.TopLevelMixin, summary: str) -> None:
    """Render a chart with its one-sentence summary beside it (under it on a narrow screen);
    the sentence is also the chart's alternative text for screen readers."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.altair_chart(chart, width="stretch", alt=summary)
    right.caption(summary)


show = chart_with_summary  # the internal and executive pages' name for it


def active_people_per_week(weekly: pd.DataFrame) -> tuple[alt.Chart, str]:
    chart = (
        alt.Chart(weekly, title="Active employees per week")
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=None),
            y=alt.Y("active_people:Q", title="People who posted, replied or reacted"),
            color=alt.Color("group:N", title=None),
            tooltip=["week:T", "group:N", "active_people:Q"],
        )
        .properties(height=320)
    )
    if weekly.empty:
        return chart, "No internal activity in this period."
    totals = weekly.groupby("week")["active_people"].sum()
    first, last = totals.iloc[0], totals.iloc[-1]
    trend = "up" if last > first else "down" if last < first else "flat"
    summary = (
        f"From {int(first):,} active people in the first week to {int(last):,} in the last "
        f"({trend}); the peak was {int(totals.max()):,} in the week of "
        f"{pd.Timestamp(totals.idxmax()):%d %b %Y}."
    )
    return chart, summary


def kpis_against_targets(scorecard: pd.DataFrame) -> tuple[alt.Chart, str]:
    frame = scorecard.dropna(subset=["value"]).assign(
        status=lambda df: df["met"].map({True: "Target met", False: "Below target"}))
    bars = alt.Chart(frame, title="KPIs against targets (%)").mark_bar().encode(
        y=alt.Y("kpi:N", title=None, sort=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        x=alt.X("value:Q", title="Value (%)"),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=["Target met", "Below target"],
                                        range=["#2e7d32", "#c62828"])),
        tooltip=["kpi:N", "value:Q", "target:Q"],
    )
    ticks = alt.Chart(frame).mark_tick(color="black", thickness=3, size=24).encode(
        y=alt.Y("kpi:N", sort=None), x="target:Q")
    met = int(frame["met"].sum())
    summary = f"{met} of {len(frame)} KPIs with data meet their target."
    missed = frame.loc[~frame["met"].astype(bool), "kpi"].tolist()
    if missed:
        summary += f" Below target: {', '.join(missed)}."
    return (bars + ticks).properties(height=48 * max(len(frame), 1)), summary
