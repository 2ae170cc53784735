"""Hostile input: SQL in the search box and the link's filters stays data, and markup in a post
is shown as text in the real browser (no script of it runs)."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analysis.period import Period
from analysis.search import MentionQuery, search_mentions
from tests.dashboard.conftest import signed_in

ROOT = Path(__file__).resolve().parents[2]
INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE posts; --",
    "%' OR '%'='",
    "\\' UNION SELECT 1 --",
    '" OR ""="',
    "_",
    "%",
]
YEAR = Period(date(2025, 11, 1), date(2026, 10, 31))
SCRIPT = "<script>window.__pwned = 1</script>"
IMAGE = '<img src="x" onerror="window.__pwned = 2">'


def counts(db) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM brand_matches)"
        ).fetchall()[0]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_search_with_sql_finds_only_that_literal_text(text, analysed_db):
    before = counts(analysed_db)
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        found = search_mentions(
            con, YEAR, MentionQuery(text, brands=("x' OR '1'='1",), platforms=("x' --",))
        )
        literal = search_mentions(con, YEAR, MentionQuery(text))
    assert found.empty  # no brand or platform has that name
    for term in text.split():
        assert literal["text"].str.lower().str.contains(term.lower(), regex=False).all()
    assert counts(analysed_db) == before


def test_filters_of_a_link_with_sql_are_ignored(analysed_db, accounts, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_DB", str(analysed_db))
    monkeypatch.setattr("dashboard.auth.record", lambda *args, **kwargs: True)
    app = signed_in(
        AppTest.from_file(str(ROOT / "dashboard" / "pages" / "mentions.py"), default_timeout=60)
    )
    app.query_params = {
        "brands": ["Northwind' OR '1'='1"],
        "platforms": ["x'; DROP TABLE posts"],
        "from": "2026-01-01' OR 1=1",
        "period": "year'--",
    }
    app.run()
    assert not app.exception and not app.error
    brands = next(w for w in app.multiselect if w.key == "brands")
    assert brands.value == []  # the unknown brand is dropped: nothing is shown
    assert [i.value for i in app.info] == ["Choose at least one brand in the sidebar."]
    assert counts(analysed_db)[0] > 0


@pytest.fixture
def hostile_db(db_copy, analysed_db) -> tuple[Path, str]:
    """The newest brand mention now carries a script tag and an image with onerror."""
    warehouse = db_copy(analysed_db)
    with duckdb.connect(str(warehouse)) as con:
        post_id = con.execute(
            "SELECT arg_max(p.post_id, p.created_at) FROM posts p "
            "JOIN brand_matches USING (post_id) WHERE p.platform = 'x'"
        ).fetchall()[0][0]
        con.execute(
            "UPDATE posts SET text = ? WHERE post_id = ?",
            [f"pwnd Northwind {SCRIPT} {IMAGE}", post_id],
        )
        con.execute("CHECKPOINT")
    return warehouse, post_id


@pytest.mark.browser
def test_markup_in_a_post_shows_as_text_and_never_runs(hostile_db):
    from playwright.sync_api import sync_playwright

    from tests.dashboard.test_browser import (
        CHROMIUM,
        IDLE,
        free_port,
        shoot,
        sign_in,
        start_streamlit,
    )

    db, post_id = hostile_db
    with start_streamlit(db, free_port()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/mentions?period=30d")
        sign_in(page, "marketing")
        page.wait_for_selector('h1:has-text("Mentions")', timeout=60_000)
        page.locator('input[aria-label="Search mentions"]').fill("pwnd")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=mentions match “pwnd”", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        shoot(page, "hostile-post")
        # The correction control names the mention with its text: the markup is visible text.
        chosen = page.locator('[data-testid="stSelectbox"]').first.inner_html()
        assert "pwnd Northwind &lt;script&gt;window.__pwned = 1&lt;/script&gt; &lt;img" in chosen
        assert page.locator("script", has_text="__pwned").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator('img[src="x"]').count() == 0
        assert not dialogs
        browser.close()
    assert post_id
