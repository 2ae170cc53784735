"""Column formats for people: one date format across the app, counts with thousands separators,
percentages and scores with their sign, and a dash where there is no value.

Every table names its columns through these, so "3 Sep 2026" reads the same on every page and a
missing figure never shows as ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

DATE = "D MMM YYYY"
MOMENT = "D MMM YYYY HH:mm"
MISSING = "–"


def day(label: str, **options) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format=DATE, **options)


def week(label: str = "Week of", **options) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format=DATE, **options)


def month(label: str = "Month", **options) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format="MMM YYYY", **options)


def moment(label: str = "When (UTC)", **options) -> st.column_config.DatetimeColumn:
    return st.column_config.DatetimeColumn(label, format=MOMENT, **options)


def count(label: str, **options) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="localized", **options)


def percent(label: str, digits: int = 1, **options) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=f"%.{digits}f%%", **options)


def score(label: str, fmt: str = "%+.1f", **options) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt, **options)


def text(label: str, **options) -> st.column_config.TextColumn:
    return st.column_config.TextColumn(label, **options)


def as_text(values: pd.Series, spell: Callable[[float], str] = "{:,.1f}".format) -> pd.Series:
    """Figures spelled for a table that may lack some (a week one series does not have): the
    gaps read as a dash, not ``None``."""
    return values.map(lambda v: MISSING if pd.isna(v) else spell(v))


def filled(frame: pd.DataFrame, missing: str = MISSING) -> pd.DataFrame:
    """Missing text cells as a dash (numbers are left to their column's format)."""
    spelled = frame.copy()
    for column in spelled.columns:
        if pd.api.types.is_object_dtype(spelled[column]) or pd.api.types.is_string_dtype(
            spelled[column]
        ):
            spelled[column] = spelled[column].astype(object).where(spelled[column].notna(), missing)
    return spelled


def moment_text(values: pd.Series) -> pd.Series:
    """Times in the app's one format, as text, for a column where some are missing."""
    return as_text(pd.to_datetime(values, format="ISO8601"), lambda when: f"{when:%-d %b %Y %H:%M}")
