"""The mentions page's charts of who carries the conversation and where it happens, each
returned with the one sentence that says what it shows (for ``charts.chart_with_summary``).

Every function takes the frames ``dashboard.data`` returns; none queries. The map is drawn
offline (countries shipped with the dashboard, no map tiles), so it works without a network.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.components import basemap, theme


def _signed(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.0f}"


def places_map(places: pd.DataFrame) -> tuple[alt.LayerChart, str]:
    """Mentions per city on the land of the region they come from (drawn offline: no map tiles
    are fetched), with the names that fit."""
    frame = places.dropna(subset=["lat", "lon"]).assign(
        negative_share=lambda df: (100 * df["negative"] / df["mentions"]).round(0),
        place=lambda df: df["city"].fillna("?") + ", " + df["country"],
    )
    projection = basemap.projection_for(frame)
    sea = alt.Chart(alt.sphere()).mark_geoshape(fill=basemap.SEA, clip=True).project(**projection)
    dots = (
        alt.Chart(frame)
        .mark_circle(opacity=0.8, stroke="white")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("mentions:Q", title="Mentions", scale=alt.Scale(range=[40, 1200])),
            color=alt.Color(
                "negative_share:Q",
                title="Negative (%)",
                scale=alt.Scale(scheme="redyellowgreen", reverse=True, domain=[0, 100]),
            ),
            tooltip=[
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
                alt.Tooltip("negative_share:Q", title="Negative (%)"),
            ],
        )
        .project(**projection)
    )
    names = (
        alt.Chart(basemap.spaced_labels(frame))
        .mark_text(dy=-16, fontSize=11, color="#37474f", fontWeight="bold")
        .encode(longitude="lon:Q", latitude="lat:Q", text="city:N")
        .project(**projection)
    )
    layers = (sea, basemap.land(projection), dots, names)
    chart = alt.layer(*layers, title="Where mentions come from").properties(height=440)
    if frame.empty:
        return chart, (
            "No mention in this period carries a place (X gives places for some "
            "posts; Reddit and feeds give none)."
        )
    top = frame.head(3)
    leaders = ", ".join(f"{r.place} ({r.mentions:,})" for r in top.itertuples())
    summary = (
        f"{int(places['mentions'].sum()):,} mentions carry a place, in "
        f"{len(frame):,} cities; most come from {leaders}."
    )
    return chart, summary


def top_authors(authors: pd.DataFrame) -> tuple[alt.Chart, str]:
    """The ten authors with the most followers + engagement, by engagement earned."""
    frame = authors.head(10).assign(platform=authors["platform"].map(theme.platform_label))
    chart = (
        alt.Chart(frame, title="Top voices: engagement their mentions earned")
        .mark_bar()
        .encode(
            y=alt.Y("handle:N", title=None, sort=list(frame["handle"])),
            x=alt.X("engagements:Q", title="Engagements"),
            color=alt.Color("platform:N", title="Platform", scale=theme.platform_scale()),
            tooltip=[
                "handle:N",
                "platform:N",
                alt.Tooltip("followers:Q", title="Followers", format=","),
                alt.Tooltip("mentions:Q", title="Mentions"),
                alt.Tooltip("engagements:Q", title="Engagements", format=","),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.0f"),
            ],
        )
        .properties(height=alt.Step(28))
    )
    if frame.empty:
        return chart, "No external author mentioned these brands in this period."
    lead = frame.iloc[0]
    followers = "unknown" if pd.isna(lead["followers"]) else f"{int(lead['followers']):,}"
    summary = (
        f"The widest-reaching voice is {lead['handle']} on {lead['platform']} "
        f"({followers} followers, {int(lead['mentions'])} mention"
        f"{'s' if lead['mentions'] != 1 else ''}, net sentiment "
        f"{_signed(lead['net_sentiment'])})."
    )
    return chart, summary
