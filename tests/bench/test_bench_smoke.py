"""The benchmarks keep working: tiny runs give every figure (timings are never asserted)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.bench_search import CASES
from bench.pages import discover
from socialpulse.cli import app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
FIGURES = {
    "generate_seconds",
    "load_posts_per_s",
    "load_rows_per_post",
    "executemany_posts_per_s",
    "load_vs_executemany",
    "size_mib_per_million_mentions",
    "sentiment_naive_rows_per_s",
    "sentiment_rows_per_s",
    "sentiment_speedup",
    "sentiment_seconds_per_million",
    "analyze_seconds",
    "analyze_peak_mib",
    "slack_messages_per_s",
    "rss_items_per_s",
    "live_push_per_s",
    "live_stream_per_s",
    "live_alert_median_s",
    "live_alert_worst_s",
    "live_polling_worst_s",
    "live_polling_median_s",
    *(f"search_{case}_s" for case in CASES),
}


def script(name: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pulse_bench_tiny_gives_every_figure_and_leaves_the_docs_alone(tmp_path):
    docs_before = DOCS.read_bytes()
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "socialpulse.cli",
            "bench",
            "--size",
            "tiny",
            "--out",
            str(out),
            "--no-record",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    [path] = out.glob("bench-tiny-*.json")
    run = json.loads(path.read_text())
    renders = {f"page_{p.stem}_{kind}_s" for p in discover() for kind in ("cold", "warm")}
    filtered = {f"page_{p['page']}_filter_s" for p in run["details"]["pages"] if "filter" in p}
    assert "page_brand_conversations_filter_s" in filtered  # a page without filters has none
    assert set(run["figures"]) == FIGURES | renders | filtered
    assert all(value > 0 for value in run["figures"].values()), run["figures"]
    assert run["checks"] == {"sentiment_identical": True}
    assert run["errors"] == {}
    assert (run["mentions"], run["messages"]) == (3_000, 3_000)
    assert run["machine"]["cores"] >= 1 and run["versions"]["duckdb"]
    assert {v["verdict"] for v in run["verdicts"].values()} <= {"PASS", "MISS"}
    assert [s["step"] for s in run["details"]["analyze_steps"]][0] == "sentiment"
    assert "Load (every table, on disk)" in result.stdout  # the table
    assert DOCS.read_bytes() == docs_before
    assert not list(tmp_path.glob("*.duckdb*"))  # warehouses stay in their temporary folder


def test_pulse_bench_refuses_an_unknown_size():
    result = CliRunner().invoke(app, ["bench", "--size", "lots", "--no-record"])
    assert result.exit_code == 1
    assert "'lots': expected tiny, 50k, 1m, 10m or a number of mentions" in result.output


def test_load_benchmark_prints_its_figures():
    figures = script("bench_load", "--mentions", "2000", "--baseline-rows", "200")
    assert figures["posts"] == 3000  # 2,000 mentions + the 1,000-message minimum network
    assert figures["bulk_posts_per_s"] > 0 and figures["executemany_posts_per_s"] > 0
    assert figures["rows_per_post"] > 1
    assert 190 <= figures["executemany_rows"] <= 200  # whole posts, up to the rows asked for


def test_feed_benchmark_prints_its_figures():
    figures = script("bench_rss", "--entries", "2000")
    assert figures["entries"] == figures["stored"] == 2000
    assert figures["all stages items/s"] > 0


def test_sentiment_benchmark_prints_its_figures_and_checks_identity():
    figures = script("bench_sentiment", "--mentions", "2000", "--sample", "300")
    assert figures["identical_on_sample"] is True
    assert figures["mentions"] == 2000 and figures["scored_rows"] == 3000
    assert figures["naive_rows"] == 300
