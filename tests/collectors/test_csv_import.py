"""The generic CSV import (docs/csv-import-format.md) on its fixture, checked by hand."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collectors.exports.csv_export  # noqa: F401 (registers the importer)
from collectors.exports.runner import run_import
from socialpulse.config import load_settings
from socialpulse.warehouse import open_warehouse

KEY = b"test-key"
EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "csv" / "export"
ORIGINALS = ["ana.silva@northwind.example", "bo.chen@northwind.example",
             "carla.diaz@northwind.example", "ceo@northwind.example", "U777"]


def rows(db, sql):
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_fixture_loads_exactly(empty_db):
    summary = run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    assert (summary.status, summary.posts.inserted) == ("ok", 7)
    assert rows(empty_db, "SELECT post_id, channel_id, kind, parent_id FROM posts "
                          "ORDER BY post_id") == [
        ("csv:m1", "csv:general", "post", None),
        ("csv:m2", "csv:general", "reply", "csv:m1"),
        ("csv:m3", "csv:general", "reply", "csv:m1"),
        ("csv:m4", "csv:exec-room", "post", None),
        ("csv:m5", "csv:exec-room", "reply", "csv:m4"),
        ("intranet:f1", "intranet:ideas", "post", None),
        ("intranet:f2", "intranet:ideas", "reply", "intranet:f1")]
    # Carla's reaction to her own message (m5) is not an edge between people.
    assert rows(empty_db, "SELECT kind, post_id, detail FROM interactions ORDER BY ALL") == [
        ("mention", "csv:m2", ""), ("mention", "csv:m3", ""),
        ("reaction", "csv:m1", "heart"), ("reaction", "csv:m1", "like"),
        ("reaction", "csv:m2", "like"), ("reaction", "csv:m3", "like"),
        ("reply", "csv:m2", ""), ("reply", "csv:m3", ""), ("reply", "csv:m5", ""),
        ("reply", "intranet:f2", "")]
    assert rows(empty_db, "SELECT channel_id, sensitivity FROM channels ORDER BY 1") == [
        ("csv:exec-room", "restricted"), ("csv:general", "internal"),
        ("intranet:ideas", "internal")]
    assert rows(empty_db, "SELECT text FROM posts WHERE post_id = 'csv:m2'") == [
        ("Thanks @[email], see you there",)]
    assert rows(empty_db, "SELECT created_at::VARCHAR FROM posts WHERE post_id = 'csv:m2'") == [
        ("2026-09-15 08:05:00",)]  # 10:05 +02:00 in UTC


def test_reimporting_adds_nothing(empty_db):
    run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    again = run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    assert again.posts.inserted == 0 and again.posts.updated == 7
    assert rows(empty_db, "SELECT count(*) FROM interactions") == [(10,)]


@pytest.mark.parametrize(("content", "problem"), [
    ("message_id,channel,text\nm1,general,hello\n",
     "messages.csv: missing column(s) author, created_at"),
    ("message_id,channel,author,created_at,text\nm1,general,a@x.example,yesterday,hi\n"
     "m2,general,a@x.example,2026-09-15T08:00:00Z,ok\n",
     "messages.csv: row 2: created_at"),
])
def test_bad_input_is_one_line_naming_the_file_and_row(empty_db, tmp_path, content, problem):
    (tmp_path / "messages.csv").write_text(content)
    summary = run_import(empty_db, "csv", tmp_path / "messages.csv", load_settings(), key=KEY)
    assert summary.status == "partial"
    assert summary.problems[0].startswith(problem)
    assert "\n" not in summary.problems[0]


def test_no_original_identity_is_left_in_the_warehouse_file(empty_db):
    run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    stored = b"".join(p.read_bytes() for p in empty_db.parent.glob(empty_db.name + "*"))
    for original in ORIGINALS:
        assert original.encode() not in stored, original


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=2000), noise=st.binary(max_size=40),
       at=st.integers(min_value=0, max_value=2000))
def test_random_damage_never_escapes_as_an_exception(tmp_path, cut, noise, at):
    from collectors.exports.base import ImportContext, importer_for

    original = (EXPORT / "messages.csv").read_bytes()
    damaged = original[:at] + noise + original[at:]
    damaged = damaged[: max(len(damaged) - cut, 0)]
    path = tmp_path / "messages.csv"
    path.write_bytes(damaged)
    context = ImportContext(KEY, load_settings())
    batches = list(importer_for("csv")(path, context))
    for batch in batches:
        assert all("\n" not in problem for problem in batch.problems)
