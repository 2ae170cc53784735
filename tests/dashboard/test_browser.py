"""The real thing: `streamlit run` on a free port, driven by Debian's Chromium through Playwright.

Screenshots of every page are kept under test-artifacts/screenshots/ for people to look at.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {"": "Brand conversations", "internal_engagement": "Internal engagement",
         "kpi_scorecard": "KPI scorecard"}
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def start_streamlit(db: Path, port: int) -> Iterator[str]:
    """`streamlit run` on the app with ``db`` as warehouse; yields its URL once healthy."""
    SCREENSHOTS.parent.mkdir(exist_ok=True)
    with open(SCREENSHOTS.parent / f"streamlit-{port}.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "SOCIALPULSE_DB": str(db)},
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; see {log.name}")
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(demo_db):
    with start_streamlit(demo_db, free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_shows_its_title_and_a_drawn_chart_without_errors(server, browser, path, title):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/{path}")
        page.wait_for_selector("h1", timeout=60_000)
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=60_000)
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{path or 'home'}.png", full_page=True)
        assert page.locator("h1").first.inner_text() == title
        canvas = page.locator(".vega-embed canvas, .vega-embed svg").first.bounding_box()
        assert canvas["width"] > 300 and canvas["height"] > 150
        assert page.locator('[data-testid="stException"]').count() == 0
        # The navigation lists all three sections.
        sidebar = page.locator('[data-testid="stSidebarNav"]').inner_text()
        for section in ("Marketing", "Internal communications", "Executive"):
            assert section in sidebar
    finally:
        page.close()
