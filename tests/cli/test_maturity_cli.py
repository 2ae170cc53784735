"""`pulse maturity`: the scorecard as JSON, answering the questionnaire, one line for bad input."""

import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.maturity_criteria import CRITERIA
from socialpulse.cli import app
from socialpulse.config import EXAMPLE_CONFIG
from socialpulse.warehouse import connect, upsert

runner = CliRunner()
KEYS = {
    "as_of",
    "stages",
    "current_stage",
    "current_stage_name",
    "next_stage",
    "next_stage_name",
    "blocking",
    "peer_band",
    "criteria",
    "history",
}


@pytest.fixture(autouse=True)
def example_config(monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(EXAMPLE_CONFIG))


@pytest.fixture
def db(empty_db):
    """Owned posts in January and March 2026: month ends Jan 31 and Feb 28, newest day Mar 20."""
    con = connect(empty_db)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [{"channel_id": "x:search", "platform": "x", "scope": "external", "name": "search"}]
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            [
                {
                    "author_id": "x:acme",
                    "platform": "x",
                    "scope": "external",
                    "handle": "acme",
                    "is_owned": True,
                }
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                {
                    "post_id": f"x:{n}",
                    "platform": "x",
                    "native_id": str(n),
                    "channel_id": "x:search",
                    "author_id": "x:acme",
                    "created_at": when,
                    "collected_at": when,
                    "text": "new tent",
                }
                for n, when in enumerate([datetime(2026, 1, 10), datetime(2026, 3, 20)])
            ]
        ),
    )
    con.close()
    return empty_db


def pulse(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_the_scorecard_as_json(db):
    result = pulse(db, "maturity", "--json")
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    assert set(card) == KEYS
    assert card["as_of"] == "2026-03-20"
    assert [s["name"] for s in card["stages"]] == [
        "Planning",
        "Presence",
        "Engagement",
        "Formalized",
        "Strategic",
        "Converged",
    ]
    assert set(card["stages"][0]) == {"stage", "name", "motto", "score", "reached"}
    assert len(card["criteria"]) == len(CRITERIA)
    assert set(card["criteria"][0]) == {"id", "stage", "description", "source", "score", "evidence"}
    assert set(card["criteria"][0]["evidence"]) >= {"score", "numbers", "period"}
    assert card["current_stage"] == 0 and card["next_stage"] == 1
    assert len(card["blocking"]) == 3 and {c["stage"] for c in card["blocking"]} == {1}
    assert card["peer_band"] == {"band": "early", "low": 1, "high": 3}
    assert [row["as_of"] for row in card["history"]] == ["2026-01-31", "2026-02-28", "2026-03-20"]
    assert set(card["history"][0]) == {
        "as_of",
        "planning",
        "presence",
        "engagement",
        "formalized",
        "strategic",
        "converged",
        "current_stage",
        "current_stage_name",
    }


def test_as_of_limits_the_scorecard_and_its_history(db):
    card = json.loads(pulse(db, "maturity", "--json", "--as-of", "2026-02-28").stdout)
    assert card["as_of"] == "2026-02-28"
    assert [row["as_of"] for row in card["history"]] == ["2026-01-31", "2026-02-28"]


def test_an_answer_is_stored_and_counts_from_then_on(db):
    result = pulse(
        db,
        "maturity",
        "answer",
        "planning.goals_defined",
        "partly",
        "--by",
        "ann",
        "--note",
        "draft brief",
    )
    assert result.exit_code == 0, result.stderr
    assert "planning.goals_defined: partly (by ann)" in result.stderr
    card = json.loads(pulse(db, "maturity", "--json", "--as-of", "2099-01-01").stdout)
    goals = next(c for c in card["criteria"] if c["id"] == "planning.goals_defined")
    assert goals["score"] == 0.5
    assert goals["evidence"]["numbers"]["answered_by"] == "ann"
    assert goals["evidence"]["note"] == "draft brief"
    answered = date.fromisoformat(goals["evidence"]["numbers"]["answered_at"][:10])
    the_day_before = (answered - timedelta(days=1)).isoformat()  # the wall clock stamped it
    before = json.loads(pulse(db, "maturity", "--json", "--as-of", the_day_before).stdout)
    assert next(c for c in before["criteria"] if c["id"] == "planning.goals_defined")["score"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["answer", "presence.policy_published", "maybe"], "unknown answer 'maybe'"),
        (["answer", "presence.no_such_question", "yes"], "unknown question"),
        (["answer", "presence.owned_platforms", "yes"], "unknown question"),
        (["--as-of", "last tuesday"], "--as-of: expected a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(db, args, message):
    result = pulse(db, "maturity", *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    con = connect(db)
    try:
        assert con.execute("SELECT count(*) FROM maturity_answers").fetchall()[0][0] == 0
    finally:
        con.close()


def test_a_missing_warehouse_says_what_to_run(empty_db):
    result = pulse(empty_db, "maturity")
    assert result.exit_code == 1 and "pulse demo" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_questions_lists_every_question(db):
    listed = json.loads(pulse(db, "maturity", "questions", "--json").stdout)
    assert [q["id"] for q in listed] == [c.id for c in CRITERIA if c.source == "questionnaire"]
    text = pulse(db, "maturity", "questions")
    assert text.exit_code == 0 and "presence.policy_published" in text.stdout


def test_the_text_report_names_the_stage_and_what_blocks_the_next(db):
    result = pulse(db, "maturity")
    assert result.exit_code == 0, result.stderr
    assert "Current stage: none yet (Planning not reached)" in result.stdout
    assert "Unmet criteria blocking Planning" in result.stdout
    assert "2026-02-28" in result.stdout


def test_it_works_on_the_demo_warehouse_read_only(demo_db):
    result = pulse(demo_db, "maturity", "--json")
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["as_of"] == "2026-10-31" and len(card["history"]) == 12
    policy = next(c for c in card["criteria"] if c["id"] == "presence.policy_published")
    assert policy["score"] == 1  # the demo's questionnaire, published in February
    assert "Legal" not in result.stdout
