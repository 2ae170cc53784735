"""The demo organisation: a deterministic, offline source of realistic warehouse rows.

``build_demo`` generates Northwind Outfitters' year (brand mentions and its employee network) from
one seed and loads it through the same loader as every collector, so the demo exercises the
real path and a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from collectors.demo.calendar import DemoCalendar
from collectors.demo.external import generate_mentions
from collectors.demo.internal import generate_network
from collectors.demo.maturity import demo_answers, save_answers
from socialpulse.warehouse import LoadResult, finish_run, start_run, transaction, upsert

DEFAULT_MENTIONS = 20_000
DEFAULT_MESSAGES = 30_000
DEFAULT_EMPLOYEES = 600
LOAD_ORDER = (
    "channels",
    "authors",
    "posts",
    "engagement_snapshots",
    "interactions",
    "brand_matches",
)


def generate_demo(
    seed: int = 42,
    mentions: int = DEFAULT_MENTIONS,
    messages: int = DEFAULT_MESSAGES,
    employees: int = DEFAULT_EMPLOYEES,
    calendar: DemoCalendar | None = None,
) -> dict[str, pd.DataFrame]:
    """All demo rows by table; the same arguments always give the same rows."""
    calendar = calendar or DemoCalendar()
    external = generate_mentions(np.random.default_rng([seed, 1]), mentions, calendar)
    internal = generate_network(np.random.default_rng([seed, 2]), messages, employees, calendar)
    tables: dict[str, pd.DataFrame] = {}
    for table in LOAD_ORDER:
        parts = [part[table] for part in (external, internal) if table in part]
        tables[table] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    tables["maturity_answers"] = demo_answers(calendar)
    return tables


def load_demo(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    on_table: Callable[[str, LoadResult], None] | None = None,
    batch_rows: int = 500_000,
) -> LoadResult:
    """Upsert the demo rows in one transaction, recorded as a collection run of source 'demo'."""
    run_id = start_run(con, "demo")
    total = LoadResult()
    try:
        with transaction(con):
            for table in LOAD_ORDER:
                frame = tables[table]
                result = LoadResult()
                for start in range(0, len(frame), batch_rows):
                    result += upsert(con, table, frame.iloc[start : start + batch_rows])
                if on_table:
                    on_table(table, result)
                if table == "posts":
                    total += result
            if "maturity_answers" in tables:
                save_answers(con, tables["maturity_answers"])
    except Exception as error:
        finish_run(con, run_id, total, status="failed", error=str(error).splitlines()[0])
        raise
    finish_run(con, run_id, total)
    return total
