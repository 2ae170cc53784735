"""The Viva Engage importer, on a hand-written network data export.

The export (data/samples/viva-export) has five users and four groups:
- Announcements: Ana's post V1 referencing Bo as [[user:...]], Carla's reply V2 ("Thanks @Ana
  Silva"), Bo's reply V3 to V2 ("Agreed with Carla Diaz", no @).
- Lyon Office: Bo's V4 (with a phone number), Ana's deleted V5, a bot's V6.
- Exec Staff (private group): Ana's V7 with two attachments and her own reply V8, whose row
  has no sender_email (Users.csv gives it).
- Book Club: no messages.
- A private conversation: Bo's V9, Ivy's reply V10.
- All Company (no group): Carla's check-in V11 (two lines, quotes), answered by Hal (V12) and
  Ivy (V13, whose created_at is written "... UTC").
"""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collectors.exports.viva as viva
from collectors.exports.archive import FolderExport
from collectors.exports.base import ImportContext
from collectors.exports.errors import ExportError
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.runner import prepare, run_import, save
from socialpulse.config import parse_settings
from socialpulse.privacy import pseudonymise
from socialpulse.warehouse import migrate, open_warehouse
from tests.samples import VIVA_EXPORT

KEY = b"test-key"
EXPORT = VIVA_EXPORT
EMAILS = {
    name: f"{name}@northwind.example"
    for name in ("ana.silva", "bo.chen", "carla.diaz", "hal.moreau", "ivy.nguyen")
}
ORIGINALS = [
    *EMAILS.values(),
    "Ana Silva",
    "Bo Chen",
    "Carla Diaz",
    "Hal Moreau",
    "Ivy Nguyen",
    "Praise Bot",
    *(f"158493000{n}" for n in range(1, 6)),
    "1584939999",
    "04 72 00 00 00",
]
SETTINGS = parse_settings('[[channel_rules]]\nmatch = "Announcements"\npurpose = "announcements"\n')
HEADER = (EXPORT / "Messages.csv").read_text().splitlines()[0]


def who(name: str) -> str:
    return pseudonymise(EMAILS[name], KEY)


def post(n: int) -> str:
    return f"viva_engage:12900000000{n:02d}"


def load(db: Path, path: Path = EXPORT):
    return run_import(db, "viva", path, SETTINGS, key=KEY)


def query(db: Path, sql: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).df()


def edges(db: Path, kind: str) -> set[tuple]:
    rows = query(db, f"SELECT post_id, actor_id, target_id FROM interactions WHERE kind = '{kind}'")
    return set(rows.itertuples(index=False, name=None))


def zipped(folder: Path, target: Path, prefix: str = "export-2026-09/") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target


def copy_with_messages(tmp_path: Path, lines: list[str]) -> Path:
    """The fixture export with Messages.csv replaced by ``lines`` under the usual header."""
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    (folder / "Messages.csv").write_text("\n".join([HEADER, *lines]) + "\n")
    return folder


def test_the_export_gives_the_hand_checked_rows(empty_db):
    summary = load(empty_db)
    assert summary.status == "ok" and summary.problems == []
    assert summary.skipped == Counter({"deleted": 1, "bot": 1})

    channels = query(
        empty_db,
        "SELECT channel_id, name, sensitivity, "
        "coalesce(restricted_to, '-') AS restricted_to, purpose, "
        "(SELECT count(*) FROM posts p WHERE p.channel_id = c.channel_id)"
        " AS posts FROM channels c",
    ).set_index("channel_id")
    assert channels.to_dict("index") == {
        "viva_engage:27510001": {
            "name": "Announcements",
            "sensitivity": "internal",
            "restricted_to": "-",
            "purpose": "announcements",
            "posts": 3,
        },
        "viva_engage:27510002": {
            "name": "Lyon Office",
            "sensitivity": "internal",
            "restricted_to": "-",
            "purpose": "general",
            "posts": 1,
        },
        "viva_engage:27510003": {
            "name": "Exec Staff",
            "sensitivity": "restricted",
            "restricted_to": "members",
            "purpose": "general",
            "posts": 2,
        },
        "viva_engage:27510004": {
            "name": "Book Club",
            "sensitivity": "internal",
            "restricted_to": "-",
            "purpose": "general",
            "posts": 0,
        },
        "viva_engage:conversation-1290000000009": {
            "name": "conversation-1290000000009",
            "sensitivity": "restricted",
            "restricted_to": "participants",
            "purpose": "general",
            "posts": 2,
        },
        "viva_engage:all-company": {
            "name": "All Company",
            "sensitivity": "internal",
            "restricted_to": "-",
            "purpose": "general",
            "posts": 3,
        },
    }

    posts = query(empty_db, "SELECT * FROM posts").set_index("post_id")
    assert posts["kind"].to_dict() == {
        post(1): "announcement",
        post(2): "reply",
        post(3): "reply",
        post(4): "post",
        post(7): "post",
        post(8): "reply",
        post(9): "post",
        post(10): "reply",
        post(11): "check-in",
        post(12): "answer",
        post(13): "answer",
    }
    assert posts["parent_id"].dropna().to_dict() == {
        post(2): post(1),
        post(3): post(2),
        post(8): post(7),
        post(10): post(9),
        post(12): post(11),
        post(13): post(11),
    }
    assert posts.loc[post(3), "thread_id"] == post(1)  # the thread, not the parent
    assert posts.loc[post(8), "author_id"] == who("ana.silva")  # email from Users.csv
    assert posts.loc[post(13), "created_at"] == pd.Timestamp("2026-09-16 19:00")

    ana, bo, carla, hal, ivy = (who(n) for n in EMAILS)
    assert edges(empty_db, "reply") == {
        (post(2), carla, ana),
        (post(3), bo, carla),
        (post(10), ivy, bo),
        (post(12), hal, carla),
        (post(13), ivy, carla),
    }
    assert edges(empty_db, "mention") == {(post(1), ana, bo), (post(2), carla, ana)}
    assert edges(empty_db, "reaction") == set()
    assert set(query(empty_db, "SELECT author_id FROM authors")["author_id"]) == {
        ana,
        bo,
        carla,
        hal,
        ivy,
    }


