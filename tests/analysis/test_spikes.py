"""Spike detection: hand-computed bursts on a flat baseline, and the demo's launch and crisis."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment import score_new_posts
from analysis.spikes import (
    describe_alert,
    detect_alerts,
    scan_windows,
    stored_alerts,
    window_text,
)
from collectors.demo import generate_demo, load_demo
from collectors.demo.calendar import DemoCalendar
from socialpulse.config import Alerts, Settings
from socialpulse.warehouse import connect, open_warehouse, upsert

ROOT = Path(__file__).resolve().parents[2]
START = pd.Timestamp("2026-03-01")
CRISIS_AT = pd.Timestamp("2026-03-04 10:00")  # 3 hours of +20 negative mentions an hour
PEAK_AT = pd.Timestamp("2026-03-06 16:00")  # 3 hours of +20 positive mentions an hour
SMALL = Settings(alerts=Alerts(baseline_days=2))
HOUR = pd.Timedelta(hours=1)
TEXTS = {
    "neutral": "Picked up an Acme tent at the outlet",
    "negative": "Acme support is slow",
    "crisis": "The Acme zipper broke, recall it",
    "launch": "Acme launch day, lovely tent",
}
LABELS = {"neutral": "neutral", "negative": "negative", "crisis": "negative", "launch": "positive"}


def _posts_at(hour: pd.Timestamp, tones: list[str], kind: str = "post") -> list[dict]:
    """Posts spread over one hour, one per tone."""
    step = pd.Timedelta(minutes=60) / len(tones)
    return [
        {"created_at": hour + i * step, "tone": tone, "kind": kind} for i, tone in enumerate(tones)
    ]


def _flat_week(days: int = 7) -> list[dict]:
    """4 mentions every hour, 1 of them negative: 4 and 1 expected, exactly, in every hour."""
    rows = []
    for hour in pd.date_range(START, periods=24 * days, freq="h"):
        tones = ["negative", "neutral", "neutral", "neutral"]
        if CRISIS_AT <= hour < CRISIS_AT + 3 * HOUR:
            tones += ["crisis"] * 20
        if PEAK_AT <= hour < PEAK_AT + 3 * HOUR:
            tones += ["launch"] * 20
        rows += _posts_at(hour, tones)
    return rows


def _load(con, rows: list[dict], first_id: int = 0) -> None:
    frame = pd.DataFrame(rows)
    frame["post_id"] = [f"x:{first_id + i}" for i in range(len(frame))]
    frame["text"] = frame["tone"].map(TEXTS)
    upsert(
        con,
        "posts",
        frame.assign(
            platform="x",
            native_id=frame["post_id"],
            channel_id="x:public",
            collected_at=frame["created_at"],
        )[
            [
                "post_id",
                "platform",
                "native_id",
                "channel_id",
                "created_at",
                "text",
                "kind",
                "collected_at",
            ]
        ],
    )
    upsert(
        con,
        "brand_matches",
        frame.assign(brand="Acme", is_competitor=False, rule="keyword:Acme")[
            ["post_id", "brand", "is_competitor", "rule"]
        ],
    )
    upsert(
        con,
        "sentiment_scores",
        frame.assign(
            method="vader",
            model_version="test",
            label=frame["tone"].map(LABELS),
            scored_at=pd.Timestamp("2026-04-01"),
        )[["post_id", "method", "model_version", "label", "scored_at"]],
    )


@pytest.fixture
def week(empty_db):
    con = connect(empty_db)
    _load(con, _flat_week())
    yield con
    con.close()


def test_scan_windows_finds_the_best_window_ending_at_each_hour():
    observed = np.array([1, 1, 12, 12, 1, 1, 12], dtype=float)
    expected = np.ones(7)
    start = np.array([0, 0, 0, 0, 0, 5, 5])  # a second series begins at index 5
    score, length = scan_windows(observed, expected, start, max_window=3, min_count=10)

    # Hour 3: hours 2-3 hold 24 against 2, LLR = 24 ln 12 - 22.
    assert length[3] == 2
    assert score[3] == pytest.approx(np.sqrt(2 * (24 * np.log(12) - 22)))
    # Hour 2 alone: 12 against 1; hours 0-1 have fewer than min_count mentions: no score.
    assert score[2] == pytest.approx(np.sqrt(2 * (12 * np.log(12) - 11)))
    assert score[0] == score[1] == 0
    # Hour 6 never sums across the start of its series (index 5).
    assert length[6] == 1 and score[6] == pytest.approx(np.sqrt(2 * (12 * np.log(12) - 11)))


def test_a_negative_burst_on_a_flat_baseline_is_one_crisis_with_hand_computed_counts(week):
    alerts = detect_alerts(week, SMALL)

    crisis = alerts[alerts["kind"] == "crisis"].iloc[0]
    assert (crisis["brand"], crisis["window_start"], crisis["window_end"]) == (
        "Acme",
        CRISIS_AT,
        CRISIS_AT + 3 * HOUR,
    )
    # 3 hours x (1 usual + 20 burst) negative mentions, against 3 x 1 expected.
    assert crisis["observed"] == 63
    assert crisis["expected"] == pytest.approx(3.0)
    assert crisis["episode_key"] == "Acme|crisis|2026-03-04T10:00"
    assert list(crisis["top_terms"][:3]) == ["broke", "recall", "zipper"]
    assert (crisis["status"], crisis["closed_at"]) == ("closed", CRISIS_AT + 3 * HOUR)
    examples = week.execute(
        "SELECT p.created_at, s.label FROM posts p JOIN sentiment_scores s USING (post_id) "
        "WHERE list_contains(?, p.post_id)",
        [list(crisis["example_post_ids"])],
    ).fetchall()
    assert 1 <= len(examples) <= 3
    assert all(
        CRISIS_AT <= at < CRISIS_AT + 3 * HOUR and label == "negative" for at, label in examples
    )
    # The volume of those hours is the crisis's own: no peak is reported beside it.
    assert list(alerts["kind"]) == ["crisis", "peak"]


def test_a_positive_burst_is_a_peak_with_hand_computed_counts(week):
    peak = detect_alerts(week, SMALL).query("kind == 'peak'").iloc[0]

    assert (peak["window_start"], peak["window_end"]) == (PEAK_AT, PEAK_AT + 3 * HOUR)
    # 3 hours x (4 usual + 20 burst) mentions, against 3 x 4 expected.
    assert (peak["observed"], peak["expected"]) == (72, pytest.approx(12.0))
    assert {"launch", "lovely"} <= set(peak["top_terms"])
    assert "acme" not in set(peak["top_terms"])


def test_an_alert_reads_as_one_line(week):
    crisis = detect_alerts(week, SMALL).iloc[0]

    assert describe_alert(crisis) == (
        "Acme crisis: 63 negative mentions 10:00-13:00 UTC 4 Mar 2026, expected 3; "
        "top terms: broke, recall, zipper"
    )


def test_window_text_names_both_days_only_when_they_differ():
    day = pd.Timestamp("2026-09-15")
    assert window_text(day + 8 * HOUR, day + 11 * HOUR) == "08:00-11:00 UTC 15 Sep 2026"
    assert window_text(day + 20 * HOUR, day + 24 * HOUR) == "20:00-24:00 UTC 15 Sep 2026"
    assert window_text(day + 20 * HOUR, day + 28 * HOUR) == (
        "20:00 15 Sep 2026 - 04:00 16 Sep 2026 UTC"
    )


def test_an_episode_opens_within_the_hour_and_stays_one_as_runs_repeat(week):
    opening = detect_alerts(week, SMALL, now=CRISIS_AT + pd.Timedelta(minutes=40))

    assert list(opening["kind"]) == ["crisis"]
    assert opening.iloc[0]["status"] == "open" and pd.isna(opening.iloc[0]["closed_at"])
    key = opening.iloc[0]["episode_key"]
    for minutes in range(60, 24 * 60, 45):  # a run every 45 minutes for a day
        detect_alerts(week, SMALL, now=CRISIS_AT + pd.Timedelta(minutes=minutes))
    detect_alerts(week, SMALL)
    detect_alerts(week, SMALL)

    stored = stored_alerts(week)
    assert list(stored["kind"]) == ["crisis", "peak"]
    assert stored.iloc[0]["episode_key"] == key
    assert stored.iloc[0]["observed"] == 63 and stored.iloc[0]["status"] == "closed"


def test_a_run_without_its_cursor_finds_the_same_episodes_and_adds_none(week):
    first = detect_alerts(week, SMALL)
    week.execute("DELETE FROM collector_state WHERE collector = 'analysis.spikes'")
    again = detect_alerts(week, SMALL)

    assert list(again["episode_key"]) == list(first["episode_key"])
    assert list(again["alert_id"]) == list(first["alert_id"])
    assert week.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == 2


def test_a_human_correction_that_removes_the_crisis_closes_it_and_shows_the_peak(week):
    detect_alerts(week, SMALL, now=CRISIS_AT + 2 * HOUR)
    burst = week.execute("SELECT post_id FROM posts WHERE text = ?", [TEXTS["crisis"]]).df()
    upsert(
        week,
        "sentiment_corrections",
        burst.assign(
            label="neutral", corrected_by="analyst", corrected_at=pd.Timestamp("2026-03-04 12:00")
        ),
    )
    detect_alerts(week, SMALL, now=CRISIS_AT + 3 * HOUR)

    stored = stored_alerts(week)
    assert list(zip(stored["kind"], stored["status"], strict=True)) == [
        ("crisis", "closed"),
        ("peak", "open"),
    ]
    assert stored.iloc[1]["observed"] == 72


def test_reposts_are_not_new_voices_unless_configured(empty_db):
    con = connect(empty_db)
    rows = [r for r in _flat_week() if r["tone"] not in ("crisis", "launch")]
    cascade = _posts_at(pd.Timestamp("2026-03-05 14:00"), ["neutral"] * 40, kind="share")
    _load(con, rows + cascade)

    assert detect_alerts(con, SMALL).empty
    with_reposts = Settings(alerts=Alerts(baseline_days=2, count_reposts=True))
    con.execute("DELETE FROM collector_state")
    found = detect_alerts(con, with_reposts)
    assert list(found["kind"]) == ["peak"] and found.iloc[0]["observed"] == 44
    con.close()


def test_no_posts_no_alerts(empty_db):
    con = connect(empty_db)
    assert detect_alerts(con, Settings()).empty
    con.close()


# The demo organisation: at the fixture's 4,000 mentions and at the default 20,000.

CALENDAR = DemoCalendar()
CRISIS = pd.Timestamp(CALENDAR.crisis)
LAUNCH = pd.Timestamp(CALENDAR.launch)
DEFAULTS = Settings()


@pytest.fixture(scope="module")
def default_demo_db(tmp_path_factory) -> Path:
    """The default-size demo (20,000 mentions, seed 42), built once for this module."""
    path = tmp_path_factory.mktemp("default_demo") / "demo.duckdb"
    with open_warehouse(path) as con:
        load_demo(con, generate_demo(seed=42))
        score_new_posts(con)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture(params=["demo_db", "default_demo_db"], ids=["4k", "20k"])
def demo(request, tmp_path):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(request.getfixturevalue(request.param), copy)
    con = connect(copy)
    yield con
    con.close()


def _overlapping(alerts: pd.DataFrame, moment: pd.Timestamp, hours: int = 3) -> pd.DataFrame:
    return alerts[
        (alerts["window_start"] < moment + hours * HOUR) & (alerts["window_end"] > moment)
    ]


def test_the_demo_crisis_opens_within_three_hours_and_stays_one_episode(demo):
    detect_alerts(demo, DEFAULTS, now=CRISIS - 2 * HOUR)  # the year so far
    assert _overlapping(stored_alerts(demo), CRISIS).empty

    opened_at, key = None, None
    for minutes in range(15, 181, 15):  # a run every 15 minutes
        detect_alerts(demo, DEFAULTS, now=CRISIS + pd.Timedelta(minutes=minutes))
        crises = _overlapping(stored_alerts(demo).query("kind == 'crisis'"), CRISIS)
        assert len(crises) <= 1
        if len(crises) and opened_at is None:
            opened_at, key = CRISIS + pd.Timedelta(minutes=minutes), crises.iloc[0]["episode_key"]
            assert crises.iloc[0]["brand"] == "Northwind"
            assert crises.iloc[0]["status"] == "open"
            assert CRISIS <= crises.iloc[0]["window_start"] < opened_at
    assert opened_at is not None and opened_at <= CRISIS + 3 * HOUR

    alerts = detect_alerts(demo, DEFAULTS)  # the rest of the year
    crisis = _overlapping(stored_alerts(demo).query("kind == 'crisis'"), CRISIS, hours=48)
    assert list(crisis["episode_key"]) == [key]
    assert crisis.iloc[0]["status"] == "closed"
    assert key in set(alerts["episode_key"])


def test_over_the_demo_year_the_launch_is_a_peak_the_crisis_a_crisis_and_little_else(demo):
    alerts = detect_alerts(demo, DEFAULTS)

    launch = _overlapping(alerts, LAUNCH)
    assert list(zip(launch["brand"], launch["kind"], strict=True)) == [("Northwind", "peak")]
    crisis = _overlapping(alerts, CRISIS)
    crisis = crisis[crisis["brand"] == "Northwind"]
    assert list(crisis["kind"]) == ["crisis"]
    row = crisis.iloc[0]
    assert row["observed"] > 20 * row["expected"]
    assert {"recall", "zipper"} & set(row["top_terms"])
    assert "northwind" not in set(row["top_terms"])
    labels = demo.execute(
        "SELECT s.label, p.created_at FROM post_sentiment s JOIN posts p USING (post_id) "
        "WHERE list_contains(?, post_id)",
        [list(row["example_post_ids"])],
    ).fetchall()
    assert len(labels) == 3
    assert all(
        label == "negative" and row["window_start"] <= at < row["window_end"]
        for label, at in labels
    )
    assert len(alerts) - 2 <= 5
    assert alerts["episode_key"].is_unique


def test_the_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_spikes", "--mentions", "2000", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["mentions"] == 2000
    assert figures["first_run_seconds"] > 0 and figures["rerun_seconds"] > 0
    assert figures["episodes"] >= 1
