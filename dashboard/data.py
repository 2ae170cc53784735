"""The dashboard's only door to the warehouse: cached calls into the analysis functions.

Each call opens a short read-only connection and closes it, so collectors and `pulse analyze`
can write between two page views (DuckDB allows one writer or many readers, not both at once).
Results are cached for a minute: pages stay fast and new data shows up without a restart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import kpis, participation, push_pull, share_of_voice, volume
from analysis.period import Period
from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import WarehouseError, default_db_path, open_warehouse

TTL_SECONDS = 60


def db_path() -> Path:
    return default_db_path()


@st.cache_resource
def settings() -> Settings:
    return load_settings()


def warehouse_problem() -> str | None:
    """Why the dashboard cannot show data, as one line with the command that fixes it."""
    try:
        settings()
    except ConfigError as error:
        return str(error)
    try:
        with open_warehouse(db_path(), read_only=True) as con:
            if volume.data_range(con) is None:
                return (f"{db_path()}: the warehouse is empty; load the demo with `pulse demo` "
                        "or collect data first")
    except WarehouseError as error:
        return str(error)
    return None


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def data_range(db: str) -> tuple[date, date]:
    with open_warehouse(db, read_only=True) as con:
        return volume.data_range(con)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def brands(db: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return volume.known_brands(con)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def mentions_per_day(db: str, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return volume.mentions_per_day(con, Period(start, end), brands)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def brand_summary(db: str, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return share_of_voice.brand_summary(con, Period(start, end), brands)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def active_people_per_week(db: str, start: date, end: date, segment: str | None) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return participation.active_people_per_week(
            con, Period(start, end), segment, settings().privacy.min_group_size)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def check_ins(db: str, start: date, end: date) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return push_pull.check_in_answer_rates(con, Period(start, end))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def kpi_scorecard(db: str, start: date, end: date) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return kpis.kpi_scorecard(con, Period(start, end), settings().kpi_targets)
