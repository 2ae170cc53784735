"""Sidebar filters every page shares, and the guard that explains a missing warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from dashboard import data

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Filters:
    db: str
    start: date
    end: date
    brands: tuple[str, ...]


def require_warehouse() -> str:
    """Stop the page with a clear message and the fixing command when there is no data."""
    problem = data.warehouse_problem()
    if problem:
        st.error(problem, icon=":material/database_off:")
        st.markdown("Build the demo warehouse, then reload this page:")
        st.code("pulse demo", language="bash")
        st.stop()
    return str(data.db_path())


def sidebar_filters(with_brands: bool = True) -> Filters:
    """Date range (default: the last 90 days with data) and, on listening pages, brands."""
    db = require_warehouse()
    first, last = data.data_range(db)
    default_start = max(first, last - timedelta(days=DEFAULT_DAYS - 1))
    with st.sidebar:
        st.header("Filters")
        picked = st.date_input("Date range", value=(default_start, last), min_value=first,
                               max_value=last, key="date_range")
        # While a range is being picked the widget holds only its first day.
        days = picked if isinstance(picked, tuple) else (picked,)
        start, end = days[0], days[-1]
        chosen: tuple[str, ...] = ()
        if with_brands:
            known = data.brands(db)["brand"].tolist()
            chosen = tuple(st.multiselect("Brands", known, default=known, key="brands"))
    return Filters(db, start, end, chosen)
