"""`pulse roi`: the report as JSON, editing assumptions, and one line for bad input."""

import json

import pytest
from typer.testing import CliRunner

from analysis.answered_posts import refresh_answered_posts
from socialpulse.cli import app
from socialpulse.warehouse import connect
from tests.analysis.test_roi import ROI_TOML, build_fixture

runner = CliRunner()


@pytest.fixture
def db(empty_db, tmp_path, monkeypatch):
    config = tmp_path / "socialpulse.toml"
    config.write_text(ROI_TOML)
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(config))
    con = connect(empty_db)
    build_fixture(con)
    refresh_answered_posts(con)  # as `pulse analyze` does
    con.close()
    return empty_db


def pulse(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_the_report_as_json(db):
    result = pulse(db, "roi", "--json", "--period", "2025-01-01:2025-12-31")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "period",
        "currency",
        "definition",
        "benefits",
        "costs",
        "totals",
        "roi_pct",
        "payback_months",
        "scenarios",
        "emv_included",
    }
    assert report["roi_pct"] == 50.0 and report["payback_months"] == 2.0
    assert set(report["scenarios"]) == {"low", "base", "high"}
    assert set(report["scenarios"]["low"]) == {
        "rule",
        "benefits",
        "costs",
        "net_benefit",
        "roi_pct",
        "payback_months",
    }
    line = report["costs"][0]
    assert set(line) == {
        "name",
        "label",
        "formula",
        "calculation",
        "in_words",
        "inputs",
        "low",
        "base",
        "high",
        "one_off",
    }
    assert [b["name"] for b in report["benefits"]] == [
        "support_deflection",
        "search_time_saved",
        "recruiting",
        "attributed_revenue",
    ]


def test_the_default_period_is_the_last_twelve_months_of_data(db):
    report = json.loads(pulse(db, "roi", "--json").stdout)
    assert report["period"]["start"] == "2025-01-02" and report["period"]["end"] == "2026-01-01"
    same = json.loads(pulse(db, "roi", "--json", "--period", "last-12m").stdout)
    assert same == report


def test_emv_flag_adds_the_labelled_line(db):
    report = json.loads(
        pulse(db, "roi", "--json", "--emv", "--period", "2025-01-01:2025-12-31").stdout
    )
    assert report["emv_included"] and report["benefits"][-1]["base"] == 300
    assert "indicative only" in report["benefits"][-1]["note"]


def test_set_then_assumptions_show_the_change_and_its_author(db):
    result = pulse(
        db,
        "roi",
        "set",
        "seats",
        "--base",
        "3.5",
        "--high",
        "5",
        "--by",
        "alice",
        "--note",
        "new hire",
    )
    assert result.exit_code == 0, result.stderr
    assert "seats: low 2, base 3.5, high 5 (by alice)" in result.stderr
    rows = json.loads(pulse(db, "roi", "assumptions", "--json").stdout)
    seats = next(row for row in rows if row["name"] == "seats")
    assert (seats["low"], seats["base"], seats["high"]) == (2, 3.5, 5)
    assert seats["changed_by"] == "alice" and seats["note"] == "new hire"
    assert seats["source"].startswith("changed by alice at ")
    assert {row["name"] for row in rows if row["source"] == "config default"} == {
        row["name"] for row in rows
    } - {"seats"}
    report = json.loads(pulse(db, "roi", "--json", "--period", "2025-01-01:2025-12-31").stdout)
    assert report["costs"][0]["base"] == 20 * 3.5 * 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["roi", "set", "seatz", "--base", "1"], "unknown ROI assumption 'seatz'"),
        (["roi", "set", "seats", "--base", "abc"], "--base: expected a number"),
        (["roi", "set", "seats", "--base", "5", "--low", "6"], "expected low <= base <= high"),
        (["roi", "set", "seats", "--base", "-1", "--low", "-1"], "not negative"),
        (["roi", "--period", "2025-13-01:2025-12-31"], "expected START:END"),
        (["roi", "--period", "last-year"], "expected START:END"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(db, args, message):
    result = pulse(db, *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_warehouse_is_one_line(tmp_path):
    result = pulse(tmp_path / "none.duckdb", "roi")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
