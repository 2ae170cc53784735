"""A crisis told in a paragraph for the executive report: what happened, how big it was against
the brand's normal, what people said, how sentiment moved, and how the team handled it.

An executive reads a report, not a chart of alerts: each crisis of the period gets its figures
(the episode's count against its expected count, the week from its start against the week
before) and one short narrative built from them, so the words never disagree with the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pandas as pd

from dashboard import data
from dashboard.components.tables import duration_text
from dashboard.data import Filters

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Week:
    mentions: int
    negative_share: float | None
    net_sentiment: float | None


def _week(daily: pd.DataFrame) -> Week:
    scored = daily[["positive", "neutral", "negative"]].to_numpy().sum()
    positive, negative = daily["positive"].sum(), daily["negative"].sum()
    return Week(
        int(daily["mentions"].sum()),
        100 * negative / scored if scored else None,
        100 * (positive - negative) / scored if scored else None,
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def _expected(value: float) -> str:
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def _net(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}"


def _handling(alert) -> str:
    notified = (
        f"notified at {alert.notified_at:%-d %b %H:%M} UTC"
        if pd.notna(alert.notified_at)
        else "not sent (no channel was configured, or it was found after the fact)"
    )
    if alert.state == "New":
        return f"The alert was {notified}; nobody has acknowledged it yet."
    text = (
        f"The alert was {notified} and acknowledged by {alert.acknowledged_by} "
        f"{duration_text(alert.minutes_to_acknowledge)} after it was raised"
    )
    if isinstance(alert.assignee, str):
        text += f", then handled by {alert.assignee}"
    if alert.state == "Closed":
        text += f"; it was closed with the note “{alert.note}”"
    return text + "."


def crisis_stories(f: Filters) -> list[dict]:
    """Each crisis alert of the period: ``title``, ``text`` and ``figures`` (label -> value)."""
    alerts = data.alerts(f)
    stories = []
    for alert in alerts[alerts["kind"] == "crisis"].itertuples():
        start = pd.Timestamp(alert.window_start)
        day = start.date()
        around = data.daily_mentions(
            replace(f, start=day - WEEK, end=day + WEEK - timedelta(days=1), brands=(alert.brand,))
        )
        days = pd.to_datetime(around["day"]).dt.date
        before, during = _week(around[days < day]), _week(around[days >= day])
        ratio = alert.observed / alert.expected if alert.expected else float("inf")
        hours = (pd.Timestamp(alert.window_end) - start).total_seconds() / 3600
        terms = ", ".join(list(alert.top_terms)[:3])
        text = (
            f"From {start:%-d %b %Y %H:%M} UTC, {alert.observed:,.0f} negative mentions of "
            f"{alert.brand} arrived within {hours:.0f} hours, against {_expected(alert.expected)} "
            "expected from its own baseline "
            f"({ratio:,.0f} times as many); people wrote about {terms}. In the week from its "
            f"start {alert.brand} had {during.mentions:,} mentions, {_pct(during.negative_share)} "
            f"negative, against {before.mentions:,} and {_pct(before.negative_share)} the week "
            f"before; net sentiment went from {_net(before.net_sentiment)} to "
            f"{_net(during.net_sentiment)}. {_handling(alert)}"
        )
        stories.append(
            {
                "title": f"{alert.brand} crisis, {start:%-d %b %Y}",
                "text": text,
                "figures": {
                    "Negative mentions in the episode": f"{alert.observed:,.0f}",
                    "Expected": f"{alert.expected:,.1f}",
                    "Mentions, week from the start": f"{during.mentions:,}",
                    "Mentions, week before": f"{before.mentions:,}",
                    "Net sentiment, week before → week from the start": (
                        f"{_net(before.net_sentiment)} → {_net(during.net_sentiment)}"
                    ),
                    "Time to acknowledge": (
                        "not acknowledged"
                        if pd.isna(alert.minutes_to_acknowledge)
                        else duration_text(alert.minutes_to_acknowledge)
                    ),
                },
            }
        )
    return stories
