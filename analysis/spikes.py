"""Spikes and crises: hours when a brand's volume, or its negative volume, leaves its own baseline.

``detect_alerts`` runs the whole detector; each part of it has its own module:

- ``analysis.spike_scan``: the statistics (seasonal Poisson expectations and a prospective scan
  of the windows ending each hour) that find the episodes, and why that method;
- ``analysis.alert_store``: the episodes in the ``alerts`` table, upserted by ``episode_key``,
  and the cursor that keeps each run to the hours since the previous one;
- ``analysis.alert_evidence``: each episode's top terms and example posts;
- ``analysis.alert_text``: the line a person reads (e-mail subject, chat message, dashboard).

The names other code reads are re-exported here, so ``analysis.spikes`` stays the detector's
one entry point.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from analysis.alert_evidence import EXAMPLES, TOP_TERMS, add_evidence
from analysis.alert_store import (
    ALERT_COLUMNS,
    CURSOR,
    advance_cursor,
    alerts_in_period,
    assign_keys,
    close_vanished,
    scan_start,
    store_episodes,
    stored_alerts,
)
from analysis.alert_text import describe_alert, window_text
from analysis.spike_scan import (
    HOUR,
    MEASURES,
    NEGATIVE_LED,
    find_episodes,
    history_needed,
    hourly_expectations,
    scan_windows,
)
from socialpulse.config import Settings
from socialpulse.warehouse import transaction

__all__ = [
    "ALERT_COLUMNS",
    "CURSOR",
    "EXAMPLES",
    "HOUR",
    "MEASURES",
    "NEGATIVE_LED",
    "TOP_TERMS",
    "alerts_in_period",
    "data_clock",
    "describe_alert",
    "detect_alerts",
    "find_episodes",
    "hourly_expectations",
    "naive_utc",
    "scan_windows",
    "stored_alerts",
    "window_text",
]


def detect_alerts(
    con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime | None = None
) -> pd.DataFrame:
    """Find the episodes in the hours since the last run and upsert them into ``alerts``.

    ``now`` (UTC) is the moment the run looks from: posts after it are not seen. By default it is
    the newest post's time, the warehouse's own clock, so a collector that lags behind never makes
    the last hours look quiet. Returns the stored rows of the episodes found.
    """
    config = settings.alerts
    now = data_clock(con) if now is None else naive_utc(now)
    if now is None:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    scan_from = scan_start(con, config, now)
    hourly = hourly_expectations(con, config, now, since=history_needed(config, scan_from))
    episodes = find_episodes(hourly, config, now, scan_from)
    with transaction(con):
        episodes = assign_keys(con, episodes, config)
        if len(episodes):
            episodes = add_evidence(con, episodes, config.count_reposts)
            store_episodes(con, episodes)
        close_vanished(con, episodes, scan_from)
        advance_cursor(con, now)
    return stored_alerts(con, list(episodes["episode_key"]) if len(episodes) else [])


def naive_utc(moment: datetime) -> pd.Timestamp:
    """The warehouse stores UTC without a zone: convert an aware moment, keep a naive one."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def data_clock(con: duckdb.DuckDBPyConnection) -> pd.Timestamp | None:
    """Just after the newest brand mention: 'now' as far as the data knows."""
    latest = con.execute(
        "SELECT max(p.created_at) FROM posts p JOIN brand_matches m USING (post_id)"
    ).fetchall()[0][0]
    return None if latest is None else pd.Timestamp(latest) + pd.Timedelta(microseconds=1)
