"""Headline figures say their change against the previous period of the same length."""

from datetime import date

import pytest

from dashboard.components import change
from dashboard.data.session import Filters
from tests.dashboard.test_pages import run_page


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    quarter = Filters("db", date(2026, 8, 1), date(2026, 10, 31))
    assert (quarter.previous().start, quarter.previous().end) == (
        date(2026, 5, 1),
        date(2026, 7, 31),
    )
    assert quarter.previous().period.days == quarter.period.days == 92


def test_the_same_dates_last_year_and_the_line_that_says_them():
    leap = Filters("db", date(2028, 2, 1), date(2028, 2, 29))
    assert (leap.year_before().start, leap.year_before().end) == (
        date(2027, 2, 1),
        date(2027, 2, 28),
    )
    changes = {"mentions": "+12%", "share of voice": None, "net sentiment": "-4.0 pts"}
    assert change.year_on_year(changes, reaches=True) == (
        "Against the same dates last year: mentions +12%, net sentiment -4.0 pts."
    )
    assert change.year_on_year(changes, reaches=False) is None  # the data starts later
    assert change.year_on_year({"mentions": None}, reaches=True) is None


@pytest.mark.parametrize(
    ("function", "now", "before", "said"),
    [
        (change.percent, 120, 100, "+20%"),
        (change.percent, 80, 100, "-20%"),
        (change.percent, 5, 0, None),  # nothing to compare with: no delta, not "+inf%"
        (change.points, 57.5, 55.4, "+2.1 pts"),
        (change.points, 10.0, None, None),
        (change.count, 2, 3, "-1"),
    ],
)
def test_a_change_is_said_as_people_read_it(function, now, before, said):
    assert function(now, before) == said


def test_brand_conversations_headline_shows_change_and_a_sparkline(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch)

    metrics = {m.label: m for m in app.metric}
    mentions = metrics["Mentions"]
    assert mentions.delta is not None and mentions.delta[0] in "+-"
    assert mentions.proto.chart_data  # the daily mentions behind the figure
    assert "against the 92 days before" in mentions.help
    assert metrics["Share of voice (own brands)"].delta.endswith(" pts")


def test_kpi_rows_show_target_actual_change_and_a_trend(internal_db, monkeypatch):
    from analysis.kpis import kpi_scorecard_from_rollups
    from analysis.period import Period
    from socialpulse.config import load_settings
    from socialpulse.warehouse import open_warehouse

    app = run_page("kpi_scorecard", internal_db, monkeypatch, {"period": "quarter"})

    shown, details = app.dataframe[0].value.set_index("kpi"), app.dataframe[1].value
    assert list(shown.columns) == ["value", "target", "status", "change", "trend", "definition"]
    assert list(details.columns) == ["kpi", "met", "numerator", "denominator"]  # for analysts
    targets = load_settings().kpi_targets
    with open_warehouse(internal_db, read_only=True) as con:
        before = kpi_scorecard_from_rollups(
            con, Period(date(2026, 5, 1), date(2026, 7, 31)), targets
        ).set_index("kpi")
    share = "Share of voice"
    difference = shown.loc[share, "value"] - before.loc[share, "value"]
    assert shown.loc[share, "change"] == f"{difference:+.1f} pts"
    assert not shown["change"].isna().any()  # "n/a" where there is nothing before, never None
    assert 2 <= len(shown.loc[share, "trend"]) <= 6  # the periods with data of the last six
    assert shown.loc[share, "trend"][-1] == shown.loc[share, "value"]
    assert shown.loc[share, "trend"][-2] == before.loc[share, "value"]


def test_the_roi_scenarios_read_level_and_capitalised():
    from dashboard.components.executive_charts import roi_range

    scenarios = {
        case: {"roi_pct": pct, "benefits": 1.0, "costs": 1.0, "rule": ""}
        for case, pct in (("low", -96.0), ("base", -56.0), ("high", 156.0))
    }
    chart, _ = roi_range({"scenarios": scenarios, "payback_months": None, "period": {"days": 92}})
    x = chart.to_dict()["layer"][0]["encoding"]["x"]
    assert (x["sort"], x["axis"]["labelAngle"]) == (["Low", "Base", "High"], 0)
