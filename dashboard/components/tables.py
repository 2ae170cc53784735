"""Tables, each with its data downloadable as CSV (for spreadsheets) and Parquet (for code)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import reduce

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.components import columns


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (top terms, example ids) as 'a; b; c', since CSV has no lists."""
    flat = frame.copy()
    for column in [c for c in flat.columns if pd.api.types.is_object_dtype(flat[c].dtype)]:
        if flat[column].map(_is_list).any():
            flat[column] = flat[column].map(lambda v: "; ".join(map(str, v)) if _is_list(v) else v)
    return flat


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return _flat(frame).to_csv(index=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False)
    return buffer.getvalue()


def download_buttons(
    frame: pd.DataFrame, name: str, whole: Callable[[], pd.DataFrame] | None = None
) -> None:
    """CSV and Parquet buttons for ``frame``, saved as ``socialpulse-<name>.csv|parquet``.

    Every download is an audit event, and a role without the ``export`` permission gets no
    buttons. (A page run on its own, as the page tests do, has no user and keeps them.)
    """
    if auth.current_user() and not auth.allowed("export"):
        return
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    row = st.container(horizontal=True)
    buttons = (
        ("CSV", "csv", "text/csv", csv_bytes),
        ("Parquet", "parquet", "application/vnd.apache.parquet", parquet_bytes),
    )
    for label, suffix, mime, encode in buttons:
        target = f"socialpulse-{slug}.{suffix}"
        if whole is None:
            body, on_click, args = encode(frame), auth.record_export, (f"{slug}.{suffix}",)
        else:  # built on press, audited once built (a rerun would race it for the warehouse)
            body, on_click, args = _deferred(whole, encode, f"{slug}.{suffix}"), "ignore", None
        row.download_button(
            label,
            body,
            target,
            mime,
            key=f"{suffix}-{slug}",
            icon=":material/download:",
            on_click=on_click,
            args=args,
        )


def _deferred(
    whole: Callable[[], pd.DataFrame], encode: Callable[[pd.DataFrame], bytes], target: str
) -> Callable[[], bytes]:
    """The full result encoded when Streamlit asks for the file, then the audit event."""
    record = auth.recorder("export", target)

    def build() -> bytes:
        body = encode(whole())
        record()
        return body

    return build


def table(
    frame: pd.DataFrame,
    name: str,
    column_config: dict | None = None,
    whole: Callable[[], pd.DataFrame] | None = None,
    **options,
) -> None:
    """A table and its download buttons; ``whole`` gives the full result when the table shows
    one page of it, so a download is never just what is on screen."""
    st.dataframe(frame, hide_index=True, column_config=column_config, **options)
    download_buttons(frame, name, whole)


def duration_text(minutes: float | None) -> str:
    """A time span as people say it: "45 min", "2 h 5 min", "3 days 4 h"; "n/a" when unknown."""
    if minutes is None or pd.isna(minutes):
        return "n/a"
    whole = round(float(minutes))
    if whole < 60:
        return f"{max(whole, 0)} min" if minutes >= 1 else "under 1 min"
    hours, rest = divmod(whole, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def series_table(
    series: dict[str, tuple[pd.DataFrame, Callable[[float], str]]],
    name: str,
    grain: str = "week",
    group: str = "Group",
) -> None:
    """Stored weekly or monthly series side by side as people read them: one row per period and
    group, one column per figure (its label the key, spelled by its function); the numerators
    and denominators behind each figure stay in a "Details for analysts" expander."""
    keys = ["period_start", "segment_value"]
    parts = [
        frame[[*keys, "value"]].rename(columns={"value": label})
        for label, (frame, _) in series.items()
    ]
    wide = reduce(lambda left, right: left.merge(right, on=keys, how="outer"), parts)
    wide = wide.sort_values(keys).reset_index(drop=True)
    for label, (_, spell) in series.items():
        wide[label] = columns.as_text(wide[label], spell)
    period = columns.week() if grain == "week" else columns.month()
    config = {"period_start": period, "segment_value": group}
    table(wide, name, column_config=config)
    with st.expander("Details for analysts"):
        details = pd.concat(
            [frame.assign(figure=label) for label, (frame, _) in series.items()], ignore_index=True
        )
        shown = details[["figure", *keys, "numerator", "denominator", "value"]]
        table(
            shown,
            f"{name} details",
            whole=lambda: shown,  # encoded when asked for: most readers never open it
            column_config={
                "figure": "Figure",
                **config,
                "numerator": columns.count("Numerator"),
                "denominator": columns.count("Denominator"),
                "value": st.column_config.NumberColumn("Value", format="%.2f"),
            },
        )
