"""The real thing: `streamlit run` on a free port, driven by Debian's Chromium through Playwright.

Screenshots of every page, and of the steps of the filter test, are kept under
test-artifacts/screenshots/ for people to look at.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {"": "Brand conversations", "topics_alerts": "Topics & alerts", "mentions": "Mentions",
         "internal_engagement": "Internal engagement", "kpi_scorecard": "KPI scorecard"}
CHART = ".vega-embed canvas, .vega-embed svg"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SIDEBAR = '[data-testid="stSidebar"]'
PASSWORD = "a long browser password"
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def start_streamlit(db: Path, port: int) -> Iterator[str]:
    """`streamlit run` on the app with ``db`` as warehouse and a users file of its own (one
    account per role, named after it, password ``PASSWORD``); yields its URL once healthy."""
    from socialpulse.access import ROLES
    from socialpulse.users import add_user

    SCREENSHOTS.parent.mkdir(exist_ok=True)
    accounts = Path(tempfile.mkdtemp(prefix="socialpulse-users-")) / "users.toml"
    for role in ROLES:
        add_user(role, role, PASSWORD, path=accounts)
    with open(SCREENSHOTS.parent / f"streamlit-{port}.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "SOCIALPULSE_DB": str(db),
                           "SOCIALPULSE_USERS_FILE": str(accounts)},
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
def server(analysed_db, tmp_path_factory):
    """Its own copy of the warehouse: signing in and page views write the audit log."""
    import shutil

    db = tmp_path_factory.mktemp("served") / "demo.duckdb"
    shutil.copy(analysed_db, db)
    with start_streamlit(db, free_port()) as url:
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


@pytest.fixture
def page(browser):
    """A fresh browser context (a new Streamlit session) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def sign_in(page: Page, role: str = "admin") -> None:
    """Fill the login form that every new session gets first."""
    page.wait_for_selector('h1:has-text("Sign in to SocialPulse")', timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    # A link to a page the visitor cannot see yet says "page not found" above the login;
    # once signed in they are taken to that page.
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
        page.get_by_role("dialog").wait_for(state="detached", timeout=10_000)
    page.locator('input[aria-label="Name"]').fill(role)
    page.locator('input[type="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def settle(page: Page, title: str) -> None:
    """Wait until the page's script has finished and its first chart or table is drawn."""
    page.wait_for_selector(f'h1:has-text("{title}")', timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_selector(f'{CHART}, [data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(IDLE, timeout=60_000)


def shoot(page: Page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the window
    is stretched to that block's height first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.set_viewport_size(size)


def metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def brands_chosen(page: Page) -> list[str]:
    brands = page.locator(f'{SIDEBAR} [data-testid="stMultiSelect"]', has_text="Brands")
    return brands.locator("[data-tag]").evaluate_all(
        "tags => tags.map(t => t.getAttribute('aria-label'))")


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_shows_its_title_and_a_drawn_chart_without_errors(server, page, path, title):
    page.goto(f"{server}/{path}")
    sign_in(page)
    settle(page, title)
    shoot(page, path or "home")
    if path == "mentions":  # the list comes first; its charts are in the other tabs
        for tab in ("Map", "Influencers"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_selector(CHART, timeout=60_000)
            shoot(page, f"mentions-{tab.lower()}")
    assert page.locator("h1").first.inner_text() == title
    canvas = page.locator(CHART).first.bounding_box()
    assert canvas["width"] > 300 and canvas["height"] > 150
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    # The navigation lists all three sections.
    sidebar = page.locator('[data-testid="stSidebarNav"]').inner_text()
    for section in ("Marketing", "Internal communications", "Executive"):
        assert section in sidebar


def test_click_through_change_filters_and_follow_the_shared_link(server, browser, page):
    page.goto(server)
    sign_in(page)
    settle(page, "Brand conversations")
    everything = metric(page, "Mentions")

    page.get_by_role("radio", name="30 d").click()
    page.wait_for_url(re.compile(r"period=30d"))
    page.locator(f'{SIDEBAR} button[aria-label="Remove Kestrel Gear"]').click()
    page.wait_for_url(re.compile(r"brands=Summitline"))
    settle(page, "Brand conversations")
    narrowed = metric(page, "Mentions")
    assert int(narrowed.replace(",", "")) < int(everything.replace(",", ""))
    assert brands_chosen(page) == ["Northwind", "Summitline"]
    shoot(page, "filtered-brand-conversations")

    # Every page in turn, through the sidebar navigation: the filters follow.
    for path, title in list(PAGES.items())[1:] + [("", "Brand conversations")]:
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title).click()
        settle(page, title)
        assert "period=30d" in page.url and "brands=Northwind&brands=Summitline" in page.url
        assert page.get_by_role("radio", name="30 d").get_attribute("aria-checked") == "true"
        assert page.locator('[data-testid="stException"]').count() == 0
        shoot(page, f"filtered-{path or 'home'}")
    assert metric(page, "Mentions") == narrowed
    shared = page.url

    # Someone else opens the link: a new session shows the same view.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = context.new_page()
        other.goto(shared)
        sign_in(other)
        settle(other, "Brand conversations")
        assert metric(other, "Mentions") == narrowed
        assert brands_chosen(other) == ["Northwind", "Summitline"]
        assert other.get_by_role("radio", name="30 d").get_attribute("aria-checked") == "true"
        assert other.url == shared
        shoot(other, "shared-link")
    finally:
        context.close()
