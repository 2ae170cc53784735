"""The generic CSV import (docs/csv-import-format.md) on its fixture, checked by hand."""

import functools
import io
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collectors.exports.csv_export as csv_export
from collectors.exports.base import ImportContext
from collectors.exports.csv_export import read_messages_csv
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.runner import prepare, run_import, save
from socialpulse.config import load_settings, parse_settings
from socialpulse.privacy import pseudonymise
from socialpulse.warehouse import migrate, open_warehouse
from tests.samples import CSV_EXPORT

KEY = b"test-key"
EXPORT = CSV_EXPORT
ORIGINALS = [
    "ana.silva@northwind.example",
    "bo.chen@northwind.example",
    "carla.diaz@northwind.example",
    "ceo@northwind.example",
    "U777",
]


def rows(db, sql):
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_fixture_loads_exactly(empty_db):
    summary = run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    assert (summary.status, summary.posts.inserted) == ("ok", 7)
    assert rows(
        empty_db, "SELECT post_id, channel_id, kind, parent_id FROM posts ORDER BY post_id"
    ) == [
        ("csv:m1", "csv:general", "post", None),
        ("csv:m2", "csv:general", "reply", "csv:m1"),
        ("csv:m3", "csv:general", "reply", "csv:m1"),
        ("csv:m4", "csv:exec-room", "post", None),
        ("csv:m5", "csv:exec-room", "reply", "csv:m4"),
        ("intranet:f1", "intranet:ideas", "post", None),
        ("intranet:f2", "intranet:ideas", "reply", "intranet:f1"),
    ]
    # Carla's reaction to her own message (m5) is not an edge between people.
    assert rows(empty_db, "SELECT kind, post_id, detail FROM interactions ORDER BY ALL") == [
        ("mention", "csv:m2", ""),
        ("mention", "csv:m3", ""),
        ("reaction", "csv:m1", "heart"),
        ("reaction", "csv:m1", "like"),
        ("reaction", "csv:m2", "like"),
        ("reaction", "csv:m3", "like"),
        ("reply", "csv:m2", ""),
        ("reply", "csv:m3", ""),
        ("reply", "csv:m5", ""),
        ("reply", "intranet:f2", ""),
    ]
    assert rows(empty_db, "SELECT channel_id, sensitivity FROM channels ORDER BY 1") == [
        ("csv:exec-room", "restricted"),
        ("csv:general", "internal"),
        ("intranet:ideas", "internal"),
    ]
    assert rows(empty_db, "SELECT text FROM posts WHERE post_id = 'csv:m2'") == [
        ("Thanks @[email], see you there",)
    ]
    assert rows(empty_db, "SELECT created_at::VARCHAR FROM posts WHERE post_id = 'csv:m2'") == [
        ("2026-09-15 08:05:00",)
    ]  # 10:05 +02:00 in UTC


def test_reimporting_adds_nothing(empty_db):
    run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    again = run_import(empty_db, "csv", EXPORT, load_settings(), key=KEY)
    assert again.posts.inserted == 0 and again.posts.updated == 7
    assert rows(empty_db, "SELECT count(*) FROM interactions") == [(10,)]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "message_id,channel,text\nm1,general,hello\n",
            "messages.csv: missing column(s) author, created_at",
        ),
        (
            "message_id,channel,author,created_at,text\nm1,general,a@x.example,yesterday,hi\n"
            "m2,general,a@x.example,2026-09-15T08:00:00Z,ok\n",
            "messages.csv: row 2: created_at",
        ),
    ],
)
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


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(min_value=0, max_value=2000),
    noise=st.binary(max_size=40),
    at=st.integers(min_value=0, max_value=2000),
)
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


# --- Who is who: reactions, mentions and replies join the right pseudonyms ---------------------

SETTINGS = parse_settings("")
MESSAGES = EXPORT / "messages.csv"
HEADER = MESSAGES.read_text().splitlines()[0]
EMAILS = {n: f"{n}@northwind.example" for n in ("ana.silva", "bo.chen", "carla.diaz", "ceo")}


def who(name: str) -> str:
    if name == "U777":
        return pseudonymise("csv:U777", KEY)
    return pseudonymise(EMAILS[name], KEY)


def load(db: Path, path: Path = EXPORT):
    return run_import(db, "csv", path, SETTINGS, key=KEY)


def query(db: Path, sql: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).df()


