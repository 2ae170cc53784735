"""Bursts: every day that broke from its brand's recent days is found with the alerts' score, on
hand-computed counts (the demo's July spike is in tests/dashboard/test_bursts_on_the_chart.py)."""

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from analysis.bursts import daily_bursts
from analysis.period import Period
from socialpulse.config import Alerts
from socialpulse.warehouse import open_warehouse

START = date(2026, 3, 1)


def _days(con, counts: list[int], brand: str = "Acme") -> None:
    rows = pd.DataFrame(
        {
            "day": [START + timedelta(days=i) for i in range(len(counts))],
            "brand": brand,
            "is_competitor": False,
            "platform": "x",
            "mentions": counts,
        }
    )
    con.register("_days", rows)
    con.execute(
        "INSERT INTO brand_daily SELECT day, brand, is_competitor, platform, mentions, 0, 0, 0, "
        "0, 0, 0, NULL, 'none', 0, mentions, 0 FROM _days"
    )
    con.unregister("_days")


def test_a_day_far_above_its_last_fourteen_is_a_burst_with_the_alerts_score(empty_db):
    # 14 days of 10, then 60 (expected 10: score sqrt(2(60 ln 6 - 50)) = 10.7), a quiet day,
    # then 25 (score 3.97, under the threshold of 6), then a run of two days over it (one label).
    counts = [10] * 14 + [60, 10, 25] + [10] * 10 + [70, 80]
    with open_warehouse(empty_db) as con:
        _days(con, counts)
        found = daily_bursts(con, Period(START, START + timedelta(days=40)), Alerts())
    assert found["day"].astype(str).tolist() == ["2026-03-29", "2026-03-15"]
    first = found.set_index(found["day"].astype(str)).loc["2026-03-15"]
    assert first["expected"] == pytest.approx(10.0)
    assert first["score"] == pytest.approx(math.sqrt(2 * (60 * math.log(6) - 50)))
    assert list(first["top_terms"]) == []  # no posts behind these counts


def test_the_first_days_of_the_data_are_never_bursts(empty_db):
    with open_warehouse(empty_db) as con:
        _days(con, [1, 1, 80] + [10] * 20)
        found = daily_bursts(con, Period(START, START + timedelta(days=30)), Alerts())
    assert found.empty  # day 3 has no whole baseline behind it


def test_stored_bursts_keep_their_terms_until_their_count_changes(empty_db):
    from analysis.bursts import refresh_bursts, stored_bursts

    counts = [10] * 14 + [60] + [10] * 10
    period = Period(START, START + timedelta(days=40))
    with open_warehouse(empty_db) as con:
        _days(con, counts)
        assert refresh_bursts(con, Alerts()) == 1
        # Terms already read are kept (here a stand-in): the run reads no post for them.
        con.execute("UPDATE brand_bursts SET top_terms = ['kept']")
        assert refresh_bursts(con, Alerts()) == 1
        assert list(stored_bursts(con, period)["top_terms"].iloc[0]) == ["kept"]
        # A burst whose count changed (late mentions) is described again.
        con.execute(
            "UPDATE brand_daily SET mentions = 70 WHERE day = ?", [START + timedelta(days=14)]
        )
        refresh_bursts(con, Alerts())
        again = stored_bursts(con, period).iloc[0]
        assert (again["mentions"], list(again["top_terms"])) == (70, [])
        assert stored_bursts(con, period, ["Other"]).empty
