"""Each role against each page of streamlit_app.py with AppTest: the navigation holds exactly
the pages ``access.PERMISSIONS`` allows, each of them renders, and restricted posts follow the
role through the dashboard's cached queries."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.mention_index import refresh_mention_index
from socialpulse.access import ROLES
from tests.dashboard.conftest import signed_in

ROOT = Path(__file__).resolve().parents[2]
TITLES = {
    "brand_conversations": "Brand conversations",
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
INTERNAL = {"internal_engagement", "internal_network", "push_pull", "expert_finder"}
# Written out by hand from the README's table, so a change of either shows here.
EXPECTED = {
    "admin": set(TITLES),
    "marketing": {
        "brand_conversations",
        "topics_alerts",
        "mentions",
        "kpi_scorecard",
        "maturity",
        "roi",
    },
    "internal-comms": INTERNAL | {"kpi_scorecard", "maturity"},
    "executive": INTERNAL
    | {"brand_conversations", "topics_alerts", "kpi_scorecard", "maturity", "roi"},
    "auditor": {"audit_log"},
}


def navigation(app: AppTest) -> set[str]:
    return {
        Path(info["script_path"]).stem
        for info in app._registered_pages.values()
        if info.get("script_path")
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_pages_and_each_renders(role, analysed_db, accounts, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_DB", str(analysed_db))
    monkeypatch.setattr("dashboard.auth.record", lambda *args, **kwargs: True)  # read-only db
    app = signed_in(AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60), role)
    app.run()
    assert not app.exception
    known = navigation(app)
    assert known == EXPECTED[role]
    for name in sorted(known):
        app.switch_page(f"dashboard/pages/{name}.py").run()
        assert not app.exception, (role, name)
        assert app.title[0].value == TITLES[name]
    for name in set(TITLES) - known:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(f"dashboard/pages/{name}.py")


def test_an_unknown_page_is_for_admin_only():
    from dashboard.auth import visible_pages

    class Page:
        def __init__(self, name):
            self._page = Path(f"dashboard/pages/{name}.py")

    sections = {"New": [Page("something_new")], "Marketing": [Page("mentions")]}
    assert list(visible_pages(sections, "admin")) == ["New", "Marketing"]
    assert list(visible_pages(sections, "marketing")) == ["Marketing"]
    assert visible_pages(sections, "auditor") == {}


@pytest.fixture
def exec_mention(db_copy, analysed_db) -> str:
    """A brand mention posted in the demo's restricted executive channel."""
    warehouse = db_copy(analysed_db)
    with duckdb.connect(str(warehouse)) as con:
        post_id = con.execute(
            "SELECT arg_max(post_id, created_at) FROM posts "
            "WHERE channel_id = 'slack:exec-leadership'"
        ).fetchall()[0][0]
        con.execute(
            "UPDATE posts SET text = 'Northwind board secret zqxj' WHERE post_id = ?", [post_id]
        )
        con.execute(
            "INSERT INTO brand_matches VALUES (?, 'Northwind', false, 'northwind')", [post_id]
        )
        refresh_mention_index(con, full=True)  # as the next `pulse analyze` would
    return post_id


def reads(db: str, post_id: str) -> None:
    """What the dashboard's data layer gives this session: a search and an alert's examples."""
    from datetime import date

    import streamlit as st

    from dashboard import data

    chosen = data.Filters(db=db, start=date(2026, 8, 1), end=date(2026, 10, 31))
    st.text(repr(data.search_mentions(chosen, "zqxj")["post_id"].tolist()))
    st.text(repr(data.mentions_by_id(db, [post_id])["post_id"].tolist()))
    st.text(repr(int(data.places(chosen)["mentions"].sum())))


def test_the_data_layer_shows_restricted_posts_only_to_their_audience(
    exec_mention, db_copy, analysed_db, accounts
):
    """Run in one process, admin first: the cached result of admin must not reach marketing."""
    warehouse = db_copy(analysed_db)
    shown = {}
    for role in ("admin", "executive", "marketing", "internal-comms"):
        app = AppTest.from_function(reads, args=(str(warehouse), exec_mention), default_timeout=60)
        signed_in(app, role).run()
        assert not app.exception
        shown[role] = [t.value for t in app.text]
    for role in ("admin", "executive"):
        assert shown[role][:2] == [repr([exec_mention])] * 2
    for role in ("marketing", "internal-comms"):
        assert shown[role][:2] == ["[]", "[]"]
    assert int(shown["marketing"][2]) <= int(shown["admin"][2])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        searches = con.execute(
            "SELECT actor, role, target FROM audit_log WHERE action = 'search' ORDER BY event_id"
        ).fetchall()
    assert searches == [
        (r, r, "zqxj") for r in ("admin", "executive", "marketing", "internal-comms")
    ]


def test_a_role_without_sentiment_correction_cannot_correct(
    db_copy, analysed_db, accounts, monkeypatch
):
    warehouse = db_copy(analysed_db)
    from dashboard import data

    monkeypatch.setattr(data.session, "session_role", lambda: "executive")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        post_id = con.execute("SELECT min(post_id) FROM brand_matches").fetchall()[0][0]
    with pytest.raises(ValueError, match="executive role may not correct sentiment"):
        data.correct_sentiment(str(warehouse), post_id, "negative")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment_corrections").fetchall()[0][0] == 0
    assert pd.notna(post_id)


@pytest.mark.parametrize("role", ["marketing", "executive"])
def test_downloads_follow_the_export_permission_and_are_audited(
    role, analysed_db, accounts, monkeypatch
):
    monkeypatch.setenv("SOCIALPULSE_DB", str(analysed_db))
    recorded = []
    monkeypatch.setattr(
        "dashboard.auth.record",
        lambda action, target=None, *a, **k: recorded.append((action, target)) or True,
    )
    app = signed_in(AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60), role)
    app.run()
    app.switch_page("dashboard/pages/brand_conversations.py").run()
    assert not app.exception and len(app.dataframe) >= 1
    buttons = list(app.download_button)
    if role == "executive":  # may read the page, not take its data away
        assert buttons == []
        return
    assert {b.key for b in buttons} >= {"csv-share-of-voice", "parquet-share-of-voice"}
    next(b for b in buttons if b.key == "csv-share-of-voice").click().run()
    assert ("export", "share-of-voice.csv") in recorded