def edges(db: Path, kind: str) -> set[tuple]:
    found = query(
        db, f"SELECT post_id, actor_id, target_id, detail FROM interactions WHERE kind = '{kind}'"
    )
    return set(found.itertuples(index=False, name=None))


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_channels_threads_and_edges_join_the_right_people(empty_db):
    summary = load(empty_db)
    assert summary.status == "ok" and summary.problems == [] and not summary.skipped

    channels = query(
        empty_db,
        "SELECT channel_id, name, sensitivity, "
        "coalesce(restricted_to, '-') AS restricted_to, "
        "(SELECT count(*) FROM posts p WHERE p.channel_id = c.channel_id)"
        " AS posts FROM channels c",
    ).set_index("channel_id")
    assert channels.to_dict("index") == {
        "csv:general": {
            "name": "general",
            "sensitivity": "internal",
            "restricted_to": "-",
            "posts": 3,
        },
        "csv:exec-room": {
            "name": "exec-room",
            "sensitivity": "restricted",
            "restricted_to": "members",
            "posts": 2,
        },
        "intranet:ideas": {
            "name": "ideas",
            "sensitivity": "internal",
            "restricted_to": "-",
            "posts": 2,
        },
    }

    posts = query(empty_db, "SELECT * FROM posts").set_index("post_id")
    assert posts["kind"].to_dict() == {
        "csv:m1": "post",
        "csv:m2": "reply",
        "csv:m3": "reply",
        "csv:m4": "post",
        "csv:m5": "reply",
        "intranet:f1": "post",
        "intranet:f2": "reply",
    }
    assert posts["parent_id"].dropna().to_dict() == {
        "csv:m2": "csv:m1",
        "csv:m3": "csv:m1",
        "csv:m5": "csv:m4",
        "intranet:f2": "intranet:f1",
    }
    assert posts["thread_id"].to_dict() == {
        "csv:m1": "csv:m1",
        "csv:m2": "csv:m1",
        "csv:m3": "csv:m1",
        "csv:m4": "csv:m4",
        "csv:m5": "csv:m4",
        "intranet:f1": "intranet:f1",
        "intranet:f2": "intranet:f1",
    }
    assert posts.loc["csv:m2", "created_at"] == pd.Timestamp("2026-09-15 08:05")  # +02:00
    assert posts.loc["csv:m4", "created_at"] == pd.Timestamp("2026-09-15 09:00")  # naive: UTC
    assert posts.loc["csv:m3", "text"] == "Can someone share the slides?\nSecond line"
    assert posts.loc["csv:m2", "text"] == "Thanks @[email], see you there"

    ana, bo, carla, ceo, u777 = (who(n) for n in (*EMAILS, "U777"))
    assert edges(empty_db, "reply") == {
        ("csv:m2", bo, ana, ""),
        ("csv:m3", u777, ana, ""),
        ("csv:m5", carla, ceo, ""),
        ("intranet:f2", ana, bo, ""),
    }
    assert edges(empty_db, "reaction") == {
        ("csv:m1", bo, ana, "like"),
        ("csv:m1", carla, ana, "heart"),
        ("csv:m2", ana, bo, "like"),
        ("csv:m3", bo, u777, "like"),
    }  # m5's self-like dropped
    assert edges(empty_db, "mention") == {("csv:m2", bo, ana, ""), ("csv:m3", u777, carla, "")}
    assert set(query(empty_db, "SELECT author_id FROM authors")["author_id"]) == {
        ana,
        bo,
        carla,
        ceo,
        u777,
    }


def test_raw_payloads_are_pseudonymised(empty_db):
    load(empty_db)
    raw = json.loads(query(empty_db, "SELECT raw FROM posts WHERE post_id = 'csv:m1'")["raw"][0])
    assert raw["author"] == who("ana.silva")
    assert raw["reactions"] == [
        {"type": "like", "user": who("bo.chen")},
        {"type": "heart", "user": who("carla.diaz")},
    ]
    assert "text" not in raw


def test_small_chunks_give_the_same_rows(empty_db, monkeypatch):
    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 2)
    summary = load(empty_db)
    assert summary.posts.inserted == 7 and summary.problems == []
    assert len(edges(empty_db, "reply")) == 4 and len(edges(empty_db, "reaction")) == 4


def test_overlapping_exports_merge(empty_db, tmp_path):
    load(empty_db, MESSAGES)
    newer = write(
        tmp_path / "newer",
        "messages.csv",
        "\n".join(
            [
                HEADER,
                "m4,exec-room,ceo@northwind.example,2026-09-15T09:00:00Z,"
                "Budget numbers are final (v2),"
                ",,,private,,",
                "m6,exec-room,bo.chen@northwind.example,2026-09-15T10:00:00Z,Thanks,m4,,,private,,",
            ]
        )
        + "\n",
    )
    summary = load(empty_db, newer)
    assert (summary.posts.inserted, summary.posts.updated) == (1, 1)
    text = query(empty_db, "SELECT post_id, text FROM posts").set_index("post_id")["text"]
    assert len(text) == 6 and text["csv:m4"] == "Budget numbers are final (v2)"
    assert ("csv:m6", who("bo.chen"), who("ceo"), "") in edges(empty_db, "reply")


