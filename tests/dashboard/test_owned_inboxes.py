"""The brand's own inboxes and YouTube on the dashboard: a warehouse filled from the recorded
X, Reddit and YouTube traffic of the collector tests, analysed, then the pages as rendered."""

from __future__ import annotations

import time

import pytest

from analysis.pipeline import run_analysis
from collectors.registry import build
from collectors.runner import run_collector
from dashboard.components.tables import duration_text
from socialpulse.warehouse import open_warehouse
from tests.collectors import test_reddit, test_twitter, test_youtube
from tests.dashboard.test_pages import run_page

PERIOD = {"from": "2024-06-01", "to": "2025-06-30"}


@pytest.fixture(scope="module")
def inbox_db(tmp_path_factory):
    """One warehouse holding the inboxes of X and Reddit and the brand's YouTube channel."""
    monkeypatch = pytest.MonkeyPatch()
    for variable, value in {
        "X_BEARER_TOKEN": "test-token",
        "REDDIT_CLIENT_ID": "test-client-id",
        "REDDIT_CLIENT_SECRET": "test-client-secret",
        "REDDIT_USER_AGENT": "socialpulse-tests/0.1 by u/socialpulse-tests",
        "REDDIT_PASSWORD": "test-password",
        "YOUTUBE_API_KEY": "test-api-key",
    }.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    db = tmp_path_factory.mktemp("inboxes") / "inboxes.duckdb"
    settings, rules = test_twitter.SETTINGS, test_twitter.RULES
    recorded = [
        (test_twitter.REPLAY, "x-mentions", "inbox_two_pages.yaml"),
        (test_reddit.REPLAY, "reddit-mentions", "inbox_mentions.yaml"),
        (test_youtube.REPLAY, "youtube", "channel_and_search.yaml"),
    ]
    for replay, name, cassette in recorded:
        with replay.use_cassette(cassette, allow_playback_repeats=True):
            assert run_collector(db, build(name, settings), rules).status == "ok"
    with open_warehouse(db) as con:
        run_analysis(con, settings)
    monkeypatch.undo()
    return db


def test_brand_conversations_shows_how_the_brand_answered_on_each_platform(inbox_db, monkeypatch):
    app = run_page("brand_conversations", inbox_db, monkeypatch, PERIOD)

    assert not app.exception
    answers = next(d.value for d in app.dataframe if "needing_reply" in d.value.columns).set_index(
        "platform"
    )
    assert answers.loc[:, ["needing_reply", "answered", "response_rate", "median_time"]].to_dict(
        "index"
    ) == {
        "Reddit": {
            "needing_reply": 1,
            "answered": 1,
            "response_rate": 100.0,
            "median_time": "30 min",
        },
        "X": {"needing_reply": 2, "answered": 1, "response_rate": 50.0, "median_time": "12 min"},
        "YouTube": {
            "needing_reply": 1,
            "answered": 1,
            "response_rate": 100.0,
            "median_time": "45 min",
        },
    }


def test_the_platform_filter_offers_youtube_once_it_has_data(inbox_db, demo_db, monkeypatch):
    with_youtube = run_page("brand_conversations", inbox_db, monkeypatch, PERIOD)
    without = run_page("brand_conversations", demo_db, monkeypatch)

    assert with_youtube.multiselect(key="platforms").options == [
        "X",
        "Reddit",
        "News & blogs",
        "YouTube",
    ]
    assert "YouTube" not in without.multiselect(key="platforms").options
    assert not any("YouTube" in info.value for info in without.info)


def test_mentions_lists_youtube_comments_and_inbox_mentions(inbox_db, monkeypatch):
    app = run_page("mentions", inbox_db, monkeypatch, PERIOD)

    assert not app.exception
    shown = next(d.value for d in app.dataframe if "platform" in d.value.columns)
    assert {"X", "Reddit", "YouTube"} <= set(shown["platform"])
    assert shown["text"].str.contains("Does the Northwind Trailhead 2 zip hold up").any()


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (None, "n/a"),
        (0.4, "under 1 min"),
        (45.0, "45 min"),
        (125.0, "2 h 5 min"),
        (120, "2 h"),
        (3 * 1440 + 250, "3 days 4 h"),
        (2 * 1440, "2 days"),
    ],
)
def test_times_to_answer_read_as_people_say_them(minutes, said):
    assert duration_text(minutes) == said
