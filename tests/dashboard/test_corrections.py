"""Sentiment corrections from the dashboard: the same store as `pulse sentiment correct`."""

import threading

import duckdb
import pytest

from dashboard import data


def stored(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT post_id, label, corrected_by FROM sentiment_corrections ORDER BY post_id"
        ).fetchall()


def a_post(db) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT min(post_id) FROM brand_matches").fetchall()[0][0]


def test_a_correction_waits_for_a_reader_of_this_process(db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    post_id = a_post(warehouse)
    reader = duckdb.connect(str(warehouse), read_only=True)  # another session's query
    threading.Timer(0.5, reader.close).start()
    data.correct_sentiment(str(warehouse), post_id, "negative")
    assert stored(warehouse) == [(post_id, "negative", "dashboard")]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT label, source FROM post_sentiment WHERE post_id = ?", [post_id]
        ).fetchall() == [("negative", "human")]
        assert con.execute(
            "SELECT actor, action, target, detail FROM audit_log WHERE action <> 'page_view'"
        ).fetchall() == [("dashboard", "sentiment_correction", post_id, "negative")]


def test_a_second_correction_replaces_the_first(db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    post_id = a_post(warehouse)
    data.correct_sentiment(str(warehouse), post_id, "negative")
    data.correct_sentiment(str(warehouse), post_id, "neutral", by="ana")
    assert stored(warehouse) == [(post_id, "neutral", "ana")]


def test_a_bad_label_or_post_is_refused_with_a_sentence(db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    with pytest.raises(ValueError, match="expected positive, neutral or negative"):
        data.correct_sentiment(str(warehouse), a_post(warehouse), "angry")
    with pytest.raises(ValueError, match="x:nope: no such post"):
        data.correct_sentiment(str(warehouse), "x:nope", "positive")
    assert stored(warehouse) == []
