"""The mention list and search of the Mentions page, on an analysed warehouse.

    SOCIALPULSE_DB=path/to/analysed.duckdb .venv/bin/python -m bench.bench_search

Each case is one page of 25 mentions over the dashboard's default dates (the last quarter with
data), as a marketing user sees it (restricted channels filtered out), timed on its second run on
one connection: the dashboard keeps its connection while queries come, and DuckDB caches no
results, so the second run is the query's own cost.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.period import Period
from analysis.search import MentionQuery, search_mentions
from analysis.volume import data_range
from bench.demo_warehouse import timed
from dashboard.components.filters import DEFAULT_PRESET, preset_range
from socialpulse.warehouse import default_db_path, open_warehouse

ROLE = "marketing"
CASES = {
    "top_mentions": MentionQuery(),
    "newest_negative": MentionQuery(order="newest", sentiments=("negative",)),
    "one_keyword": MentionQuery("zipper"),
    "keyword_and_phrase": MentionQuery('refund "customer service"'),
    "keyword_brand_platform": MentionQuery("tent", brands=("Northwind",), platforms=("x",)),
}


def measure_search(db: Path) -> dict[str, dict]:
    """Seconds and matches of each case."""
    results = {}
    with open_warehouse(db, read_only=True) as con:
        period = Period(*preset_range(DEFAULT_PRESET, *data_range(con)))  # as the sidebar
        for name, query in CASES.items():
            search_mentions(con, period, query, role=ROLE)
            found, seconds = timed(lambda q=query: search_mentions(con, period, q, role=ROLE))
            results[name] = {
                "seconds": round(seconds, 4),
                "matches": int(found["total"].iloc[0]) if len(found) else 0,
            }
    return results


def main() -> None:
    print(json.dumps(measure_search(default_db_path()), indent=2))


if __name__ == "__main__":
    main()