def test_people_in_the_text_become_pseudonyms(empty_db):
    load(empty_db)
    text = query(empty_db, "SELECT post_id, text FROM posts").set_index("post_id")["text"]
    assert text[post(1)] == f"New travel policy is live. Questions to @{who('bo.chen')} please"
    assert text[post(2)] == f"Thanks @{who('ana.silva')}, very clear"
    assert text[post(3)] == f"Agreed with {who('carla.diaz')}"
    assert text[post(4)] == "Lunch at the canteen? Call [phone]"
    assert text[post(11)] == (
        "Storm tonight: please confirm you can work tomorrow.\n"
        'Stores open at 9, "weather permitting".'
    )


def test_raw_payloads_are_pseudonymised(empty_db):
    load(empty_db)
    raw = json.loads(
        query(empty_db, f"SELECT raw FROM posts WHERE post_id = '{post(9)}'")["raw"][0]
    )
    assert raw["sender"] == who("bo.chen")
    assert raw["participants"] == [who("bo.chen"), who("ivy.nguyen")]
    assert "body" not in raw and "sender_name" not in raw and "sender_email" not in raw
    raw7 = json.loads(
        query(empty_db, f"SELECT raw FROM posts WHERE post_id = '{post(7)}'")["raw"][0]
    )
    assert raw7["attachments"] == 2 and raw7["in_private_group"] is True


def test_a_zip_gives_the_same_rows_as_the_folder(empty_db, tmp_path):
    summary = load(empty_db, zipped(EXPORT, tmp_path / "export.zip"))
    assert summary.status == "ok" and summary.posts.inserted == 11
    assert len(edges(empty_db, "reply")) == 5


def test_small_chunks_give_the_same_rows(empty_db, tmp_path, monkeypatch):
    monkeypatch.setattr(viva, "CHUNK_ROWS", 2)
    summary = load(empty_db)
    assert summary.posts.inserted == 11 and summary.skipped == Counter(deleted=1, bot=1)
    assert len(edges(empty_db, "reply")) == 5 and len(edges(empty_db, "mention")) == 2


def test_reimporting_adds_nothing(empty_db):
    load(empty_db)
    before = query(empty_db, "SELECT count(*) AS n FROM interactions")["n"][0]
    again = load(empty_db)
    assert again.posts.inserted == 0 and again.posts.seen == 11
    assert query(empty_db, "SELECT count(*) AS n FROM interactions")["n"][0] == before


def test_overlapping_exports_merge(empty_db, tmp_path):
    load(empty_db)
    lines = (EXPORT / "Messages.csv").read_text().splitlines()
    edited = lines[4].replace("Lunch at the canteen?", "Lunch moved to noon.")
    later = (
        "1290000000014,1290000000004,1290000000004,1290000000004,27510002,Lyon Office,,"
        "false,false,1584930001,user,Ana Silva,ana.silva@northwind.example,Count me in,,"
        ",,,2026-09-17T12:00:00Z,"
    )
    summary = load(empty_db, copy_with_messages(tmp_path, [edited, later]))
    assert (summary.posts.inserted, summary.posts.updated) == (1, 1)
    text = query(empty_db, "SELECT post_id, text FROM posts").set_index("post_id")["text"]
    assert len(text) == 12 and text[post(4)].startswith("Lunch moved to noon.")
    assert (post(14), who("ana.silva"), who("bo.chen")) in edges(empty_db, "reply")


def test_no_original_identity_is_left_in_the_warehouse_file(empty_db):
    load(empty_db)
    stored = b"".join(p.read_bytes() for p in empty_db.parent.glob(empty_db.name + "*"))
    assert b"northwind" not in stored
    for original in ORIGINALS:
        assert original.encode() not in stored, original


