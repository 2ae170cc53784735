"""The benchmarks keep working: a tiny run prints every figure (timings are never asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_load_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_load.py"), "--mentions", "2000",
         "--baseline-rows", "200", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["posts"] == 3000  # 2,000 mentions + the 1,000-message minimum network
    assert figures["bulk_insert_posts_per_s"] > 0 and figures["executemany_posts_per_s"] > 0
    assert figures["rows_per_post"] > 1


def test_feed_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_rss.py"), "--entries", "2000", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["entries"] == figures["stored"] == 2000
    assert figures["all stages items/s"] > 0


def test_sentiment_benchmark_prints_its_figures_and_checks_identity():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_sentiment.py"), "--mentions", "2000",
         "--sample", "300", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["identical_on_sample"] is True
    assert figures["mentions"] == 2000 and figures["scored_rows"] == 3000
