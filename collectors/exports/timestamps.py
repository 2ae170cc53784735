"""Timestamps as exports write them, read into the warehouse's naive UTC."""

from __future__ import annotations

import pandas as pd

UTC_SUFFIX = r"\s*(?:UTC|GMT)$"


def parse_times(values: pd.Series) -> pd.Series:
    """ISO 8601 timestamps (``Z``, an offset, or a trailing ``UTC``) as naive UTC; NaT where a
    value is not one, so the caller can report the record."""
    text = values.astype("string").str.strip().str.replace(UTC_SUFFIX, "+00:00", regex=True)
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    return parsed.dt.tz_convert(None).astype("datetime64[us]")
