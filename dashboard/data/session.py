"""What every page starts from: the sidebar's choice, the settings, the signed-in role, and
whether the warehouse can show anything at all."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import volume
from analysis.period import Period
from dashboard.data.cache import QUERIES, query
from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import WarehouseError, default_db_path


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

    def previous(self) -> Filters:
        """The same view over the period of the same length just before this one: what
        "change against the previous period" compares with."""
        days = timedelta(days=(self.end - self.start).days + 1)
        return replace(self, start=self.start - days, end=self.start - timedelta(days=1))

    def year_before(self) -> Filters:
        """The same dates a year earlier (29 February falls on the 28th)."""
        from dateutil.relativedelta import relativedelta

        year = relativedelta(years=1)
        return replace(self, start=self.start - year, end=self.end - year)


def db_path() -> Path:
    return default_db_path()


@st.cache_resource
def settings() -> Settings:
    return load_settings()


def session_role() -> str | None:
    """The signed-in role of this session, None outside one. Queries that read posts take it
    as an argument, so it is part of their cache key: one role's rows never reach another."""
    try:
        return st.session_state.get("role")
    except Exception:  # no Streamlit session (a script, a test calling a function directly)
        return None


def session_user() -> str | None:
    try:
        return st.session_state.get("user")
    except Exception:
        return None


def may(role: str | None, action: str) -> bool:
    """Whether the session's role may do ``action`` (see socialpulse/access.py); no role, as
    before anyone has logged in, may do nothing that is gated."""
    from socialpulse.access import can

    return bool(role) and can(role, action)


QUERIES.update(
    {
        "data_range": lambda con: volume.data_range(con),
        "freshness": lambda con: volume.data_freshness(con),
    }
)


def warehouse_problem() -> str | None:
    """Why the dashboard cannot show data, as one line with the command that fixes it."""
    try:
        settings()
    except ConfigError as error:
        return str(error)
    try:
        if query("data_range", str(db_path())) is None:
            return (
                f"{db_path()}: the warehouse is empty; load the demo with `pulse demo` "
                "or collect data first"
            )
    except WarehouseError as error:
        return str(error)
    return None


def data_range(db: str) -> tuple[date, date]:
    return query("data_range", db)


def freshness(db: str) -> pd.DataFrame:
    return query("freshness", db)
