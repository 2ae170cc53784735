"""The alert inbox: acknowledge, assign and close with a note, each step kept and audited, the
time to acknowledge shown; and an alert's month of topics one click away."""

from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from analysis.alert_inbox import history, inbox_state, record_action
from dashboard import data
from socialpulse.warehouse import open_warehouse
from tests.dashboard.test_internal_pages import run_page

YEAR = {"period": "year"}


def _crisis(db) -> tuple[int, pd.Timestamp]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT alert_id, created_at FROM alerts WHERE kind = 'crisis'"
        ).fetchall()[0]


def test_steps_make_the_state_and_the_time_to_acknowledge(db_copy, analysed_db):
    db = db_copy(analysed_db)
    alert_id, raised = _crisis(db)
    with open_warehouse(db) as con:
        assert inbox_state(con, [alert_id])["state"].tolist() == ["New"]
        record_action(
            con, alert_id, "acknowledge", "ana", "marketing", now=raised + timedelta(minutes=42)
        )
        record_action(
            con,
            alert_id,
            "assign",
            "ana",
            "marketing",
            assignee=" Dana ",
            now=raised + timedelta(hours=1),
        )
        with pytest.raises(ValueError, match="say in a note what was done"):
            record_action(con, alert_id, "close", "ana", "marketing", note="  ")
        record_action(
            con,
            alert_id,
            "close",
            "dana",
            "marketing",
            note="Recall FAQ posted",
            now=raised + timedelta(hours=5),
        )
        with pytest.raises(ValueError, match="is closed: reopen it first"):
            record_action(con, alert_id, "assign", "ana", assignee="Lee")
        with pytest.raises(ValueError, match="no such alert"):
            record_action(con, 99_999, "acknowledge", "ana")
        state = inbox_state(con, [alert_id]).iloc[0]
        steps = history(con, alert_id)
    assert state["state"] == "Closed"
    assert (state["assignee"], state["note"], state["updated_by"]) == (
        "Dana",
        "Recall FAQ posted",
        "dana",
    )
    assert state["minutes_to_acknowledge"] == pytest.approx(42.0)
    assert (state["acknowledged_by"]) == "ana"
    assert steps["action"].tolist() == ["acknowledge", "assign", "close"]


def test_a_dashboard_step_is_audited_and_refused_to_a_role_without_triage(db_copy, analysed_db):
    db = db_copy(analysed_db)
    alert_id, _ = _crisis(db)
    with pytest.raises(ValueError, match="the executive role may not handle alerts"):
        data.update_alert(str(db), alert_id, "acknowledge", "eve", "executive")
    data.update_alert(str(db), alert_id, "assign", "ana", "marketing", assignee="Dana")
    with duckdb.connect(str(db), read_only=True) as con:
        audited = con.execute(
            "SELECT actor, role, action, target, detail FROM audit_log "
            "WHERE action = 'alert_update'"
        ).fetchall()
        steps = con.execute("SELECT count(*) FROM alert_actions").fetchall()[0][0]
    assert audited == [("ana", "marketing", "alert_update", f"alert {alert_id}", "assign to Dana")]
    assert steps == 1  # the refused step wrote nothing


def _form_keys(app, alert_id: int) -> dict:
    return {
        "action": f"alert_action_{alert_id}",
        "assignee": f"alert_assignee_{alert_id}",
        "note": f"alert_note_{alert_id}",
        "save": f"FormSubmitter:alert_form_{alert_id}-Save",
    }


def test_the_page_assigns_an_alert_and_shows_where_it_stands(db_copy, analysed_db, monkeypatch):
    db = db_copy(analysed_db)
    alert_id, _ = _crisis(db)
    app = run_page("topics_alerts", db, monkeypatch, YEAR, role="marketing")
    listed = app.dataframe[0].value
    assert set(listed["state"]) == {"New"} and set(listed["acknowledged"]) == {"–"}
    assert app.caption[0].value.startswith(
        f"{len(listed)} of {len(listed)} alerts not acknowledged"
    )
    keys = _form_keys(app, alert_id)
    app.selectbox(key=keys["action"]).set_value("close")
    app.button(key=keys["save"]).click().run()
    assert [e.value for e in app.error] == [
        "Not saved: say in a note what was done before closing the alert"
    ]
    app.selectbox(key=keys["action"]).set_value("assign")
    app.text_input(key=keys["assignee"]).set_value("Dana (PR)")
    app.button(key=keys["save"]).click().run()
    assert not app.exception and [s.value for s in app.success] == ["Saved: the alert is assigned."]
    crisis = app.dataframe[0].value.set_index("kind").loc["Crisis"]
    assert (crisis["state"], crisis["assignee"]) == ("Assigned", "Dana (PR)")
    assert crisis["acknowledged"] != "–"
    assert any(
        m.value.startswith("**Assigned** by marketing-user") and "assigned to Dana (PR)" in m.value
        for m in app.markdown
    )


def test_a_role_that_may_not_triage_sees_the_inbox_without_its_form(analysed_db, monkeypatch):
    app = run_page("topics_alerts", analysed_db, monkeypatch, YEAR, role="executive")
    assert not app.exception
    assert "state" in app.dataframe[0].value.columns
    assert not [s for s in app.selectbox if (s.key or "").startswith("alert_action_")]


def test_an_alerts_month_of_topics_is_one_click_away(analysed_db, monkeypatch):
    alert_id, _ = _crisis(analysed_db)
    quarter = {"from": "2026-08-01", "to": "2026-10-31"}
    app = run_page("topics_alerts", analysed_db, monkeypatch, quarter, role="marketing")

    def months_listed() -> set[str]:
        topics = next(
            t.value for t in app.dataframe if "label" in t.value.columns and len(t.value) > 3
        )
        return set(pd.to_datetime(topics["period_start"]).dt.strftime("%Y-%m"))

    assert months_listed() == {"2026-08", "2026-09", "2026-10"}  # the sidebar's months
    app.button(key=f"alert_topics_{alert_id}").click().run()
    assert app.selectbox(key="topic_month").value == "2026-09"
    assert months_listed() == {"2026-09"}
    topics = next(t.value for t in app.dataframe if "label" in t.value.columns and len(t.value) > 3)
    # Named by a phrase, never a comma-separated bag of words.
    assert topics["label"].str.contains(" ").all() and not topics["label"].str.contains(",").any()
