"""Topic modelling speed on the demo warehouse, for a full run and for an incremental one.

    .venv/bin/python bench/bench_topics.py --mentions 1000000

Builds the demo (``seed=1``) with that many mentions, loads it and scores sentiment (timed apart,
not part of the figure), then times ``compute_topics`` over every month and brand, and again with
``periods=2`` as ``pulse analyze`` runs it (the current and the previous month).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from analysis.sentiment import score_new_posts
from analysis.topics import compute_topics
from collectors.demo import generate_demo, load_demo
from socialpulse.warehouse import connect


def _timed(step):
    started = time.perf_counter()
    result = step()
    return result, round(time.perf_counter() - started, 2)


def bench(mentions: int) -> dict:
    tables = generate_demo(seed=1, mentions=mentions, messages=1000)
    figures: dict = {"mentions": mentions}
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        _, figures["load_seconds"] = _timed(lambda: load_demo(con, tables))
        _, figures["sentiment_seconds"] = _timed(lambda: score_new_posts(con))
        figures["brand_mentions"] = con.execute(
            "SELECT count(DISTINCT post_id) FROM brand_matches").fetchall()[0][0]
        figures["distinct_texts"] = con.execute(
            "SELECT count(DISTINCT text) FROM posts WHERE post_id IN "
            "(SELECT post_id FROM brand_matches)").fetchall()[0][0]
        rows, figures["topics_seconds"] = _timed(lambda: compute_topics(con))
        figures["brand_months"] = int(rows.groupby(["brand", "period_start"]).ngroups)
        figures["topics"] = len(rows)
        figures["post_topic_rows"] = con.execute(
            "SELECT count(*) FROM post_topics").fetchall()[0][0]
        recent, figures["incremental_seconds"] = _timed(lambda: compute_topics(con, periods=2))
        figures["incremental_topics"] = len(recent)
        con.close()
    figures["peak_memory_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.mentions)
    print(json.dumps(figures) if args.json else "\n".join(
        f"{name:>22}: {value:,}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
