"""The dashboard's only door to the warehouse: cached calls into the analysis functions.

Each query opens a short read-only connection and closes it, so collectors and `pulse analyze`
can write between two page views (DuckDB allows one writing process or many reading ones, not
both at once). Results are cached per warehouse version (the file's modification time): a page
refresh after a collector has written shows the new data, and an unchanged warehouse is never
queried twice for the same filters.

Listening pages read what `pulse analyze` stored (``brand_daily``, ``topics``, ``alerts``); only
the mention list, the search, the influencers and the map read posts, each bounded by the date
window and the list by a page size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import influencers, search, share_of_voice, volume
from analysis.period import Period
from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import (
    WarehouseError,
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseOutdatedError,
    default_db_path,
    open_warehouse,
)

TTL_SECONDS = 600
CORRECTION_WAIT_SECONDS = 10


@dataclass(frozen=True)
class Filters:
    """The view a user chose in the sidebar; empty tuples mean "all"."""

    db: str
    start: date
    end: date
    brands: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    employee_types: tuple[str, ...] = ()
    preset: str = "custom"

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def db_path() -> Path:
    return default_db_path()


def warehouse_version(db: str) -> int:
    """Changes whenever the warehouse file (or its write-ahead log) is written."""
    files = (Path(db), Path(db + ".wal"))
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_resource
def settings() -> Settings:
    return load_settings()


def _period(start: date, end: date) -> Period:
    return Period(start, end)


# The modules below are imported where they are used: the alert and topic modules pull in
# scikit-learn (a second at start-up) that other pages never need, and a listening page keeps
# working while an internal-analytics module is being changed, and the other way round.


def _alerts(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    from analysis.spikes import alerts_in_period

    return alerts_in_period(con, _period(start, end), brands)


def _topics(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    from analysis.topics import topics_in_period

    return topics_in_period(con, _period(start, end), brands)


def _segment_values(con, segment: str, floor: int) -> list[str]:
    from analysis.privacy import selectable_values

    return selectable_values(con, segment, floor)


def _active_people_per_week(con, start: date, end: date, segment: str | None,
                            floor: int) -> pd.DataFrame:
    from analysis.participation import active_people_per_week

    return active_people_per_week(con, _period(start, end), segment, floor)


def _check_ins(con, start: date, end: date) -> pd.DataFrame:
    from analysis.push_pull import check_in_answer_rates

    return check_in_answer_rates(con, _period(start, end))


def _kpi_scorecard(con, start: date, end: date, targets) -> pd.DataFrame:
    from analysis.kpis import kpi_scorecard

    return kpi_scorecard(con, _period(start, end), targets)


QUERIES: dict[str, Callable] = {
    "data_range": lambda con: volume.data_range(con),
    "coverage": lambda con: volume.rollup_coverage(con),
    "freshness": lambda con: volume.data_freshness(con),
    "segment_values": _segment_values,
    "daily_mentions": lambda con, start, end, brands, platforms: volume.daily_mentions(
        con, _period(start, end), brands, platforms),
    "share_of_voice": lambda con, start, end, brands, platforms: share_of_voice.share_of_voice(
        con, _period(start, end), brands, platforms),
    "sentiment_trend": lambda con, start, end, brands, platforms, grain: (
        share_of_voice.sentiment_trend(con, _period(start, end), brands, platforms, grain)),
    "alerts": _alerts,
    "topics": _topics,
    "search": lambda con, start, end, fields, limit, offset: search.search_mentions(
        con, _period(start, end), search.MentionQuery(*fields), limit, offset),
    "mentions_by_id": lambda con, post_ids: search.mentions_by_id(con, post_ids),
    "top_authors": lambda con, start, end, brands, platforms, limit: influencers.top_authors(
        con, _period(start, end), brands, platforms, limit),
    "places": lambda con, start, end, brands, platforms: influencers.mentions_by_place(
        con, _period(start, end), brands, platforms),
    "active_people_per_week": _active_people_per_week,
    "check_ins": _check_ins,
    "kpi_scorecard": _kpi_scorecard,
}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _query(name: str, db: str, version: int, args: tuple):
    with open_warehouse(db, read_only=True) as con:
        return QUERIES[name](con, *args)


def query(name: str, db: str, *args):
    return _query(name, db, warehouse_version(db), args)


def refresh() -> None:
    """Forget every cached result, for the sidebar's refresh control."""
    _query.clear()


