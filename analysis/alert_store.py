"""The episode store: alert episodes in the warehouse's ``alerts`` table, and the scan's cursor.

Each run re-scans from a margin before the previous one (the cursor in ``collector_state``) and
before any episode that may still grow, so it costs the same whatever the history and can run
every few minutes. Alerts are upserted by ``episode_key``: a re-run updates the episode it stored
(the window start it was first seen with stays its key), never adds a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pandas as pd

from analysis.alert_text import describe_alert
from analysis.period import Period
from socialpulse.config import Alerts
from socialpulse.warehouse.cursors import read_cursors, save_cursor

# Its key in collector_state: warehouses already hold it under the detector's name, so it stays.
CURSOR = ("analysis.spikes", "scanned_until")
ALERT_COLUMNS = [
    "alert_id",
    "brand",
    "kind",
    "episode_key",
    "window_start",
    "window_end",
    "observed",
    "expected",
    "top_terms",
    "example_post_ids",
    "created_at",
    "status",
    "closed_at",
    "notified_at",
    "notification_error",
]


def stored_alerts(con: duckdb.DuckDBPyConnection, keys: list[str] | None = None) -> pd.DataFrame:
    """Alerts as stored, oldest episode first; only ``keys`` when given."""
    where, params = (
        ("", []) if keys is None else ("WHERE list_contains(?::VARCHAR[], episode_key)", [keys])
    )
    return con.execute(
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts {where} ORDER BY window_start, brand, kind",
        params,
    ).df()


def scan_start(
    con: duckdb.DuckDBPyConnection, config: Alerts, now: pd.Timestamp
) -> pd.Timestamp | None:
    """The first hour to judge: a margin before the last run, and before any episode that may
    still be growing, so an update always sees its episode whole. None: all of history."""
    cursor = read_cursors(con, CURSOR[0]).get(CURSOR[1])
    if cursor is None:
        return None
    margin = pd.Timedelta(hours=config.max_window_hours + config.merge_gap_hours)
    start = min(pd.Timestamp(cursor), now) - margin
    earliest = con.execute(
        "SELECT min(window_start) FROM alerts WHERE window_end >= ?", [start - margin]
    ).fetchall()[0][0]
    if earliest is not None:
        start = min(start, pd.Timestamp(earliest) - margin)
    return start.floor("h")


def assign_keys(
    con: duckdb.DuckDBPyConnection, episodes: pd.DataFrame, config: Alerts
) -> pd.DataFrame:
    """Give each episode the key of the stored alert it continues (same brand and kind, within
    ``merge_gap_hours``), else a new ``brand|kind|window_start`` key."""
    episodes = episodes.reset_index(drop=True)
    if episodes.empty:
        return episodes.assign(episode_key=pd.Series(dtype=object))
    fresh = (
        episodes["brand"]
        + "|"
        + episodes["kind"]
        + "|"
        + episodes["window_start"].dt.strftime("%Y-%m-%dT%H:%M")
    )
    gap = pd.Timedelta(hours=config.merge_gap_hours)
    stored = con.execute(
        "SELECT episode_key, brand, kind, window_start AS s, window_end AS e FROM alerts "
        "WHERE window_end >= ?",
        [episodes["span_start"].min() - gap],
    ).df()
    pairs = episodes.reset_index().merge(stored, on=["brand", "kind"])
    near = (pairs["s"] <= pairs["span_end"] + gap) & (pairs["e"] + gap >= pairs["span_start"])
    continued = (
        pairs[near]
        .sort_values(["index", "s"])
        .drop_duplicates("index")
        .drop_duplicates("episode_key")
        .set_index("index")["episode_key"]
    )
    keys = continued.reindex(episodes.index).fillna(fresh)
    return episodes.assign(episode_key=keys)[~keys.duplicated()]


def store_episodes(con: duckdb.DuckDBPyConnection, episodes: pd.DataFrame) -> None:
    """Upsert by ``episode_key``: a known episode gets its new window and counts; when it was
    first seen and whether it was notified stay as they were."""
    rows = episodes.assign(created_at=datetime.now(UTC).replace(tzinfo=None))
    con.register("_alerts", rows)
    try:
        con.execute(
            """
            INSERT INTO alerts BY NAME
            SELECT brand, kind, episode_key, window_start, window_end, observed, expected,
                   top_terms::VARCHAR[] AS top_terms,
                   example_post_ids::VARCHAR[] AS example_post_ids,
                   created_at, status, closed_at::TIMESTAMP AS closed_at
            FROM _alerts
            ON CONFLICT (episode_key) DO UPDATE SET
                window_start = excluded.window_start, window_end = excluded.window_end,
                observed = excluded.observed, expected = excluded.expected,
                top_terms = excluded.top_terms, example_post_ids = excluded.example_post_ids,
                status = excluded.status, closed_at = excluded.closed_at
            """
        )
    finally:
        con.unregister("_alerts")


def close_vanished(
    con: duckdb.DuckDBPyConnection, episodes: pd.DataFrame, scan_from: datetime | None
) -> None:
    """Close open alerts of the re-scanned hours that the data no longer supports (posts
    deleted, sentiment corrected): their evidence ended with their window."""
    keys = list(episodes["episode_key"]) if len(episodes) else []
    con.execute(
        "UPDATE alerts SET status = 'closed', closed_at = window_end "
        "WHERE status = 'open' AND NOT list_contains(?::VARCHAR[], episode_key) "
        "AND (?::TIMESTAMP IS NULL OR window_start >= ?::TIMESTAMP)",
        [keys, scan_from, scan_from],
    )


def advance_cursor(con: duckdb.DuckDBPyConnection, now: pd.Timestamp) -> None:
    """Never move the cursor back: a scan "as of" an earlier moment must not re-open history."""
    previous = read_cursors(con, CURSOR[0]).get(CURSOR[1])
    cursor = max(now, pd.Timestamp(previous)) if previous else now
    save_cursor(con, *CURSOR, cursor.isoformat())


def alerts_in_period(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """Stored episodes whose window overlaps the period, newest first, each with the line
    ``describe_alert`` writes for it (the dashboard's alert list and chart marks)."""
    alerts = con.execute(
        f"""
        SELECT {", ".join(ALERT_COLUMNS)} FROM alerts
        WHERE window_start < ? AND window_end > ?
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], brand))
        ORDER BY window_start DESC, brand, kind
        """,
        [period.until, period.since, list(brands or []) or None, list(brands or []) or None],
    ).df()
    alerts["description"] = [describe_alert(row) for row in alerts.to_dict("records")]
    return alerts
