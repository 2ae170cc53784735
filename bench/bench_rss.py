"""Feed ingestion speed: parse + brand matching + load of many feed entries.

    .venv/bin/python -m bench.bench_rss --entries 100000

Feeds are generated locally (demo sentences, 1,000 entries a feed) so the figure measures our
path, not a network. Prints items per second for each stage and in all.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser
import numpy as np

from collectors.demo import texts
from collectors.rss import feed_to_rows
from collectors.runner import save_rows, tag_brands
from socialpulse.brand_rules import BrandRule
from socialpulse.config import load_settings
from socialpulse.warehouse import connect, transaction

PER_FEED = 1_000


def make_feed(rng: np.random.Generator, number: int, entries: int) -> bytes:
    brands = np.asarray(["Northwind", "Summitline", "Kestrel Gear", "a local shop"], dtype=object)
    bodies = texts.fill(
        rng,
        texts.EXTERNAL["neutral"] + texts.EXTERNAL["negative"],
        entries,
        brand=brands[rng.integers(0, 4, entries)],
        product=texts.PRODUCTS,
        city=("Lyon", "Denver"),
        other=("older",),
        link=("",),
        tag=("",),
        pos=("",),
        neg=("",),
    )
    start = datetime(2026, 9, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>{escape(body[:60])}</title>"
        f"<link>https://site{number}.example/story/{i}</link><guid>s{number}-{i}</guid>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>"
        f"<description>&lt;p&gt;{escape(escape(body))}&lt;/p&gt;</description></item>"
        for i, body in enumerate(bodies)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Site {number}</title><link>https://site{number}.example/</link>{items}"
        f"</channel></rss>"
    ).encode()


def bench(entries: int) -> dict:
    rng = np.random.default_rng(3)
    feeds = [make_feed(rng, n, PER_FEED) for n in range(max(1, entries // PER_FEED))]
    rules = [BrandRule.from_config(b) for b in load_settings().brands]
    fetched = datetime(2026, 11, 1)
    seconds = {"parse": 0.0, "to_rows + match": 0.0, "load": 0.0}
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        for number, body in enumerate(feeds):
            started = time.perf_counter()
            parsed = feedparser.parse(body)
            payload = {
                "url": f"https://site{number}.example/feed",
                "feed": dict(parsed.feed),
                "entries": [dict(e) for e in parsed.entries],
            }
            parsed_at = time.perf_counter()
            rows = tag_brands(feed_to_rows(payload, fetched), rules)
            tagged_at = time.perf_counter()
            with transaction(con):
                save_rows(con, rows)
            loaded_at = time.perf_counter()
            seconds["parse"] += parsed_at - started
            seconds["to_rows + match"] += tagged_at - parsed_at
            seconds["load"] += loaded_at - tagged_at
        stored = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
        con.close()
    total = len(feeds) * PER_FEED
    figures = {"entries": total, "stored": stored}
    for stage, spent in seconds.items():
        figures[f"{stage} items/s"] = round(total / spent)
    figures["all stages items/s"] = round(total / sum(seconds.values()))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench(args.entries)
    print(
        json.dumps(figures)
        if args.json
        else "\n".join(f"{name:>24}: {value:,}" for name, value in figures.items())
    )


if __name__ == "__main__":
    main()