def warehouse_problem() -> str | None:
    """Why the dashboard cannot show data, as one line with the command that fixes it."""
    try:
        settings()
    except ConfigError as error:
        return str(error)
    try:
        if query("data_range", str(db_path())) is None:
            return (f"{db_path()}: the warehouse is empty; load the demo with `pulse demo` "
                    "or collect data first")
    except WarehouseError as error:
        return str(error)
    return None


def data_range(db: str) -> tuple[date, date]:
    return query("data_range", db)


def coverage(db: str) -> pd.DataFrame:
    """Brands and platforms in the daily roll-up (empty until `pulse analyze` has run)."""
    return query("coverage", db)


def freshness(db: str) -> pd.DataFrame:
    return query("freshness", db)


def segment_values(db: str, segment: str) -> list[str]:
    """The department, location or employee-type values a filter may offer: the groups at or
    above the privacy floor, then "Other"; a small group is never named, not even in a list."""
    return query("segment_values", db, segment, settings().privacy.min_group_size)


def daily_mentions(f: Filters) -> pd.DataFrame:
    return query("daily_mentions", f.db, f.start, f.end, f.brands, f.platforms)


def brand_share(f: Filters) -> pd.DataFrame:
    return query("share_of_voice", f.db, f.start, f.end, f.brands, f.platforms)


def sentiment_trend(f: Filters, grain: str = "week") -> pd.DataFrame:
    return query("sentiment_trend", f.db, f.start, f.end, f.brands, f.platforms, grain)


def alerts(f: Filters) -> pd.DataFrame:
    return query("alerts", f.db, f.start, f.end, f.brands)


def topics_in_period(f: Filters) -> pd.DataFrame:
    return query("topics", f.db, f.start, f.end, f.brands)


def search_mentions(f: Filters, text: str = "", sentiments: tuple[str, ...] = (),
                    order: str = "engagement", page: int = 1, page_size: int = 25
                    ) -> pd.DataFrame:
    """One page of the mentions matching the search box, within the sidebar's brands,
    platforms and (at most the last ``search.MAX_SEARCH_DAYS`` days of) its dates."""
    fields = (text.strip(), f.brands, f.platforms, tuple(sentiments), order)
    return query("search", f.db, f.start, f.end, fields, page_size, (page - 1) * page_size)


def search_window(f: Filters) -> Period:
    return search.search_window(f.period)


def mentions_by_id(db: str, post_ids) -> pd.DataFrame:
    """The example mentions an alert or a topic names (a list, an array or None)."""
    return query("mentions_by_id", db, tuple(post_ids) if post_ids is not None else ())


def top_authors(f: Filters, limit: int = 20) -> pd.DataFrame:
    return query("top_authors", f.db, f.start, f.end, f.brands, f.platforms, limit)


def places(f: Filters) -> pd.DataFrame:
    return query("places", f.db, f.start, f.end, f.brands, f.platforms)


def correct_sentiment(db: str, post_id: str, label: str, by: str = "dashboard") -> None:
    """Store a human sentiment label, and its audit event, as `pulse sentiment correct` does.

    The warehouse is opened read-write only for this one statement. A collector holding it is
    waited for (``open_warehouse``); so is another session of this server reading it, since
    DuckDB refuses a read-write open in a process that has the file open read-only. The cached
    results need no clearing: the write changes the file, so the next read is a new version.
    """
    from analysis.sentiment import correct
    from socialpulse import audit

    deadline = time.monotonic() + CORRECTION_WAIT_SECONDS
    while True:
        try:
            with open_warehouse(db, wait_seconds=CORRECTION_WAIT_SECONDS) as con:
                correct(con, post_id, label, by)
                audit.record(con, by, None, "sentiment_correction", post_id, detail=label)
            return
        except (WarehouseLockedError, WarehouseMissingError, WarehouseOutdatedError):
            raise
        except WarehouseError:
            if time.monotonic() > deadline:
                raise WarehouseLockedError(
                    f"{db}: the warehouse stayed busy with readers; try again in a moment"
                ) from None
            time.sleep(0.2)


def active_people_per_week(db: str, start: date, end: date, segment: str | None) -> pd.DataFrame:
    return query("active_people_per_week", db, start, end, segment,
                 settings().privacy.min_group_size)


def check_ins(db: str, start: date, end: date) -> pd.DataFrame:
    return query("check_ins", db, start, end)


def kpi_scorecard(db: str, start: date, end: date) -> pd.DataFrame:
    return query("kpi_scorecard", db, start, end, settings().kpi_targets)
