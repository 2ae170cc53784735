"""Sentiment speed on demo mentions (30% reposts) against the naive per-row VADER, in one run.

    .venv/bin/python -m bench.bench_sentiment --mentions 1000000

Prints rows per second for the naive ``df.text.apply(analyzer.polarity_scores)`` (on a sample)
and for ``score_new_posts`` (all rows: dedup, fast VADER, every core), checks both give
identical scores on the sample, and times a full ``pulse analyze`` at that size (in this process;
``pulse bench`` measures it in a child process, with its peak memory).
"""

from __future__ import annotations

import argparse
import json

import duckdb
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.pipeline import run_analysis
from analysis.sentiment import LONG_TEXT, score_new_posts
from bench.demo_warehouse import (
    demo_tables,
    external_posts,
    loaded_warehouse,
    peak_memory_mib,
    timed,
)
from socialpulse.config import load_settings

SAMPLE = 20_000
NAIVE_KEYS = {"compound": "compound", "positive": "pos", "neutral": "neu", "negative": "neg"}


def naive_sample(tables: dict[str, pd.DataFrame], size: int) -> pd.DataFrame:
    """Mentions the naive call scores exactly as we do: English, short enough to score whole."""
    mentions = external_posts(tables)
    plain = mentions[(mentions["language"] == "en") & (mentions["text"].str.len() <= LONG_TEXT)]
    return plain.sample(min(size, len(plain)), random_state=0)


def measure_sentiment(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], sample: int = SAMPLE
) -> dict:
    """Score every post of the warehouse, and the naive way a sample of them; compare."""
    mentions = external_posts(tables)
    figures: dict = {
        "mentions": len(mentions),
        "reposts_share": round(float((mentions["kind"] == "share").mean()), 3),
        "distinct_texts": int(tables["posts"]["text"].nunique()),
    }
    rows = naive_sample(tables, sample)
    analyzer = SentimentIntensityAnalyzer()
    naive, naive_seconds = timed(lambda: rows["text"].apply(analyzer.polarity_scores))
    figures["naive_rows"] = len(rows)
    figures["naive_rows_per_s"] = round(len(rows) / naive_seconds)

    scored, seconds = timed(lambda: score_new_posts(con))
    figures["scored_rows"] = scored
    figures["sentiment_seconds"] = round(seconds, 3)
    figures["sentiment_rows_per_s"] = round(scored / seconds)
    figures["speedup"] = round(figures["sentiment_rows_per_s"] / figures["naive_rows_per_s"], 1)

    con.register("_sample", rows[["post_id"]])
    try:
        stored = (
            con.execute(
                "SELECT post_id, compound, positive, neutral, negative FROM sentiment_scores "
                "WHERE method = 'vader' AND post_id IN (SELECT post_id FROM _sample)"
            )
            .df()
            .set_index("post_id")
            .loc[rows["post_id"]]
        )
    finally:
        con.unregister("_sample")
    expected = pd.DataFrame(
        {
            ours: naive.map(lambda s, k=theirs: s[k]).to_numpy()
            for ours, theirs in NAIVE_KEYS.items()
        },
        index=stored.index,
    )
    figures["identical_on_sample"] = bool(stored.equals(expected))
    return figures


def bench(mentions: int, sample: int) -> dict:
    tables = demo_tables(mentions)
    with loaded_warehouse(tables) as (con, _, _):
        figures = measure_sentiment(con, tables, sample)
        con.execute(
            "DELETE FROM sentiment_scores; DELETE FROM brand_daily; "
            "DELETE FROM collector_state WHERE collector = 'analyze'"
        )
        _, seconds = timed(lambda: run_analysis(con, load_settings()))
        figures["full_analyze_seconds"] = round(seconds, 1)
    figures["peak_memory_mib"] = peak_memory_mib()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=SAMPLE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.mentions, args.sample)
    print(
        json.dumps(figures)
        if args.json
        else "\n".join(
            f"{name:>28}: {value:,}"
            if isinstance(value, int | float) and not isinstance(value, bool)
            else f"{name:>28}: {value}"
            for name, value in figures.items()
        )
    )


if __name__ == "__main__":
    main()
