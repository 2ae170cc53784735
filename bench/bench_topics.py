"""Topic modelling speed on the demo warehouse, for a full run and for an incremental one.

    .venv/bin/python -m bench.bench_topics --mentions 1000000

Builds the demo (``seed=1``) with that many mentions, loads it and scores sentiment (timed apart,
not part of the figure), then times ``compute_topics`` over every month and brand, and again with
``periods=2`` as ``pulse analyze`` runs it (the current and the previous month).
"""

from __future__ import annotations

import argparse
import json

from analysis.sentiment import score_new_posts
from analysis.topics import compute_topics
from bench.demo_warehouse import demo_tables, loaded_warehouse, peak_memory_mib, timed


def _timed(step):
    result, seconds = timed(step)
    return result, round(seconds, 2)


def bench(mentions: int) -> dict:
    tables = demo_tables(mentions)
    figures: dict = {"mentions": mentions}
    with loaded_warehouse(tables) as (con, _, load_seconds):
        figures["load_seconds"] = round(load_seconds, 2)
        _, figures["sentiment_seconds"] = _timed(lambda: score_new_posts(con))
        figures["brand_mentions"] = con.execute(
            "SELECT count(DISTINCT post_id) FROM brand_matches"
        ).fetchall()[0][0]
        figures["distinct_texts"] = con.execute(
            "SELECT count(DISTINCT text) FROM posts WHERE post_id IN "
            "(SELECT post_id FROM brand_matches)"
        ).fetchall()[0][0]
        rows, figures["topics_seconds"] = _timed(lambda: compute_topics(con))
        figures["brand_months"] = int(rows.groupby(["brand", "period_start"]).ngroups)
        figures["topics"] = len(rows)
        figures["post_topic_rows"] = con.execute("SELECT count(*) FROM post_topics").fetchall()[0][
            0
        ]
        recent, figures["incremental_seconds"] = _timed(lambda: compute_topics(con, periods=2))
        figures["incremental_topics"] = len(recent)
    figures["peak_memory_mib"] = peak_memory_mib()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.mentions)
    print(
        json.dumps(figures)
        if args.json
        else "\n".join(f"{name:>22}: {value:,}" for name, value in figures.items())
    )


if __name__ == "__main__":
    main()
