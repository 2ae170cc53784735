"""The dashboard's only door to the warehouse: cached calls into the analysis functions.

Each query opens a short read-only connection and closes it, so collectors and `pulse analyze`
can write between two page views (DuckDB allows one writing process or many reading ones, not
both at once). Results are cached per warehouse version (the file's modification time): a page
refresh after a collector has written shows the new data, and an unchanged warehouse is never
queried twice for the same filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import kpis, participation, push_pull, share_of_voice, volume
from analysis.period import Period
from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import WarehouseError, default_db_path, open_warehouse

TTL_SECONDS = 600


def db_path() -> Path:
    return default_db_path()


def warehouse_version(db: str) -> int:
    """Changes whenever the warehouse file (or its write-ahead log) is written."""
    files = (Path(db), Path(db + ".wal"))
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_resource
def settings() -> Settings:
    return load_settings()


QUERIES: dict[str, Callable] = {
    "data_range": lambda con: volume.data_range(con),
    "brands": lambda con: volume.known_brands(con),
    "mentions_per_day": lambda con, start, end, brands: volume.mentions_per_day(
        con, Period(start, end), brands),
    "brand_summary": lambda con, start, end, brands: share_of_voice.brand_summary(
        con, Period(start, end), brands),
    "active_people_per_week": lambda con, start, end, segment, floor: (
        participation.active_people_per_week(con, Period(start, end), segment, floor)),
    "check_ins": lambda con, start, end: push_pull.check_in_answer_rates(
        con, Period(start, end)),
    "kpi_scorecard": lambda con, start, end, targets: kpis.kpi_scorecard(
        con, Period(start, end), targets),
}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _query(name: str, db: str, version: int, args: tuple):
    with open_warehouse(db, read_only=True) as con:
        return QUERIES[name](con, *args)


def query(name: str, db: str, *args):
    return _query(name, db, warehouse_version(db), args)


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


def brands(db: str) -> pd.DataFrame:
    return query("brands", db)


def mentions_per_day(db: str, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    return query("mentions_per_day", db, start, end, brands)


def brand_summary(db: str, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    return query("brand_summary", db, start, end, brands)


def active_people_per_week(db: str, start: date, end: date, segment: str | None) -> pd.DataFrame:
    return query("active_people_per_week", db, start, end, segment,
                 settings().privacy.min_group_size)


def check_ins(db: str, start: date, end: date) -> pd.DataFrame:
    return query("check_ins", db, start, end)


def kpi_scorecard(db: str, start: date, end: date) -> pd.DataFrame:
    return query("kpi_scorecard", db, start, end, settings().kpi_targets)
