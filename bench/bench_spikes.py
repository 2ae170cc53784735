"""Spike detection speed over a year of hourly data, for a first run and for the runs after it.

    .venv/bin/python -m bench.bench_spikes --mentions 1000000

Builds the demo (``seed=1``) with that many mentions, loads it and scores sentiment (timed apart,
not part of the figures), then times ``detect_alerts`` over the whole year (the first run, no
cursor yet), again right after (what a run every few minutes costs), and once more after a day of
new posts arrived.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from analysis.sentiment import score_new_posts
from analysis.spikes import detect_alerts
from bench.demo_warehouse import demo_tables, loaded_warehouse, peak_memory_mib, timed
from collectors.demo.calendar import DemoCalendar
from socialpulse.config import Settings


def _timed(step):
    result, seconds = timed(step)
    return result, round(seconds, 3)


def bench(mentions: int) -> dict:
    tables = demo_tables(mentions)
    settings = Settings()
    end = pd.Timestamp(DemoCalendar().end)
    figures: dict = {"mentions": mentions}
    with loaded_warehouse(tables) as (con, _, load_seconds):
        figures["load_seconds"] = round(load_seconds, 3)
        _, figures["sentiment_seconds"] = _timed(lambda: score_new_posts(con))
        figures["brand_mentions"] = con.execute("SELECT count(*) FROM brand_matches").fetchall()[0][
            0
        ]
        figures["brand_hours"] = con.execute(
            "SELECT count(DISTINCT (brand, date_trunc('hour', created_at))) "
            "FROM posts JOIN brand_matches USING (post_id)"
        ).fetchall()[0][0]
        # The first run a day before the end of the data, then the day arrives.
        first, figures["first_run_seconds"] = _timed(
            lambda: detect_alerts(con, settings, now=end - pd.Timedelta(days=1))
        )
        _, figures["rerun_seconds"] = _timed(
            lambda: detect_alerts(con, settings, now=end - pd.Timedelta(days=1))
        )
        _, figures["next_day_run_seconds"] = _timed(lambda: detect_alerts(con, settings, now=end))
        figures["episodes"] = con.execute("SELECT count(*) FROM alerts").fetchall()[0][0]
        figures["crises"] = con.execute(
            "SELECT count(*) FROM alerts WHERE kind = 'crisis'"
        ).fetchall()[0][0]
        figures["first_run_episodes"] = len(first)
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
