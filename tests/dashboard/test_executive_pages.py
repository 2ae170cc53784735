"""The Executive pages (AppTest on the analysed demo with its stored roll-ups), and the KPI
scorecard read from roll-ups checked by hand on a small warehouse."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from analysis.kpis import kpi_scorecard, kpi_scorecard_from_rollups, kpi_status
from analysis.period import Period
from socialpulse.config import KpiTargets, load_settings
from socialpulse.warehouse import LoadResult, connect, open_warehouse, upsert
from socialpulse.warehouse.runs import finish_run, start_run
from tests.dashboard import test_internal_pages as internal
from tests.dashboard.test_internal_pages import (
    QUARTER,
    chart_data,
    everything_shown,
    run_page,
    summaries,
)

EXECUTIVE = {
    "kpi_scorecard": "KPI scorecard",
    "maturity": "Maturity scorecard",
    "roi": "Return on investment",
}


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, None),
        (40.0, "met"),
        (55.0, "met"),
        (35.0, "near"),
        (35.01, "near"),
        (34.99, "missed"),
        (0.0, "missed"),
    ],
)
def test_kpi_status_is_met_near_or_missed(value, status):
    assert kpi_status(value, 40.0) == status


def _brand_day(day, brand, competitor, mentions, positive, negative) -> dict:
    return {
        "day": day,
        "brand": brand,
        "is_competitor": competitor,
        "platform": "x",
        "mentions": mentions,
        "likes": 0,
        "shares": 0,
        "replies": 0,
        "quotes": 0,
        "views": 0,
        "engagements": 0,
        "reach": None,
        "reach_method": "none",
        "positive": positive,
        "neutral": mentions - positive - negative,
        "negative": negative,
    }


def _metric(month, metric, numerator, denominator, value) -> dict:
    return {
        "grain": "month",
        "period_start": month,
        "segment_type": "all",
        "segment_value": "All employees",
        "metric": metric,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "computed_at": datetime(2026, 3, 1),
    }


def test_kpis_from_rollups_by_hand(tmp_path):
    con = connect(tmp_path / "small.duckdb")
    upsert(
        con,
        "brand_daily",
        pd.DataFrame(
            [
                _brand_day(date(2026, 1, 5), "Own", False, 30, 12, 3),
                _brand_day(date(2026, 2, 5), "Own", False, 10, 0, 5),
                _brand_day(date(2026, 1, 6), "Rival", True, 60, 30, 0),
                _brand_day(date(2025, 12, 31), "Own", False, 100, 0, 100),  # outside the period
            ]
        ),
    )
    upsert(
        con,
        "internal_metrics",
        pd.DataFrame(
            [
                _metric(date(2026, 1, 1), "interactive_users", 20, 50, 40.0),
                _metric(date(2026, 2, 1), "interactive_users", 15, 50, 30.0),
                _metric(date(2026, 1, 1), "stickiness", 3, 20, 15.0),
                _metric(date(2026, 2, 1), "stickiness", 5, 20, 25.0),
                _metric(date(2026, 1, 1), "reply_rate", 6, 10, 60.0),
                _metric(date(2026, 2, 1), "reply_rate", 9, 10, 90.0),
                _metric(date(2025, 12, 1), "reply_rate", 0, 100, 0.0),  # outside the period
            ]
        ),
    )
    upsert(
        con,
        "push_pull",
        pd.DataFrame(
            [
                {
                    "post_id": "c1",
                    "kind": "check-in",
                    "created_at": datetime(2026, 1, 9, 9),
                    "channel": "crisis",
                    "segment_type": segment,
                    "segment_value": value,
                    "audience": audience,
                    "responded": answered,
                    "rate": None,
                    "median_minutes": None,
                }
                for segment, value, audience, answered in (
                    ("all", "All employees", 20, 17),
                    ("department", "Sales", 10, 9),
                )
            ]
        ),
    )
    targets = KpiTargets(
        share_of_voice=40,
        net_sentiment=20,
        interactive_users=38,
        stickiness=20,
        reply_rate=80,
        check_in_answer_rate=90,
    )
    card = kpi_scorecard_from_rollups(
        con, Period(date(2026, 1, 1), date(2026, 2, 28)), targets
    ).set_index("kpi")
    # Own 40 of 100 mentions; (12 - 8) / 40 scored; latest month 30%; (3+5)/(20+20);
    # (6+9)/(10+10); 17/20 (the department row is not counted twice).
    assert card["value"].round(1).to_dict() == {
        "Share of voice": 40.0,
        "Net sentiment": 10.0,
        "Interactive users, latest month": 30.0,
        "Stickiness (DAU/MAU), monthly": 20.0,
        "Internal reply rate": 75.0,
        "Check-in answer rate": 85.0,
    }
    assert card["status"].to_dict() == {
        "Share of voice": "met",
        "Net sentiment": "missed",
        "Interactive users, latest month": "missed",
        "Stickiness (DAU/MAU), monthly": "met",
        "Internal reply rate": "near",
        "Check-in answer rate": "near",
    }
    assert (
        card.loc["Internal reply rate", "numerator"],
        card.loc["Internal reply rate", "denominator"],
    ) == (15, 20)
    con.close()


def test_stored_kpis_agree_with_the_live_ones_on_the_demo(internal_db):
    period = Period(date(2026, 8, 1), date(2026, 10, 31))
    targets = load_settings().kpi_targets
    with open_warehouse(internal_db, read_only=True) as con:
        stored = kpi_scorecard_from_rollups(con, period, targets).set_index("kpi")
        live = kpi_scorecard(con, period, targets).set_index("kpi")
    for kpi in ("Share of voice", "Net sentiment", "Internal reply rate", "Check-in answer rate"):
        assert stored.loc[kpi, "value"] == pytest.approx(live.loc[kpi, "value"], abs=0.05)


@pytest.mark.parametrize(("name", "title"), EXECUTIVE.items())
def test_executive_page_draws_charts_with_summaries_and_downloads(
    name, title, internal_db, monkeypatch
):
    app = run_page(name, internal_db, monkeypatch, QUARTER, role="admin")
    assert not app.exception and not app.error
    assert app.title[0].value == title
    drawn = app.get("vega_lite_chart")
    assert drawn
    for chart in drawn:
        assert chart.proto.alt and chart.proto.alt in summaries(app)
        assert "tooltip" in chart.proto.spec
    keys = [b.key for b in app.download_button]
    assert sum(k.startswith("csv-") for k in keys) == len(app.dataframe) > 0
    assert sum(k.startswith("parquet-") for k in keys) == len(app.dataframe)
    assert "Legal" not in everything_shown(app)


def test_kpi_page_shows_traffic_lights_of_the_stored_kpis(internal_db, monkeypatch):
    app = run_page("kpi_scorecard", internal_db, monkeypatch, QUARTER)
    assert not app.exception and not app.error  # the report section included
    shown = app.dataframe[0].value.set_index("kpi")
    with open_warehouse(internal_db, read_only=True) as con:
        expected = kpi_scorecard_from_rollups(
            con, Period(date(2026, 8, 1), date(2026, 10, 31)), load_settings().kpi_targets
        ).set_index("kpi")
    assert shown["status"].to_dict() == expected["status"].to_dict()
    met = int((expected["status"] == "met").sum())
    assert summaries(app)[0].startswith(f"{met} of 6 KPIs with data meet their target")


def test_maturity_page_shows_stage_scores_and_what_blocks(internal_db, monkeypatch):
    app = run_page("maturity", internal_db, monkeypatch)
    with duckdb.connect(str(internal_db), read_only=True) as con:
        stage_one = con.execute(
            "SELECT round(avg(score), 2) FROM maturity_scores WHERE stage = 1 AND as_of = "
            "(SELECT max(as_of) FROM maturity_scores)"
        ).fetchall()[0][0]
    bars = chart_data(app.get("vega_lite_chart")[0]).set_index("stage")
    assert len(bars) == 6
    assert bars.loc[1, "score"] == stage_one
    assert "the organisation stands at stage" in summaries(app)[0]
    blocking = app.dataframe[0].value
    assert len(blocking) > 0 and (blocking["score"] < 1).all()
    assert f"stage {int(bars['reached'].sum()) + 1} is blocked by" in summaries(app)[0]
    next_stage = {m.label: m.value for m in app.metric}["Next stage"]
    assert (
        next_stage
        == f"{int(bars['reached'].sum()) + 1} · {bars.loc[int(bars['reached'].sum()) + 1, 'name']}"
    )


def test_a_questionnaire_answer_is_stored_audited_and_counted(db_copy, internal_db, monkeypatch):
    warehouse = db_copy(internal_db)
    app = run_page("maturity", warehouse, monkeypatch, role="admin")
    blocking = app.dataframe[0].value
    question = blocking[blocking["source"] == "questionnaire"].iloc[0]
    assert question["score"] < 1
    assert not blocking["description"].str.contains(r"^\w+\.\w+$").any()  # no raw ids shown
    with duckdb.connect(str(warehouse), read_only=True) as con:
        question["criterion"] = con.execute(
            "SELECT DISTINCT criterion_id FROM maturity_scores WHERE description = ?",
            [question["description"]],
        ).fetchall()[0][0]
    app.selectbox(key="maturity_question").set_value(question["criterion"]).run()
    app.segmented_control(key="maturity_answer").set_value("yes")
    app.text_input(key="maturity_note").set_value("agreed at the board")
    app.button(key="save_answer").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("Saved: “yes”")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT answer, answered_by, note FROM maturity_answers WHERE question_id = ? "
            "ORDER BY answer_id DESC LIMIT 1",
            [question["criterion"]],
        ).fetchall()
        audited = con.execute(
            "SELECT actor, role, target, detail FROM audit_log WHERE action = "
            "'questionnaire_answer'"
        ).fetchall()
    assert stored == [("yes", "admin-user", "agreed at the board")]
    assert audited == [("admin-user", "admin", question["criterion"], "yes")]
    still_blocking = app.dataframe[0].value
    assert question["description"] not in set(
        still_blocking.loc[still_blocking["score"] < 1, "description"]
    )


def edit_assumptions(app, rows: dict[str, dict]):
    """Edit cells of the assumptions table as a browser user would, then press Save."""
    editor = app.data_editor[0]
    names = editor.value["name"].tolist()
    app.session_state[editor.key] = {
        "edited_rows": {names.index(name): cells for name, cells in rows.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    return app.button(key="save_roi").click().run()


def stored_assumptions(db) -> tuple[list, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "SELECT name, low, base, high, changed_by, note FROM roi_assumptions ORDER BY change_id"
        ).fetchall()
        audited = con.execute(
            "SELECT actor, role, target, detail FROM audit_log "
            "WHERE action = 'roi_edit' ORDER BY event_id"
        ).fetchall()
    return stored, audited


def test_an_roi_edit_in_the_table_is_stored_audited_and_changes_the_roi(
    db_copy, internal_db, monkeypatch
):
    warehouse = db_copy(internal_db)
    app = run_page("roi", warehouse, monkeypatch, QUARTER, role="marketing")
    before = app.metric[0].value
    editor = app.data_editor[0]
    assert editor.editing_mode == "fixed"
    assert editor.value.set_index("name").loc["seats", "base"] != 20.0
    edit_assumptions(
        app, {"seats": {"low": 10.0, "base": 20.0, "high": 30.0, "note": "  board plan "}}
    )
    assert not app.exception and not app.error
    assert [m.value for m in app.success] == ["Saved: Seats is now low 10, base 20, high 30."]
    stored, audited = stored_assumptions(warehouse)
    assert stored == [("seats", 10.0, 20.0, 30.0, "marketing-user", "board plan")]
    assert audited == [("marketing-user", "marketing", "seats", "low 10, base 20, high 30")]
    # A fresh editor shows the values now in force, their source and note.
    shown = app.data_editor[0]
    assert shown.key != editor.key
    row = shown.value.set_index("name").loc["seats"]
    assert (row["low"], row["base"], row["high"], row["note"]) == (10.0, 20.0, 30.0, "board plan")
    assert row["source"].startswith("changed by marketing-user at ")
    assert app.metric[0].value != before  # more seats cost more licences
    # Saving again without a change stores nothing.
    app.button(key="save_roi").click().run()
    assert [m.value for m in app.info if m.value.startswith("Nothing changed")]
    assert stored_assumptions(warehouse)[0] == stored


def test_each_refused_row_says_why_in_one_line_and_the_others_are_saved(
    db_copy, internal_db, monkeypatch
):
    warehouse = db_copy(internal_db)
    app = run_page("roi", warehouse, monkeypatch, QUARTER, role="admin")
    current = app.data_editor[0].value.set_index("name")
    base = current.loc["seats", "base"]
    edit_assumptions(
        app,
        {
            "seats": {"low": base + 1},  # above its base
            "hourly_rate": {"high": None},  # a cleared cell
            "licence_per_seat_month": {
                "base": current.loc["licence_per_seat_month", "high"],
                "note": "list price",
            },
        },
    )
    assert not app.exception
    assert [e.value for e in app.error] == [
        f"Not saved: seats: expected low <= base <= high, got {base + 1:g}, {base:g}, "
        f"{current.loc['seats', 'high']:g} (give low and high too)",
        "Not saved: Hourly rate: give high.",
    ]
    assert len(app.success) == 1 and app.success[0].value.startswith(
        "Saved: Licence per seat and month is now"
    )
    stored, audited = stored_assumptions(warehouse)
    assert [(name, note) for name, *_, note in stored] == [("licence_per_seat_month", "list price")]
    assert [target for *_, target, _ in audited] == ["licence_per_seat_month"]
    # The refused edits stay in the table to be corrected.
    assert app.session_state[app.data_editor[0].key]["edited_rows"]


def test_a_role_that_may_not_edit_gets_the_read_only_table(internal_db, monkeypatch):
    app = run_page("roi", internal_db, monkeypatch, QUARTER, role="executive")
    assert not app.exception and not app.error
    assert len(app.data_editor) == 0
    assumptions = next(t for t in app.dataframe if "used_in" in t.value.columns)
    assert assumptions.editing_mode == "read_only"
    assert "Your role may read the assumptions but not change them." in summaries(app)
    assert not [b for b in app.button if b.key == "save_roi"]


def test_roles_that_may_not_edit_get_no_form(internal_db, monkeypatch):
    roi = run_page("roi", internal_db, monkeypatch, role="executive")
    maturity = run_page("maturity", internal_db, monkeypatch, role="executive")
    assert not [b for b in roi.button if b.key == "save_roi"]
    assert [b for b in maturity.button if b.key == "save_answer"] == []


def test_a_failed_scorecard_leaves_the_trend_and_questionnaire(internal_db, monkeypatch):
    from dashboard import data

    def broken(db):
        raise RuntimeError("boom")

    monkeypatch.setattr(data, "maturity_scorecard", broken)
    app = run_page("maturity", internal_db, monkeypatch, role="admin")
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Maturity scores cannot be shown because of an internal error (it has been logged). "
        "Try **Refresh data** in the sidebar or another period; if it persists, tell the "
        "person who runs SocialPulse."
    ]
    assert len(app.get("vega_lite_chart")) == 1  # the trend by month
    assert [s.value for s in app.main.subheader] == ["Trend by month", "Questionnaire"]
    assert any("question" in t.value.columns for t in app.dataframe)


@pytest.mark.parametrize("name", ["maturity", "audit_log"])
def test_pages_without_filters_show_freshness_and_refresh(name, internal_db, monkeypatch):
    app = run_page(name, internal_db, monkeypatch, role="admin")
    assert not app.exception and not app.error
    freshness = [c.value for c in app.sidebar.caption]
    assert any(line.startswith("**demo**: ") and "UTC" in line for line in freshness)
    assert any(line.startswith("**Last `pulse analyze`**") for line in freshness)
    assert not [d for d in app.sidebar.date_input if d.key == "date_range"]
    app.button(key="refresh").click().run()
    assert not app.exception and app.title[0].value in ("Maturity scorecard", "Audit log")


def test_the_shared_filters_stay_in_the_link_on_pages_without_them(
    internal_db, accounts, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import signed_in

    monkeypatch.setenv("SOCIALPULSE_DB", str(internal_db))
    monkeypatch.setattr("dashboard.auth.record", lambda *args, **kwargs: True)  # read-only db
    app = signed_in(AppTest.from_file(str(internal.ROOT / "streamlit_app.py"), default_timeout=90))
    app.run()
    app.segmented_control(key="period").set_value("30d").run()
    for page in ("maturity", "audit_log", "roi"):
        app.switch_page(f"dashboard/pages/{page}.py").run()
        assert not app.exception
        assert app.query_params == {"period": "30d"}
    assert app.segmented_control(key="period").value == "30d"  # back on a page with filters


def _events(db, now: datetime) -> None:
    from datetime import timedelta

    from socialpulse import audit

    with open_warehouse(db) as con:
        audit.record(con, "alice", "admin", "login", now=now - timedelta(days=2))
        audit.record(
            con, "bob", "marketing", "export", "share-of-voice.csv", now=now - timedelta(hours=1)
        )
        audit.record(con, "carol", "admin", "login", now=now - timedelta(days=60))  # too old


def test_the_audit_log_lists_filters_and_downloads_its_events(db_copy, internal_db, monkeypatch):
    warehouse = db_copy(internal_db)
    from datetime import UTC

    _events(warehouse, datetime.now(UTC))
    app = run_page("audit_log", warehouse, monkeypatch, role="auditor")
    assert not app.exception and not app.error
    shown = app.dataframe[0].value
    assert shown[["actor", "action", "target"]].values.tolist() == [
        ["bob", "Downloaded", "share-of-voice.csv"],
        ["alice", "Signed in", "–"],
    ]
    assert summaries(app)[0].startswith("2 events from ")
    assert {b.key for b in app.download_button} == {"csv-audit-log", "parquet-audit-log"}
    app.text_input(key="audit_actor").set_value("alice").run()
    assert app.dataframe[0].value["actor"].tolist() == ["alice"]
    app.text_input(key="audit_actor").set_value("").run()
    # A download is itself audited, and the log shows it at once (no stale cached copy).
    app.download_button(key="csv-audit-log").click().run()
    assert not app.exception
    newest = app.dataframe[0].value.iloc[0]
    assert (newest["actor"], newest["role"], newest["action"], newest["target"]) == (
        "auditor-user",
        "auditor",
        "Downloaded",
        "audit-log.csv",
    )


def test_the_audit_log_is_for_auditors_and_admins_only(internal_db, monkeypatch):
    from dashboard import data

    app = run_page("audit_log", internal_db, monkeypatch, role="marketing")
    assert [e.value for e in app.error] == ["Your role may not see the audit log."]
    assert not app.dataframe and not app.download_button
    day = date(2026, 10, 1)
    assert data.audit_events(str(internal_db), day, day, role="marketing") is None
    assert data.audit_events(str(internal_db), day, day, role="auditor").empty


def test_freshness_says_what_a_partial_run_skipped(db_copy, internal_db, monkeypatch):
    warehouse = db_copy(internal_db)
    skipped = "x Northwind: skipped 2 item(s) it could not store (first: tweet 1: no text)"
    with open_warehouse(warehouse) as con:
        finish_run(con, start_run(con, "x"), LoadResult(), status="partial", error=skipped)
    app = run_page("maturity", warehouse, monkeypatch, role="admin")
    freshness = [c.value for c in app.sidebar.caption]
    assert any(
        line.startswith("**x**: ") and line.endswith(f"last run partial: {skipped}")
        for line in freshness
    )
