"""The words of an alert: the one line a person reads before deciding to look (an e-mail
subject, a chat message, the dashboard's alert list).

Counts read as counts and windows as clock times in UTC, the zone every stamp is stored in, so
the same alert reads the same in every channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd


def _count(value: float) -> str:
    """3 -> '3', 0.25 -> '0.3', 12.4 -> '12': counts read as counts, small expectations keep
    their decimal (an expectation of 0.3 is not 0)."""
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return text.removesuffix(".0")


def window_text(start: datetime, end: datetime) -> str:
    """'08:00-11:00 UTC 15 Sep 2026' within a day, else both ends with their dates."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    last = end - pd.Timedelta(microseconds=1)
    if start.date() == last.date():
        until = "24:00" if end.date() != start.date() else f"{end:%H:%M}"
        return f"{start:%H:%M}-{until} UTC {start.day} {start:%b %Y}"
    return f"{start:%H:%M} {start.day} {start:%b %Y} - {end:%H:%M} {end.day} {end:%b %Y} UTC"


def describe_alert(alert: Mapping[str, Any]) -> str:
    """One line a person reads first (the e-mail subject, the chat message), e.g.
    'Northwind crisis: 120 negative mentions 08:00-11:00 UTC 15 Sep 2026, expected 3; top
    terms: recall, zipper, jacket'."""
    what = "negative mentions" if alert["kind"] == "crisis" else "mentions"
    terms = [str(t) for t in (alert.get("top_terms") if alert.get("top_terms") is not None else [])]
    line = (
        f"{alert['brand']} {alert['kind']}: {_count(float(alert['observed']))} {what} "
        f"{window_text(alert['window_start'], alert['window_end'])}, "
        f"expected {_count(float(alert['expected']))}"
    )
    return f"{line}; top terms: {', '.join(terms[:3])}" if terms else line
