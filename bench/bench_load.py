"""Load speed: the bulk upsert loader against row-by-row executemany, in the same run.

    .venv/bin/python bench/bench_load.py --mentions 1000000 --messages 0

Prints one table and, with --json, the same figures as JSON. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from collectors.demo import LOAD_ORDER, generate_demo
from socialpulse.warehouse import connect, transaction, upsert


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench(mentions: int, messages: int, baseline_rows: int) -> dict:
    tables = generate_demo(seed=1, mentions=mentions, messages=max(messages, 1000))
    posts = tables["posts"]
    rows_per_post = sum(len(tables[t]) for t in ("posts", "engagement_snapshots",
                                                 "brand_matches")) / len(posts)
    figures: dict[str, float] = {"posts": len(posts), "rows_per_post": round(rows_per_post, 2)}
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")

        def load_all():
            with transaction(con):
                for table in LOAD_ORDER:
                    upsert(con, table, tables[table])
            con.execute("CHECKPOINT")

        first = timed(load_all)
        again = timed(load_all)
        figures["bulk_insert_posts_per_s"] = round(len(posts) / first)
        figures["bulk_reload_posts_per_s"] = round(len(posts) / again)
        figures["size_mb_per_million_posts"] = round(
            (Path(folder) / "bench.duckdb").stat().st_size / 2**20 / len(posts) * 1e6, 1)

        sample = posts.head(baseline_rows)
        columns = list(sample.columns)
        con.execute("CREATE TABLE naive AS SELECT * FROM posts LIMIT 0")
        rows = list(sample.itertuples(index=False, name=None))
        naive = timed(lambda: con.executemany(
            f"INSERT INTO naive ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})", rows))
        figures["executemany_posts_per_s"] = round(len(sample) / naive)
        figures["bulk_vs_executemany"] = round(
            figures["bulk_insert_posts_per_s"] / figures["executemany_posts_per_s"], 1)
        con.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=0)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
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
