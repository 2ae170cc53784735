"""Collectors under stress, with real processes: killed mid-run, and writing while the
dashboard reads."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from socialpulse.warehouse import open_warehouse
from tests.collectors.feed_server import FeedServer
from tests.dashboard.test_browser import CHROMIUM, free_port, sign_in, start_streamlit
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def pulse(db, *args, **popen):
    return subprocess.Popen(
        [sys.executable, "-m", "socialpulse.cli", "--db", str(db), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def count(db, sql="SELECT count(*) FROM posts"):
    with open_warehouse(db, read_only=True, wait_seconds=30) as con:
        return con.execute(sql).fetchall()[0][0]


def test_a_collector_killed_mid_run_loses_nothing_and_resumes_without_duplicates(empty_db):
    with FeedServer() as server:
        first, slow, last = (
            server.url("feeds/rss20.xml"),
            server.url("slow/rss091.xml?delay=60"),
            server.url("feeds/atom10.xml"),
        )
        process = pulse(empty_db, "collect", "rss", first, slow, last)
        wait_for(lambda: "/slow/rss091.xml" in server.arrived)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert count(empty_db) == 4  # the first feed was committed before the kill
        statuses = count(empty_db, "SELECT list(status) FROM collection_runs")
        assert statuses == ["running"]  # the killed run is left as it was, honestly

        rerun = pulse(empty_db, "collect", "rss", first, server.url("feeds/rss091.xml"), last)
        output, _ = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, output
        assert ("/feeds/rss20.xml", 304) in server.requests  # resumed from its cursor
    assert count(empty_db) == 6
    assert count(empty_db, "SELECT count(*) - count(DISTINCT post_id) FROM posts") == 0


@pytest.mark.browser
def test_the_dashboard_shows_new_collections_while_a_collector_writes(demo_db, tmp_path):
    """Pages read the stored roll-ups (rebuilt by `pulse analyze`); what a running collector
    writes shows at once in the freshness panel, read from the same file between its writes."""
    from playwright.sync_api import sync_playwright

    db = tmp_path / "live.duckdb"
    shutil.copy(demo_db, db)
    analysed = pulse(db, "analyze")
    assert analysed.wait(timeout=300) == 0
    with FeedServer() as feeds, start_streamlit(db, free_port()) as url:
        collector = pulse(db, "collect", "rss", feeds.url("growing.xml"), "--every", "1s")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page()

                def shows_the_collection() -> bool:
                    page.goto(url)
                    sign_in(page)  # a reload is a new session
                    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
                    assert page.locator('[data-testid="stException"]').count() == 0
                    return "rss:" in page.locator('[data-testid="stSidebar"]').inner_text()

                wait_for(lambda: feeds.growing >= 1, timeout=60)
                wait_for(shows_the_collection, timeout=90, every=1.0)
                for _ in range(3):  # the collector keeps writing; pages keep rendering
                    assert shows_the_collection()
                browser.close()
        finally:
            collector.terminate()
            output, _ = collector.communicate(timeout=30)
    assert feeds.growing >= 2
    assert "rss: " in output and "error" not in output.lower()
