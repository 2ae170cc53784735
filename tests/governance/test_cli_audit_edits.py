"""Corrections, questionnaire answers and ROI edits made from the command line are audited."""

import duckdb
from typer.testing import CliRunner

from socialpulse.cli import app

runner = CliRunner()


def test_edits_leave_one_audit_row_each(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    db = str(warehouse)
    con = duckdb.connect(db, read_only=True)
    post_id = con.execute("SELECT post_id FROM posts ORDER BY post_id LIMIT 1").fetchall()[0][0]
    con.close()
    question = "presence.policy_published"
    for args in (
        ["sentiment", "correct", post_id, "negative", "--by", "ana"],
        ["maturity", "answer", question, "partly", "--by", "ana"],
        ["roi", "set", "hourly_rate", "--base", "60", "--by", "ana"],
    ):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
    con = duckdb.connect(db, read_only=True)
    rows = con.execute(
        "SELECT actor, action, target, detail FROM audit_log ORDER BY event_id"
    ).fetchall()
    con.close()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("ana", "sentiment_correction", post_id),
        ("ana", "questionnaire_answer", question),
        ("ana", "roi_edit", "hourly_rate"),
    ]
    assert rows[0][3] == "negative" and rows[1][3] == "partly" and "base 60" in rows[2][3]
