"""Altair charts, each paired with a one-sentence summary for screen readers and busy readers."""

from __future__ import annotations

import altair as alt
import streamlit as st


def chart_with_summary(chart: alt.TopLevelMixin, summary: str) -> None:
    """Render a chart with its one-sentence summary beside it (under it on a narrow screen);
    the sentence is also the chart's alternative text for screen readers."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.altair_chart(chart, width="stretch", alt=summary)
    right.caption(summary)
