"""The ROI's editable assumptions: defaults from ``[roi]`` in the configuration, changes appended
to ``roi_assumptions``, the newest per name in force, so the history of who changed what stays."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import duckdb
import pandas as pd

from socialpulse.config import Roi, RoiRange, Settings, load_settings

ASSUMPTIONS: tuple[str, ...] = tuple(
    name for name, field in Roi.model_fields.items() if field.annotation is RoiRange
)


def _unit(settings: Settings, name: str) -> str:
    return type(settings.roi).model_fields[name].description.format(currency=settings.roi.currency)


def _when(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def in_force(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, dict]:
    """Each assumption's values and where they come from: the newest stored change, else config."""
    rows = (
        con.execute(
            """
        SELECT name, low, base, high, changed_by, changed_at, note FROM roi_assumptions
        QUALIFY row_number() OVER (PARTITION BY name ORDER BY change_id DESC) = 1
        """
        )
        .df()
        .set_index("name")
    )
    values = {}
    for name in ASSUMPTIONS:
        default = getattr(settings.roi, name)
        entry = {
            "low": default.low,
            "base": default.base,
            "high": default.high,
            "unit": _unit(settings, name),
            "source": "config default",
            "changed_by": None,
            "changed_at": None,
            "note": None,
        }
        if name in rows.index:
            row = rows.loc[name]
            entry.update(
                low=float(row.low),
                base=float(row.base),
                high=float(row.high),
                changed_by=row.changed_by,
                changed_at=_when(row.changed_at),
                note=None if pd.isna(row.note) else row.note,
            )
            entry["source"] = f"changed by {row.changed_by} at {entry['changed_at']}"
        values[name] = entry
    return values


def set_assumption(
    con: duckdb.DuckDBPyConnection,
    name: str,
    base: float,
    low: float | None = None,
    high: float | None = None,
    *,
    changed_by: str,
    note: str | None = None,
    settings: Settings | None = None,
) -> dict:
    """Append a change; a low or high left out keeps the value in force (from ``settings``, by
    default the configuration file). Raise ``ValueError`` (one line) for an unknown name, no
    author, or values that are negative, not finite or out of order."""
    if name not in ASSUMPTIONS:
        raise ValueError(
            f"unknown ROI assumption {name!r}; expected one of {', '.join(ASSUMPTIONS)}"
        )
    if not changed_by or not changed_by.strip():
        raise ValueError("say who changes the assumption")
    current = in_force(con, settings or load_settings())[name]
    low = current["low"] if low is None else low
    high = current["high"] if high is None else high
    for value in (low, base, high):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: values must be finite and not negative, got {value}")
    if not low <= base <= high:
        raise ValueError(
            f"{name}: expected low <= base <= high, got {low:g}, {base:g}, "
            f"{high:g} (give low and high too)"
        )
    changed_at = datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        "INSERT INTO roi_assumptions (name, low, base, high, changed_by, changed_at, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, float(low), float(base), float(high), changed_by, changed_at, note],
    )
    return {
        "name": name,
        "low": float(low),
        "base": float(base),
        "high": float(high),
        "changed_by": changed_by,
        "changed_at": _when(changed_at),
        "note": note,
    }
