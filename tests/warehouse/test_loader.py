import pandas as pd
import pyarrow as pa
import pytest

from socialpulse.warehouse import connect, transaction, upsert


def posts(ids, text="hello", **extra):
    return pd.DataFrame(
        {
            "post_id": [f"x:{i}" for i in ids],
            "platform": "x",
            "native_id": [str(i) for i in ids],
            "channel_id": "x:public",
            "created_at": pd.Timestamp("2026-03-01"),
            "text": text,
            "collected_at": pd.Timestamp("2026-03-02"),
            **extra,
        }
    )


@pytest.fixture
def con(empty_db):
    with connect(empty_db) as con:
        yield con


def count(con, table="posts"):
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_loading_the_same_rows_twice_stores_them_once(con):
    first = upsert(con, "posts", posts(range(100)))
    second = upsert(con, "posts", posts(range(100)))
    assert (first.inserted, first.updated) == (100, 0)
    assert (second.inserted, second.updated) == (0, 100)
    assert count(con) == 100


def test_mixed_batch_counts_new_and_existing_rows(con):
    upsert(con, "posts", posts(range(10)))
    result = upsert(con, "posts", posts(range(5, 15), text="edited"))
    assert (result.seen, result.inserted, result.updated) == (10, 5, 5)
    texts = dict(con.execute("SELECT post_id, text FROM posts").fetchall())
    assert texts["x:0"] == "hello" and texts["x:5"] == "edited" and texts["x:14"] == "edited"


def test_update_keeps_columns_the_batch_does_not_carry(con):
    upsert(con, "posts", posts([1], language="fr"))
    upsert(con, "posts", posts([1], text="second version"))
    assert con.execute("SELECT text, language FROM posts").fetchall() == [("second version", "fr")]


def test_a_batch_carrying_a_key_twice_keeps_the_last_row(con):
    batch = pd.concat([posts([1], text="old"), posts([1], text="new")])
    result = upsert(con, "posts", batch)
    assert result.seen == 1
    assert con.execute("SELECT text FROM posts").fetchall() == [("new",)]


def test_arrow_batches_are_accepted(con):
    result = upsert(con, "posts", pa.Table.from_pandas(posts(range(3))))
    assert result.inserted == 3 and count(con) == 3


def test_composite_keys_are_upserted(con):
    snapshot = pd.DataFrame(
        {
            "post_id": ["x:1", "x:1"],
            "likes": [1, 5],
            "taken_at": pd.to_datetime(["2026-03-01", "2026-03-02"]),
        }
    )
    upsert(con, "engagement_snapshots", snapshot)
    upsert(con, "engagement_snapshots", snapshot.assign(likes=[2, 6]))
    assert con.execute("SELECT likes FROM engagement_snapshots ORDER BY taken_at").fetchall() == [
        (2,),
        (6,),
    ]


def test_a_batch_without_its_key_is_refused(con):
    with pytest.raises(ValueError, match="post_id"):
        upsert(con, "posts", posts([1]).drop(columns="post_id"))


def test_transaction_rolls_back_everything_on_error(con):
    with pytest.raises(RuntimeError), transaction(con):
        upsert(con, "posts", posts(range(10)))
        raise RuntimeError("source failed mid-way")
    assert count(con) == 0


def test_empty_batch_does_nothing(con):
    assert upsert(con, "posts", posts([])).seen == 0
