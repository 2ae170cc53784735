"""Every read goes through ``query``: one cached call per warehouse version.

Queries share one read-only connection while they keep coming (``dashboard.reader``), closed
when idle, so collectors and `pulse analyze` can write between two page views (DuckDB allows
one writing process or many reading ones, not both at once). Results are cached per warehouse
version (the file's modification time): a page refresh after a collector has written shows the
new data, and an unchanged warehouse is never queried twice for the same filters.

The modules beside this one add their reads to ``QUERIES`` by name, so the cache key is the
name and plain arguments, never a function object.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard import reader

TTL_SECONDS = 600

QUERIES: dict[str, Callable] = {}


def warehouse_version(db: str) -> int:
    """Changes whenever the warehouse file (or its write-ahead log) is written."""
    files = (Path(db), Path(db + ".wal"))
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _query(name: str, db: str, version: int, args: tuple):
    with reader.cursor(db, version) as con:
        return QUERIES[name](con, *args)


def query(name: str, db: str, *args):
    return _query(name, db, warehouse_version(db), args)


def refresh() -> None:
    """Forget every cached result, for the sidebar's refresh control."""
    _query.clear()
