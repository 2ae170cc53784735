"""The dashboard's shared read-only connection: reused while queries come, closed when idle
and before a write of this server, so other processes can write between page views."""

import time

import duckdb
import pytest

from dashboard import data, reader


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(reader, "IDLE_SECONDS", 0.2)
    yield
    for db in list(reader._shared):
        reader.release(db, 1)


def count_posts(db: str) -> int:
    with reader.cursor(db, data.warehouse_version(db)) as con:
        return con.execute("SELECT count(*) FROM posts").fetchall()[0][0]


def test_queries_share_one_connection_closed_when_idle(db_copy, analysed_db, quick):
    db = str(db_copy(analysed_db))
    count_posts(db)
    first = reader._shared[db].con
    count_posts(db)
    assert reader._shared[db].con is first  # no second open
    deadline = time.monotonic() + 10  # closed 0.2 s after its last query; a busy machine lags
    while db in reader._shared and time.monotonic() < deadline:
        time.sleep(0.05)
    assert db not in reader._shared
    with duckdb.connect(db) as writer:  # another process's writer gets in
        writer.execute("CREATE TABLE scratch (x INT)")


def test_a_connection_in_use_is_not_closed(db_copy, analysed_db, quick):
    db = str(db_copy(analysed_db))
    with reader.cursor(db, data.warehouse_version(db)) as con:
        time.sleep(0.6)
        assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] > 0
        assert not reader.release(db, 0.1)  # still in use: a writer must wait
    assert reader.release(db, 0.1)


def test_a_write_of_this_server_goes_through_and_is_read_at_once(
    db_copy, analysed_db, quick, monkeypatch
):
    db = str(db_copy(analysed_db))
    monkeypatch.setattr(reader, "IDLE_SECONDS", 30)  # only the write's release can close it
    with reader.cursor(db, data.warehouse_version(db)) as con:
        post_id = con.execute("SELECT min(post_id) FROM brand_matches").fetchall()[0][0]
    assert db in reader._shared  # held open, not yet idle
    started = time.monotonic()
    data.correct_sentiment(db, post_id, "negative")
    assert time.monotonic() - started < 1  # no waiting for the idle close
    with reader.cursor(db, data.warehouse_version(db)) as con:
        assert con.execute(
            "SELECT label FROM sentiment_corrections WHERE post_id = ?", [post_id]
        ).fetchall() == [("negative",)]


def test_a_changed_file_gets_a_new_connection(db_copy, analysed_db, quick):
    db = str(db_copy(analysed_db))
    with reader.cursor(db, 1):
        pass
    first = reader._shared[db].con
    with reader.cursor(db, 2):
        pass
    assert reader._shared[db].con is not first
