"""``pulse bench``: every benchmark at one size, on demo warehouses built in a temporary folder.

Two warehouses, so each figure measures what its target names:
- the load warehouse (the mentions and the demo's smallest employee network) for the load, the
  row-by-row baseline, sentiment and the size on disk;
- the analysis warehouse (the mentions and as many internal messages, at most a million: a
  company's network does not grow with its brand's mentions) for a full ``pulse analyze`` in a
  child process and the dashboard pages.
The importers and the feed collector run their own benchmarks, at a size capped so they take
seconds: their figure is a rate.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis.sentiment import score_new_posts
from bench import bench_live, bench_rss, bench_slack_import
from bench.analyze_run import measure_analyze
from bench.bench_load import bulk_figures, executemany_baseline, load_profile
from bench.bench_search import measure_search
from bench.bench_sentiment import measure_sentiment
from bench.demo_warehouse import (
    demo_tables,
    loaded_warehouse,
    scratch_folder,
    size_mib,
    timed,
)
from bench.machine import machine, versions
from bench.pages import measure_pages
from bench.profiling import profile_text
from bench.report import PAGE_WARM_S, Run
from socialpulse.warehouse import connect

TINY = 3_000
SIZE = re.compile(r"(\d+(?:\.\d+)?)([km]?)")
MAX_MESSAGES = 1_000_000
SLACK_MAX = 200_000
FEED_MAX = 50_000
LIVE_BASE_MAX = 50_000  # the baseline before the crisis; latency does not grow with it


@dataclass(frozen=True)
class Size:
    label: str
    mentions: int

    @property
    def messages(self) -> int:
        return min(self.mentions, MAX_MESSAGES)

    @property
    def sample_rows(self) -> int:
        """Rows of the row-by-row baselines (executemany, naive sentiment)."""
        return 1_000 if self.mentions <= TINY else 20_000

    @property
    def slack_messages(self) -> int:
        return min(self.mentions, SLACK_MAX)

    @property
    def feed_entries(self) -> int:
        return max(bench_rss.PER_FEED, min(self.mentions, FEED_MAX))


def short(count: int) -> str:
    """1,000,000 as 1M, 50,000 as 50k: labels stay narrow enough for a terminal."""
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if count >= scale:
            return f"{count / scale:.3g}{unit}"
    return str(count)


def parse_size(text: str) -> Size:
    """'tiny', '50k', '1m', '10m' or a plain number of mentions (at least 1,000)."""
    label = text.strip().lower().replace(",", "").replace("_", "")
    if label == "tiny":
        return Size("tiny", TINY)
    match = SIZE.fullmatch(label)
    if not match:
        raise ValueError(f"{text!r}: expected tiny, 50k, 1m, 10m or a number of mentions")
    mentions = round(float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)])
    if mentions < 1_000:
        raise ValueError(f"{text!r}: the demo needs at least 1,000 mentions")
    return Size(label, mentions)


def _add_sentiment_figures(run: Run, sentiment: dict) -> None:
    run.details["sentiment"] = {
        k: sentiment[k]
        for k in (
            "mentions",
            "reposts_share",
            "distinct_texts",
            "scored_rows",
            "sentiment_seconds",
        )
    }
    run.add(
        "sentiment_naive_rows_per_s",
        f"Naive sentiment ({sentiment['naive_rows']:,} rows)",
        sentiment["naive_rows_per_s"],
        "rows/s",
    )
    run.add(
        "sentiment_rows_per_s",
        f"Sentiment ({sentiment['scored_rows']:,} rows)",
        sentiment["sentiment_rows_per_s"],
        "rows/s",
    )
    run.add("sentiment_speedup", "Sentiment vs naive", sentiment["speedup"], "x")
    run.add("sentiment_identical", "Sentiment identical", sentiment["identical_on_sample"])
    run.add(
        "sentiment_seconds_per_million",
        "Sentiment, 1M at this rate",
        round(1e6 / sentiment["sentiment_rows_per_s"], 2),
        "s",
    )


def _load_and_sentiment(run: Run, size: Size, work: Path, say: Callable[[str], None]) -> None:
    say(f"generating {size.mentions:,} mentions")
    tables, generate_s = timed(lambda: demo_tables(size.mentions))
    posts = len(tables["posts"])
    run.add("generate_seconds", f"Generate {posts:,} posts", round(generate_s, 3), "s")
    say("loading them")
    with loaded_warehouse(tables, work, "load.duckdb") as (con, path, seconds):
        load_figures = bulk_figures(tables, seconds, path, size.mentions)
        run.add(
            "load_posts_per_s",
            "Load (every table, on disk)",
            load_figures["bulk_posts_per_s"],
            "posts/s",
        )
        run.add("load_rows_per_post", "Rows per post loaded", load_figures["rows_per_post"], "rows")
        say(f"scoring sentiment, and {size.sample_rows:,} mentions the naive way")
        sentiment = measure_sentiment(con, tables, size.sample_rows)
        con.execute("CHECKPOINT")
        run.add(
            "size_mib_per_million_mentions",
            "Disk per 1M mentions",
            round(size_mib(path) / size.mentions * 1e6, 1),
            "MiB",
        )
        _add_sentiment_figures(run, sentiment)
        if any(line.verdict == "MISS" for line in run.lines if line.key.startswith("sentiment")):
            say("profiling sentiment (a target was missed)")
            con.execute("DELETE FROM sentiment_scores")
            run.profiles["sentiment"] = profile_text(lambda: score_new_posts(con))
    if any(line.verdict == "MISS" for line in run.lines if line.key == "load_posts_per_s"):
        say("profiling the load (its target was missed)")
        again = connect(work / "profile.duckdb")
        try:
            run.profiles["load_posts_per_s"] = load_profile(again, tables)
        finally:
            again.close()
    say(f"row-by-row executemany baseline ({size.sample_rows:,} rows)")
    baseline = executemany_baseline(tables, work, size.sample_rows)
    run.add(
        "executemany_posts_per_s",
        f"Executemany ({baseline['executemany_rows']:,} rows)",
        baseline["executemany_posts_per_s"],
        "posts/s",
    )
    run.add(
        "load_vs_executemany",
        "Load vs executemany",
        round(load_figures["bulk_posts_per_s"] / baseline["executemany_posts_per_s"], 1),
        "x",
    )
    for leftover in work.glob("*.duckdb*"):
        leftover.unlink()


def _analyze_and_pages(run: Run, size: Size, work: Path, say: Callable[[str], None]) -> None:
    say(
        f"building the analysis warehouse ({size.mentions:,} mentions, "
        f"{size.messages:,} internal messages)"
    )
    tables = demo_tables(size.mentions, size.messages)
    with loaded_warehouse(tables, work, "analyze.duckdb") as (_, path, _):
        pass
    del tables
    gc.collect()  # the child should have the memory this process no longer needs
    say("running pulse analyze in a child process")
    figures, steps = measure_analyze(path)
    run.details["analyze_steps"] = steps
    label = f"Analyze {short(size.mentions)} + {short(size.messages)}"
    run.add("analyze_seconds", label, figures["analyze_seconds"], "s")
    run.add("analyze_peak_mib", "Analyze peak memory", figures["analyze_peak_mib"], "MiB")
    say("rendering every dashboard page")
    pages = measure_pages(path, PAGE_WARM_S, work)
    run.details["pages"] = [{k: v for k, v in p.items() if k != "profile"} for p in pages]
    for page in pages:
        name = page["page"]
        if "cold_s" not in page:
            run.add(f"page_{name}_warm_s", f"{name}", f"failed: {page['error']}")
            continue
        run.add(f"page_{name}_cold_s", f"{name} cold", page["cold_s"], "s")
        run.add(f"page_{name}_warm_s", f"{name} warm", page["warm_s"], "s")
        if "error" in page:
            run.add(f"page_{name}_filter_s", f"{name} filter", f"failed: {page['error']}")
        elif "filter_s" in page:
            run.add(f"page_{name}_filter_s", f"{name} filter", page["filter_s"], "s")
        if "profile" in page:
            run.profiles[f"page_{name}_warm_s"] = page["profile"]
    say("timing the mention list and search")
    for name, found in measure_search(path).items():
        run.add(
            f"search_{name}_s",
            f"Mentions: {name.replace('_', ' ')} ({found['matches']:,} matches)",
            found["seconds"],
            "s",
        )
    if any(line.key == "analyze_peak_mib" and line.verdict == "MISS" for line in run.lines):
        run.profiles["analyze_peak_mib"] = "\n".join(
            f"{s['step']:<16} {s['seconds']:>9} s {s['peak_mib']:>9,} MiB" for s in steps
        )


def _importers(run: Run, size: Size, say: Callable[[str], None]) -> None:
    say(f"Slack import ({size.slack_messages:,} messages)")
    channels = min(max(size.slack_messages // 10_000, 5), 200)
    slack = bench_slack_import.bench(size.slack_messages, channels, 90, 2_000, as_zip=False)
    run.add(
        "slack_messages_per_s",
        f"Slack import ({short(slack['messages'])})",
        slack["messages_per_s"],
        "messages/s",
    )
    say(f"RSS collector ({size.feed_entries:,} entries)")
    feeds = bench_rss.bench(size.feed_entries)
    run.add(
        "rss_items_per_s",
        f"RSS collect ({short(feeds['entries'])})",
        feeds["all stages items/s"],
        "items/s",
    )


def _live(run: Run, size: Size, say: Callable[[str], None]) -> None:
    """`pulse listen`: a rate and a latency, on a base warehouse capped like the importers'."""
    tiny = size.mentions <= TINY
    say("live intake: push, stream, and the crisis replayed at real speed (alert latency)")
    live = bench_live.bench(
        min(size.mentions, LIVE_BASE_MAX),
        runs=1 if tiny else 5,
        posts=2_000 if tiny else 20_000,
    )
    run.details["live"] = live
    latency = live["latency"]
    runs = latency["runs"]
    run.add("live_push_per_s", "Push intake (WebSub)", live["push"]["entries_per_s"], "posts/s")
    run.add(
        "live_stream_per_s", "Stream intake (Jetstream)", live["stream"]["posts_per_s"], "posts/s"
    )
    run.add(
        "live_alert_median_s",
        f"Crisis alert, push and stream (median of {runs})",
        latency["push_stream_median_s"],
        "s",
    )
    run.add(
        "live_alert_worst_s",
        "Crisis alert, push and stream (worst)",
        latency["push_stream_worst_s"],
        "s",
    )
    run.add(
        "live_polling_median_s",
        f"Crisis alert, polling every 15 min (median of {runs})",
        latency["polling_15m_median_s"],
        "s",
    )
    run.add(
        "live_polling_worst_s",
        "Crisis alert, polling every 15 min (worst)",
        latency["polling_15m_worst_s"],
        "s",
    )


def run_suite(size: Size, say: Callable[[str], None] = lambda _: None) -> Run:
    """Every measurement at ``size``; nothing is written outside a temporary folder."""
    run = Run(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        size=size.label,
        mentions=size.mentions,
        messages=size.messages,
        machine=machine(),
        versions=versions(),
    )
    with scratch_folder() as work:
        _load_and_sentiment(run, size, work, say)
        gc.collect()
        _analyze_and_pages(run, size, work, say)
    _importers(run, size, say)
    _live(run, size, say)
    return run
