"""Sentiment speed on demo mentions (30% reposts) against the naive per-row VADER, in one run.

    .venv/bin/python bench/bench_sentiment.py --mentions 1000000

Prints rows per second for the naive ``df.text.apply(analyzer.polarity_scores)`` (on a sample)
and for ``score_new_posts`` (all rows: dedup, fast VADER, both cores), checks both give
identical scores on the sample, and times a full ``pulse analyze`` at that size.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.pipeline import run_analysis
from analysis.sentiment import score_new_posts
from collectors.demo import generate_demo, load_demo
from socialpulse.config import load_settings
from socialpulse.warehouse import connect


def bench(mentions: int, sample: int) -> dict:
    tables = generate_demo(seed=1, mentions=mentions, messages=1000)
    posts = tables["posts"]
    external = posts[posts["platform"].isin(["x", "reddit", "rss"])]
    figures: dict = {"mentions": len(external), "distinct_texts": int(posts["text"].nunique()),
                     "reposts_share": round(float((external["kind"] == "share").mean()), 3)}
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        load_demo(con, tables)

        rows = external.sample(min(sample, len(external)), random_state=0)
        analyzer = SentimentIntensityAnalyzer()
        started = time.perf_counter()
        naive = rows["text"].apply(analyzer.polarity_scores)
        naive_seconds = time.perf_counter() - started
        figures["naive_rows_per_s"] = round(len(rows) / naive_seconds)

        started = time.perf_counter()
        scored = score_new_posts(con)
        ours_seconds = time.perf_counter() - started
        figures["scored_rows"] = scored
        figures["score_new_posts_rows_per_s"] = round(scored / ours_seconds)
        figures["score_new_posts_seconds"] = round(ours_seconds, 1)
        figures["speedup"] = round(figures["score_new_posts_rows_per_s"]
                                   / figures["naive_rows_per_s"], 1)
        con.register("_sample", rows[["post_id"]])
        stored = con.execute("SELECT post_id, compound FROM sentiment_scores "
                             "WHERE method = 'vader' AND post_id IN (SELECT post_id FROM _sample)"
                             ).df().set_index("post_id")["compound"]
        expected = naive.map(lambda s: s["compound"]).set_axis(rows["post_id"])
        figures["identical_on_sample"] = bool((stored.loc[expected.index] == expected).all())

        con.execute("DELETE FROM sentiment_scores; DELETE FROM brand_daily; "
                    "DELETE FROM collector_state WHERE collector = 'analyze'")
        started = time.perf_counter()
        run_analysis(con, load_settings())
        figures["full_analyze_seconds"] = round(time.perf_counter() - started, 1)
        con.close()
    figures["peak_memory_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.mentions, args.sample)
    print(json.dumps(figures) if args.json else "\n".join(
        f"{name:>28}: {value:,}" if isinstance(value, int | float) and not isinstance(
            value, bool) else f"{name:>28}: {value}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