def test_a_zip_of_the_export_gives_the_same_rows(empty_db, tmp_path):
    archive = Path(shutil.make_archive(str(tmp_path / "csv-export"), "zip", EXPORT))
    summary = load(empty_db, archive)
    assert summary.status == "ok" and summary.posts.inserted == 7
    assert len(edges(empty_db, "reaction")) == 4


def test_a_file_without_required_columns_loads_nothing_and_the_others_load(empty_db, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    write(folder, "broken.csv", "message_id,channel,text\nx1,general,hello\n")
    summary = load(empty_db, folder)
    assert summary.status == "partial"
    assert summary.problems == [
        "broken.csv: missing column(s) author, created_at; nothing loaded from this file"
    ]
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 7


def test_bad_rows_are_one_line_each_and_the_rest_loads(empty_db, tmp_path):
    rows = [
        "g1,general,ana.silva@northwind.example,2026-09-15T08:00:00Z,fine,,,,,,",
        "g2,general,ana.silva@northwind.example,2026-13-45T08:00:00Z,bad date,,,,,,",
        "g3,general,,2026-09-15T08:00:00Z,no author,,,,,,",
        "g4,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,bad reactions,,,,,like,",
        "g5,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,bad type,,,,secret,,",
        "g6,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,bad platform,,,Slack!,,,",
        "g7,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,extra,,,,,,,field",
        'g8,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,bad mentions,,,,,,"[1, 2]"',
        "g9,general,bo.chen@northwind.example,2026-09-15T08:00:00Z,caf\udcff,,,,,,",
        "g10,general,carla.diaz@northwind.example,2026-09-15T09:00:00Z,also fine,g1,,,,,",
    ]
    data = "\n".join([HEADER, *rows]).encode("utf-8", "surrogateescape")
    summary = load(empty_db, write(tmp_path / "in", "messages.csv", data))
    assert summary.status == "partial"
    assert summary.problems == [
        "messages.csv: line 8: expected 11 fields, saw 12; skipped",
        "messages.csv: row 3: created_at is not an ISO 8601 date and time",
        "messages.csv: row 4: no author",
        "messages.csv: row 5: reactions are neither type:person;... nor a JSON list",
        "messages.csv: row 6: channel_type must be public or private",
        "messages.csv: row 7: platform must be lower-case letters, digits or _",
        "messages.csv: row 8: mentions are neither person;... nor a JSON list",
        "messages.csv: row 9: bytes that are not UTF-8",
    ]
    assert set(query(empty_db, "SELECT post_id FROM posts")["post_id"]) == {"csv:g1", "csv:g10"}
    run = query(empty_db, "SELECT status, error FROM collection_runs")
    assert (run["status"][0], run["error"][0]) == ("partial", "; ".join(summary.problems))


def test_unreadable_files_are_one_line(empty_db, tmp_path):
    folder = tmp_path / "in"
    write(folder, "a-empty.csv", "")
    write(folder, "b-open-quote.csv", HEADER + '\nq1,general,a@x.org,2026-09-15,"never closed\n')
    summary = load(empty_db, folder)
    empty, open_quote = summary.problems
    assert empty == "a-empty.csv: empty file, no header"
    assert open_quote.startswith("b-open-quote.csv: cannot read")
    assert open_quote.endswith("EOF inside string starting at row 1")


def test_a_folder_without_csv_files_says_so(empty_db, tmp_path):
    (tmp_path / "in").mkdir()
    assert load(empty_db, tmp_path / "in").problems == ["in: no CSV files"]


# --- Random damage: whatever the bytes or the values, rows and one-line problems -------------

GOOD = MESSAGES.read_bytes()
COLUMNS = HEADER.split(",")


@functools.cache
def _warehouse() -> duckdb.DuckDBPyConnection:
    """One in-memory warehouse for every example: loading is an upsert, so they can share."""
    con = duckdb.connect()
    migrate(con)
    return con


def _read_and_store(data: bytes) -> None:
    pseudonyms = Pseudonyms(ImportContext(KEY, SETTINGS))
    for batch in read_messages_csv(io.BytesIO(data), "m.csv", pseudonyms, chunk_rows=8):
        for problem in batch.problems:
            assert problem.startswith("m.csv: ") and "\n" not in problem
        save(_warehouse(), prepare(batch.rows, SETTINGS))


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_bytes_load_or_become_problems(data):
    raw = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _read_and_store(bytes(raw[: data.draw(st.integers(0, len(raw)))]))


CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "[",
            "[]",
            '[{"type": 1}]',
            '[["a"]]',
            "like:",
            ":x",
            "a;b",
            "2026-02-30",
            "9999-12-31",
            "2026-09-15T25:00:00Z",
            "Public",
            "PRIVATE",
            "x" * 300,
        ]
    ),
)


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(st.lists(CELLS, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=6)
)
def test_random_field_values_load_or_become_problems(rows):
    table = pd.DataFrame(rows, columns=COLUMNS)
    _read_and_store(table.to_csv(index=False).encode())
