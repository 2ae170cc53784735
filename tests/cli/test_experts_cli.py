"""`pulse experts`: a table or JSON on stdout, one line and exit 1 without a warehouse."""

import json

import pytest
from typer.testing import CliRunner

from socialpulse.cli import app
from socialpulse.warehouse import connect
from tests.analysis.test_experts import load_forum

runner = CliRunner()


@pytest.fixture
def forum(tmp_path, monkeypatch):
    config = tmp_path / "socialpulse.toml"
    config.write_text("[privacy]\nmin_group_size = 5\n")
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(config))
    path = tmp_path / "forum.duckdb"
    con = connect(path)
    load_forum(con)
    con.close()
    return path


def test_json_lists_the_experts_in_order_with_evidence(forum):
    result = runner.invoke(app, ["--db", str(forum), "experts", "VPN", "--json"])
    assert result.exit_code == 0, result.output
    experts = json.loads(result.stdout)
    assert [e["person_id"] for e in experts] == ["emp_e1", "emp_e2", "emp_e4"]
    assert [e["score"] for e in experts] == [6.5, 3.5, 1.0]
    assert experts[2]["person"] == "Erin Four"
    assert experts[1]["department"] == "Other"  # Legal (1 person) is below the floor of 5
    assert [item["post_id"] for item in experts[0]["evidence"]] == ["slack:p1", "slack:a1"]


def test_limit_and_table(forum):
    result = runner.invoke(app, ["--db", str(forum), "experts", "vpn token", "--limit", "2"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("emp_e1") < out.index("emp_e2")  # those who answered the question
    assert "Erin Four" not in out  # who asked it
    assert "slack:a1: Use the self-service portal" in out
    assert "IT, Paris" in out and "Other, Paris" in out


def test_nobody_wrote_about_it(forum):
    result = runner.invoke(app, ["--db", str(forum), "experts", "printer toner"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "no one has written about printer toner yet"
    as_json = runner.invoke(app, ["--db", str(forum), "experts", "printer", "--json"])
    assert json.loads(as_json.stdout) == []


def test_sql_in_the_topic_is_only_text(forum):
    result = runner.invoke(app, ["--db", str(forum), "experts", "'; DROP TABLE posts; --"])
    assert result.exit_code == 0
    assert "no one has written about" in result.stdout
    with connect(forum, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] > 0


def test_missing_warehouse_is_one_line_and_exit_1(tmp_path):
    result = runner.invoke(app, ["--db", str(tmp_path / "none.duckdb"), "experts", "vpn"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "none.duckdb" in lines[0] and "pulse demo" in lines[0]
