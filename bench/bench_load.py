"""Load speed: the bulk upsert loader against a row-by-row executemany loader, in the same run.

    .venv/bin/python -m bench.bench_load --mentions 1000000

Both loaders write every table of a post (posts, engagement snapshots, brand matches) into a
migrated warehouse on disk, in one transaction, checkpointed. Prints one table and, with
--json, the same figures as JSON. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

import duckdb
import pandas as pd
from rich.console import Console
from rich.table import Table

from bench.demo_warehouse import (
    POST_TABLES,
    demo_tables,
    load,
    loaded_warehouse,
    scratch_folder,
    size_mib,
    timed,
)
from collectors.demo import load_demo
from socialpulse.warehouse import connect, transaction

BASELINE_ROWS = 20_000


def rows_per_post(tables: dict[str, pd.DataFrame]) -> float:
    return sum(len(tables[t]) for t in POST_TABLES) / len(tables["posts"])


def bulk_figures(
    tables: dict[str, pd.DataFrame], seconds: float, path: Path, mentions: int
) -> dict:
    """What the bulk load of ``tables`` (every table, not only a post's) took ``seconds`` to do."""
    posts = len(tables["posts"])
    return {
        "posts": posts,
        "rows_per_post": round(rows_per_post(tables), 2),
        "load_seconds": round(seconds, 3),
        "bulk_posts_per_s": round(posts / seconds),
        "size_mib_per_million_mentions": round(size_mib(path) / mentions * 1e6, 1),
    }


def load_profile(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> str:
    """Seconds and rows per second of each table of one load, then the checkpoint: the
    loader's time is spent inside DuckDB, where cProfile cannot see which table costs it."""
    marks: list[tuple[str, int, float]] = [("(start)", 0, time.perf_counter())]
    load_demo(
        con, tables, lambda table, result: marks.append((table, result.seen, time.perf_counter()))
    )
    con.execute("CHECKPOINT")
    marks.append(("(the rest: commit, checkpoint)", 0, time.perf_counter()))
    lines = [f"{'table':<30}{'rows':>12}{'seconds':>10}{'rows/s':>12}"]
    for (_, _, before), (table, rows, after) in itertools.pairwise(marks):
        rate = f"{rows / (after - before):>12,.0f}" if rows else ""
        lines.append(f"{table:<30}{rows:>12,}{after - before:>10.3f}{rate}")
    return "\n".join(lines)


def _python_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as Python tuples with None for missing values, as a hand-written loader sends them."""
    return list(frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None))


def executemany_baseline(
    tables: dict[str, pd.DataFrame], folder: Path, rows: int = BASELINE_ROWS
) -> dict:
    """Insert at most ``rows`` rows (whole posts, with their snapshots and matches) one by one."""
    ids = tables["posts"]["post_id"]
    per_post = 1 + sum(
        ids.map(tables[t]["post_id"].value_counts()).fillna(0) for t in POST_TABLES[1:]
    )
    count = max(1, int((per_post.cumsum() <= rows).sum()))
    sample = set(ids.head(count))
    frames = {t: tables[t][tables[t]["post_id"].isin(sample)] for t in POST_TABLES}
    batches = {t: (list(f.columns), _python_rows(f)) for t, f in frames.items()}
    con = connect(folder / "executemany.duckdb")
    try:

        def insert_all() -> None:
            with transaction(con):
                for table, (columns, values) in batches.items():
                    con.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' for _ in columns)})",
                        values,
                    )
            con.execute("CHECKPOINT")

        seconds = timed(insert_all)[1]
    finally:
        con.close()
    written = sum(len(f) for f in frames.values())
    return {
        "executemany_rows": written,
        "executemany_posts": count,
        "executemany_posts_per_s": round(count / seconds),
        "executemany_rows_per_s": round(written / seconds),
    }


def bench(mentions: int, messages: int, baseline_rows: int) -> dict:
    tables = demo_tables(mentions, messages)
    with scratch_folder() as folder:
        with loaded_warehouse(tables, folder) as (con, path, first):
            figures = bulk_figures(tables, first, path, mentions)
            figures["bulk_reload_posts_per_s"] = round(len(tables["posts"]) / load(con, tables))
        figures |= executemany_baseline(tables, folder, baseline_rows)
    figures["bulk_vs_executemany"] = round(
        figures["bulk_posts_per_s"] / figures["executemany_posts_per_s"], 1
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=0)
    parser.add_argument("--baseline-rows", type=int, default=BASELINE_ROWS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.mentions, args.messages, args.baseline_rows)
    if args.json:
        print(json.dumps(figures))
        return
    table = Table("figure", "value", title="Warehouse load")
    for name, value in figures.items():
        table.add_row(name, f"{value:,}")
    Console().print(table)


if __name__ == "__main__":
    main()