def test_damaged_rows_are_one_line_each_and_the_rest_loads(empty_db, tmp_path):
    lines = (EXPORT / "Messages.csv").read_text().splitlines()
    bad_date = lines[1].replace("2026-09-15T08:00:00Z", "15/09/2026 8h")
    extra_field = lines[4] + ",surprise"
    folder = copy_with_messages(tmp_path, [bad_date, lines[2], extra_field, lines[7]])
    messages = folder / "Messages.csv"
    messages.write_bytes(messages.read_bytes().replace(b"Budget draft", b"Budget \xe9bauche"))
    summary = load(empty_db, folder)
    assert summary.status == "partial"
    assert summary.problems == [
        "Messages.csv: line 4: expected 20 fields, saw 21; skipped",
        "Messages.csv: row 2: created_at is not a date and time",
        "Messages.csv: row 4: bytes that are not UTF-8",
    ]
    assert set(query(empty_db, "SELECT post_id FROM posts")["post_id"]) == {post(2)}
    run = query(empty_db, "SELECT status, error FROM collection_runs")
    assert (run["status"][0], run["error"][0]) == ("partial", "; ".join(summary.problems))


def test_messages_without_required_columns_are_one_problem(empty_db, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    (folder / "Messages.csv").write_text("id,group_id,body\n1,2,hello\n")
    summary = load(empty_db, folder)
    assert summary.problems == [
        "Messages.csv: missing column(s) sender_id, sender_email, "
        "created_at; nothing loaded from this file"
    ]
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 0
    assert query(empty_db, "SELECT count(*) AS n FROM channels")["n"][0] == 4  # Groups.csv


def test_an_export_without_messages_says_so(empty_db, tmp_path):
    (tmp_path / "Users.csv").write_text("id,name,email\n")
    summary = load(empty_db, tmp_path)
    assert summary.problems == [f"{tmp_path.name}: no Messages.csv in the export"]


def test_a_file_that_is_not_a_zip_is_refused(empty_db, tmp_path):
    bogus = tmp_path / "export.zip"
    bogus.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ExportError, match="export.zip: neither a folder nor a readable zip"):
        load(empty_db, bogus)
    assert query(empty_db, "SELECT status FROM collection_runs")["status"][0] == "failed"


def test_a_zip_bomb_is_refused(empty_db, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Messages.csv", HEADER + "\n" + "x" * 20_000_000)
    with pytest.raises(ExportError, match="refused as a zip bomb"):
        load(empty_db, bomb)


def test_a_name_that_climbs_out_of_the_zip_refuses_it(empty_db, tmp_path):
    archive_path = zipped(EXPORT, tmp_path / "export.zip")
    with zipfile.ZipFile(archive_path, "a") as archive:
        archive.writestr("../Messages.csv", HEADER + "\n")
    with pytest.raises(ExportError, match="refused: the name leaves the export"):
        load(empty_db, archive_path)
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 0


def test_a_damaged_member_is_one_problem_and_the_rest_loads(empty_db, tmp_path):
    archive_path = tmp_path / "export.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(EXPORT.iterdir()):
            archive.write(file, file.name)
    data = bytearray(archive_path.read_bytes())
    at = data.index(b"Can you cover my shift")
    data[at : at + 3] = b"CAN"  # stored bytes no longer match the member's CRC
    archive_path.write_bytes(bytes(data))
    summary = load(empty_db, archive_path)
    assert summary.status == "partial"
    assert summary.problems[-1].startswith("export.zip:Messages.csv: damaged in the zip")
    assert query(empty_db, "SELECT count(*) AS n FROM channels")["n"][0] >= 4  # Groups.csv


# --- Random damage: whatever the bytes or the values, rows and one-line problems -------------


@functools.cache
def _warehouse() -> duckdb.DuckDBPyConnection:
    """One in-memory warehouse for every example: loading is an upsert, so they can share."""
    con = duckdb.connect()
    migrate(con)
    return con


GOOD = (EXPORT / "Messages.csv").read_bytes()
COLUMNS = HEADER.split(",")


def _read_and_store(data: bytes) -> None:
    context = ImportContext(KEY, SETTINGS)
    export = FolderExport(EXPORT)
    people = viva._People(
        Pseudonyms(context), viva._read_small(export, ["Users.csv"], ("id", "email", "name"), [])
    )
    groups = viva._read_small(export, ["Groups.csv"], ("id", "name", "private"), [])
    con = _warehouse()
    for batch in viva.read_messages(io.BytesIO(data), "M.csv", people, groups, chunk_rows=8):
        for problem in batch.problems:
            assert problem.startswith("M.csv: ") and "\n" not in problem
        save(con, prepare(batch.rows, SETTINGS))


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_bytes_never_escape_as_exceptions(data):
    raw = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _read_and_store(bytes(raw[: data.draw(st.integers(0, len(raw)))]))


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=30), max_size=8),
        min_size=1,
        max_size=6,
    )
)
def test_random_field_values_never_escape_as_exceptions(changes):
    rows = list(csv.DictReader(io.StringIO(GOOD.decode())))
    for row, change in zip(rows, changes, strict=False):
        row.update(change)
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    _read_and_store(out.getvalue().encode("utf-8", "surrogatepass"))
