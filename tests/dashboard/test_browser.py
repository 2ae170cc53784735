"""The real thing: `streamlit run` on a free port, driven by Debian's Chromium through Playwright.

One server and one browser for the module; the tour of the eleven pages runs in one signed-in
session (the way a user moves through them, and eleven logins fewer). Screenshots of every page,
and of the steps of the filter test, are kept under test-artifacts/screenshots/ for people to
look at, with the downloaded report beside them.
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
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Download, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# URL path -> title, in the order of the navigation (streamlit_app.py).
PAGES = {
    "": "Brand conversations",
    "topics_alerts": "Topics & alerts",
    "mentions": "Mentions",
    "internal_engagement": "Internal engagement",
    "internal_network": "Network and silos",
    "push_pull": "Announcements and check-ins",
    "expert_finder": "Expert finder",
    "kpi_scorecard": "KPI scorecard",
    "maturity": "Maturity scorecard",
    "roi": "Return on investment",
    "audit_log": "Audit log",
}
WITHOUT_CHART = {"audit_log"}  # a table of events, nothing to draw
# The pages the filter test walks through: those the sidebar's brands and dates apply to.
FILTERED = ["topics_alerts", "mentions", "internal_engagement", "kpi_scorecard"]
SECTIONS = ("Marketing", "Internal communications", "Executive", "Governance")
CHART = ".vega-embed canvas, .vega-embed svg"
ERROR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
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
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "streamlit_app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env={**os.environ, "SOCIALPULSE_DB": str(db), "SOCIALPULSE_USERS_FILE": str(accounts)},
            stdout=log,
            stderr=subprocess.STDOUT,
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
def served_db(internal_db, tmp_path_factory) -> Path:
    """Its own copy of the warehouse with everything `pulse analyze` stores (internal and
    executive pages included): signing in and page views write the audit log."""
    import shutil

    db = tmp_path_factory.mktemp("served") / "demo.duckdb"
    shutil.copy(internal_db, db)
    return db


@pytest.fixture(scope="module")
def server(served_db):
    with start_streamlit(served_db, free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (a new Streamlit session) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def tour(browser, server):
    """One session signed in as admin (who sees every page) for the tour of the pages."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(server)
    sign_in(page)
    settle(page, "Brand conversations")
    yield page
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
    drawn = page.locator(f'{CHART}, [data-testid="stDataFrame"]').filter(visible=True)
    drawn.first.wait_for(timeout=60_000)  # tables in a tab not shown are there, hidden
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(IDLE, timeout=60_000)


def shoot(page: Page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the window
    is stretched to that block's height first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
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
        "tags => tags.map(t => t.getAttribute('aria-label'))"
    )


def download(page: Page, button: str) -> Download:
    """Press the first download button named ``button`` (exactly) and wait for its file, which
    must have arrived whole."""
    with page.expect_download(timeout=60_000) as started:
        page.get_by_role("button", name=button, exact=True).first.click()
    assert started.value.failure() is None
    return started.value


def go_to(page: Page, title: str) -> None:
    """Open a page through the sidebar navigation, as a user does (the session stays)."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title).click()


def ask_experts(page: Page) -> None:
    """The expert finder draws once asked about a topic."""
    page.wait_for_selector('h1:has-text("Expert finder")', timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.locator('input[aria-label="Topic"]').fill("inventory")
    page.keyboard.press("Enter")


SETUPS = {"expert_finder": ask_experts}


def no_errors(page: Page) -> None:
    assert page.locator(ERROR).count() == 0
    assert "Traceback" not in page.locator("body").inner_text()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_shows_its_title_and_a_drawn_chart_without_errors(tour, path, title):
    go_to(tour, title)
    if path in SETUPS:
        SETUPS[path](tour)
    settle(tour, title)
    shoot(tour, path or "home")
    if path == "mentions":  # the list comes first; its charts are in the other tabs
        for tab, drawn in (
            ("Improve sentiment", '[data-testid="stDataFrame"]'),
            ("Map", CHART),
            ("Influencers", CHART),
        ):
            tour.get_by_role("tab", name=tab).click()
            tour.locator(drawn).filter(visible=True).first.wait_for(timeout=60_000)
            shoot(tour, f"mentions-{tab.lower().replace(' ', '-')}")
    assert tour.locator("h1").first.inner_text() == title
    assert urlsplit(tour.url).path == f"/{path}"
    if path in WITHOUT_CHART:
        table = tour.locator('[data-testid="stDataFrame"]').first.bounding_box()
        assert table["width"] > 300 and table["height"] > 60
    else:
        charts = tour.locator(f'[data-testid="stVegaLiteChart"] :is({CHART})')  # not sparklines
        canvas = charts.filter(visible=True).first.bounding_box()
        assert canvas["width"] > 300 and canvas["height"] > 150
    no_errors(tour)
    # Admin's navigation lists every section, and every page has the freshness panel.
    sidebar = tour.locator('[data-testid="stSidebarNav"]').inner_text()
    for section in SECTIONS:
        assert section in sidebar
    assert tour.locator(SIDEBAR).get_by_role("button", name="Refresh data").count() == 1


def test_a_link_to_a_page_lands_on_it_after_signing_in(server, page):
    page.goto(f"{server}/roi")
    sign_in(page)
    settle(page, "Return on investment")
    assert urlsplit(page.url).path == "/roi"
    no_errors(page)


def test_the_report_downloads_as_one_self_contained_html_file(tour, internal_db, served_db):
    from datetime import date

    import duckdb

    from analysis.kpis import kpi_scorecard_from_rollups
    from analysis.period import Period
    from socialpulse.config import load_settings

    go_to(tour, "KPI scorecard")
    settle(tour, "KPI scorecard")
    report = download(tour, "Download the report")
    # The sidebar's default is the last quarter with data.
    assert report.suggested_filename == "socialpulse-report-2026-08-01-to-2026-10-31.html"
    saved = SCREENSHOTS.parent / report.suggested_filename
    report.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    # Self-contained: nothing to fetch when it is opened.
    assert not re.search(r"<(script|link|iframe|img)\b", html)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert html.count("<svg") == html.count("</svg>") == 3
    assert "<th>KPI</th><th>Value (%)</th><th>Target (%)</th><th>Status</th>" in html
    with duckdb.connect(str(internal_db), read_only=True) as con:  # what the server copied
        kpis = kpi_scorecard_from_rollups(
            con, Period(date(2026, 8, 1), date(2026, 10, 31)), load_settings().kpi_targets
        )
    for kpi in kpis["kpi"]:
        assert f"<tr><td>{kpi}</td>" in html
    no_errors(tour)
    # The download is audited, as every export is, once the file is built.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with duckdb.connect(str(served_db), read_only=True) as con:
            exports = con.execute(
                "SELECT actor, role FROM audit_log WHERE action = 'export' AND target = ?",
                [report.suggested_filename],
            ).fetchall()
        if exports:
            break
        time.sleep(0.2)
    assert exports == [("admin", "admin")]


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

    # Page after page, through the sidebar navigation: the filters follow, and stay in the
    # link on a page they do not apply to (the maturity scorecard).
    for path in [*FILTERED, "maturity", ""]:
        go_to(page, PAGES[path])
        settle(page, PAGES[path])
        assert "period=30d" in page.url and "brands=Northwind&brands=Summitline" in page.url
        if path != "maturity":
            assert page.get_by_role("radio", name="30 d").get_attribute("aria-checked") == "true"
        no_errors(page)
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
