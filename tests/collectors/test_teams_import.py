"""The Microsoft Teams importer, on a hand-written Graph chatMessage export.

The export (data/samples/teams-export) holds four conversations:
- General (channels.json): Dana's post G1 (mentions Eli; liked by Eli, hearted by Fay, liked
  by Dana herself), a system event, a bot's poll, a deleted message, Fay's post G5 thanking
  "Dana Ortiz" by name; replies R1 (Eli, liked by Dana) and R2 (Gus, mentions Dana and the
  channel) to G1, and R3 (Fay) to her own G5.
- Leadership (private in channels.json): Dana's L1 (Gus is surprised), Gus's reply L2.
- ops-room (named by its folder; the messages name no channel, the page's @odata.context does):
  Gus's check-in O1, answered by Eli (O2) and Dana (O3, who writes her email).
- A one-to-one chat between Eli and Fay: a chat event, C1 and C2.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collectors.exports.teams  # noqa: F401  (registers the importer)
from collectors.exports.base import ImportContext
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.runner import prepare, run_import, save
from collectors.exports.teams import read_messages_file
from socialpulse.config import parse_settings
from socialpulse.privacy import pseudonymise
from socialpulse.warehouse import migrate, open_warehouse
from tests.samples import TEAMS_DIRECTORY, TEAMS_EXPORT

KEY = b"test-key"
DAMAGED = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "teams" / "damaged"
EXPORT = TEAMS_EXPORT
AAD = {
    name: f"5d0a7c2e-1f3b-4a6d-8e9f-0a1b2c3d4e0{n}"
    for n, name in enumerate(["dana", "eli", "fay", "gus"], start=1)
}
GENERAL, LEADERS, OPS = (
    f"19:{c}@thread.tacv2" for c in ("general0001", "leaders0002", "opsroom0003")
)
CHAT_ID = f"19:{AAD['eli']}_{AAD['fay']}@unq.gbl.spaces"
CHAT = "chat_" + pseudonymise(f"teams-chat:{CHAT_ID}", KEY)[4:]
ORIGINALS = [
    *AAD.values(),
    "Dana Ortiz",
    "Eli Park",
    "Fay Gomez",
    "Gus Lee",
    "Polly",
    "dana.ortiz@northwind.example",
    "28b1c3d4-aaaa-4bbb-8ccc-ddddeeeeffff",
    "0f9e8d7c-6b5a-4f3e-2d1c-0b9a8f7e6d5c",
    "503 555 0199",
]
SETTINGS = parse_settings("")


def who(name: str) -> str:
    """The pseudonym Teams gives a person the directory does not know."""
    return pseudonymise(f"teams:{AAD[name]}", KEY)


def post(conversation: str, message: str) -> str:
    return f"teams:{conversation}:17893764000{message}"


def load(db: Path, path: Path = EXPORT, kind: str = "teams"):
    return run_import(db, kind, path, SETTINGS, key=KEY)


def query(db: Path, sql: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).df()


def edges(db: Path, kind: str) -> set[tuple]:
    rows = query(
        db, f"SELECT post_id, actor_id, target_id, detail FROM interactions WHERE kind = '{kind}'"
    )
    return set(rows.itertuples(index=False, name=None))


def test_the_export_gives_the_hand_checked_rows(empty_db):
    summary = load(empty_db)
    assert summary.status == "ok" and summary.problems == []
    assert summary.skipped == Counter({"system event": 2, "bot": 1, "deleted": 1})

    channels = query(
        empty_db,
        "SELECT channel_id, name, sensitivity, "
        "coalesce(restricted_to, '-') AS restricted_to, "
        "(SELECT count(*) FROM posts p WHERE p.channel_id = c.channel_id)"
        " AS posts FROM channels c",
    ).set_index("channel_id")
    assert channels.to_dict("index") == {
        f"teams:{GENERAL}": {
            "name": "General",
            "sensitivity": "internal",
            "restricted_to": "-",
            "posts": 5,
        },
        f"teams:{LEADERS}": {
            "name": "Leadership",
            "sensitivity": "restricted",
            "restricted_to": "members",
            "posts": 2,
        },
        f"teams:{OPS}": {
            "name": "ops-room",
            "sensitivity": "internal",
            "restricted_to": "-",
            "posts": 3,
        },
        f"teams:{CHAT}": {
            "name": CHAT,
            "sensitivity": "restricted",
            "restricted_to": "participants",
            "posts": 2,
        },
    }

    posts = query(empty_db, "SELECT * FROM posts").set_index("post_id")
    g1, g5 = post(GENERAL, "01"), post(GENERAL, "05")
    l1, o1 = post(LEADERS, "21"), post(OPS, "31")
    assert posts["parent_id"].dropna().to_dict() == {
        post(GENERAL, "11"): g1,
        post(GENERAL, "12"): g1,
        post(GENERAL, "13"): g5,
        post(LEADERS, "22"): l1,
        post(OPS, "32"): o1,
        post(OPS, "33"): o1,
    }
    assert posts["kind"].value_counts().to_dict() == {
        "post": 5,
        "reply": 4,
        "answer": 2,
        "check-in": 1,
    }
    assert posts.loc[o1, "kind"] == "check-in"
    assert (posts["thread_id"] == posts["parent_id"].fillna(posts.index.to_series())).all()
    assert posts.loc[g1, "author_id"] == who("dana")
    assert posts.loc[post(OPS, "33"), "created_at"] == pd.Timestamp("2026-09-16 16:09")
    assert posts.loc[g5, "created_at"] == pd.Timestamp("2026-09-14 10:00:00.123456")

    dana, eli, fay, gus = (who(n) for n in ("dana", "eli", "fay", "gus"))
    assert edges(empty_db, "reply") == {
        (post(GENERAL, "11"), eli, dana, ""),
        (post(GENERAL, "12"), gus, dana, ""),
        (post(LEADERS, "22"), gus, dana, ""),
        (post(OPS, "32"), eli, gus, ""),
        (post(OPS, "33"), dana, gus, ""),
    }  # R3 answers its own author: no edge
    assert edges(empty_db, "reaction") == {
        (g1, eli, dana, "like"),
        (g1, fay, dana, "heart"),
        (post(GENERAL, "11"), dana, eli, "like"),
        (l1, gus, dana, "surprised"),
    }  # Dana's like of her own post is not an edge
    assert edges(empty_db, "mention") == {(g1, dana, eli, ""), (post(GENERAL, "12"), gus, dana, "")}
    assert set(query(empty_db, "SELECT author_id FROM authors")["author_id"]) == {
        dana,
        eli,
        fay,
        gus,
    }


def test_mentions_and_names_become_pseudonyms_in_the_text(empty_db):
    load(empty_db)
    text = query(empty_db, "SELECT post_id, text FROM posts").set_index("post_id")["text"]
    assert text[post(GENERAL, "01")] == (
        f"Q3 launch\nLaunch is on track, @{who('eli')} please look at the deck. Call me at [phone]."
    )
    assert text[post(GENERAL, "12")] == f"@{who('dana')} @channel ship it"
    assert text[post(GENERAL, "05")] == f"Thanks {who('dana')} for the update"
    assert text[post(OPS, "33")] == "Yes, or email me at [email]"
    assert text[post(GENERAL, "11")] == "Done, looks good \N{THUMBS UP SIGN}"


def test_raw_payloads_are_pseudonymised(empty_db):
    load(empty_db)
    raw = json.loads(
        query(empty_db, f"SELECT raw FROM posts WHERE post_id = '{post(GENERAL, '01')}'")["raw"][0]
    )
    assert raw["from"] == who("dana")
    assert raw["mentions"] == [{"id": "0", "mentioned": who("eli")}]
    assert [r["user"] for r in raw["reactions"]] == [who("eli"), who("fay"), who("dana")]
    assert "body" not in raw and raw["channelIdentity"]["channelId"] == GENERAL
    chat_raw = json.loads(
        query(empty_db, f"SELECT raw FROM posts WHERE channel_id = 'teams:{CHAT}' LIMIT 1")["raw"][
            0
        ]
    )
    assert chat_raw["chatId"] == CHAT


def test_a_zip_of_the_export_gives_the_same_rows(empty_db, tmp_path):
    archive = Path(shutil.make_archive(str(tmp_path / "teams-export"), "zip", EXPORT))
    summary = load(empty_db, archive)
    assert summary.status == "ok" and summary.posts.inserted == 12
    assert set(query(empty_db, "SELECT name FROM channels")["name"]) == {
        "General",
        "Leadership",
        "ops-room",
        CHAT,
    }


def test_reimporting_adds_nothing(empty_db):
    load(empty_db)
    before = query(empty_db, "SELECT count(*) AS n FROM interactions")["n"][0]
    again = load(empty_db)
    assert again.posts.inserted == 0 and again.posts.seen == 12
    assert query(empty_db, "SELECT count(*) AS n FROM interactions")["n"][0] == before
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 12


def test_overlapping_exports_merge(empty_db, tmp_path):
    first = load(empty_db, EXPORT / "General" / "messages.json")
    assert first.posts.inserted == 2
    newer = tmp_path / "export"
    shutil.copytree(EXPORT, newer)
    replies = json.loads((newer / "General" / "replies.json").read_text())
    replies[0]["body"]["content"] = "<div>Done, the deck is fixed</div>"
    replies[0]["lastModifiedDateTime"] = "2026-09-14T09:40:00Z"
    (newer / "General" / "replies.json").write_text(json.dumps(replies))
    second = load(empty_db, newer)
    assert (second.posts.inserted, second.posts.updated) == (10, 2)
    posts = query(empty_db, "SELECT post_id, text FROM posts").set_index("post_id")["text"]
    assert len(posts) == 12 and posts[post(GENERAL, "11")] == "Done, the deck is fixed"
    names = query(empty_db, "SELECT name FROM channels")["name"]
    assert "General" in set(names)  # the later export's channels.json names it


def test_a_later_export_without_channel_names_keeps_the_known_names(empty_db):
    load(empty_db)
    load(empty_db, EXPORT / "General" / "messages.json")  # no channels.json beside it
    names = query(empty_db, "SELECT name FROM channels")["name"]
    assert "General" in set(names)


def _dana_in_directory(db: Path) -> None:
    dana = pseudonymise("dana.ortiz@northwind.example", KEY)
    posts = query(
        db,
        "SELECT author_id FROM posts WHERE post_id IN "
        f"('{post(GENERAL, '01')}', '{post(LEADERS, '21')}')",
    )
    assert set(posts["author_id"]) == {dana}
    authors = query(db, "SELECT * FROM authors").set_index("author_id")
    assert authors.loc[dana, "department"] == "Customer Support"
    assert who("dana") not in authors.index  # the Teams alias is folded into the person
    replies_to_dana = query(
        db, f"SELECT count(*) AS n FROM interactions WHERE kind = 'reply' AND target_id = '{dana}'"
    )["n"][0]
    assert replies_to_dana == 3
    # Reactions and @mentions made under the Teams alias follow the person, whichever of the
    # directory and the export came first, and none is left keyed by the alias.
    edges_by_dana = query(
        db,
        "SELECT kind, count(*) AS n FROM interactions "
        f"WHERE actor_id = '{dana}' OR target_id = '{dana}' GROUP BY ALL",
    )
    assert set(edges_by_dana["kind"]) >= {"reply", "reaction"}
    leftover = query(
        db,
        "SELECT count(*) AS n FROM interactions i JOIN person_aliases a "
        "ON a.alias_id IN (i.actor_id, i.target_id)",
    )["n"][0]
    assert leftover == 0


def test_a_directory_imported_first_names_the_teams_author(empty_db):
    run_import(empty_db, "directory", TEAMS_DIRECTORY, SETTINGS, key=KEY)
    load(empty_db)
    _dana_in_directory(empty_db)


def test_a_directory_imported_later_names_the_teams_author(empty_db):
    load(empty_db)
    run_import(empty_db, "directory", TEAMS_DIRECTORY, SETTINGS, key=KEY)
    _dana_in_directory(empty_db)


def test_no_original_identity_is_left_in_the_warehouse_file(empty_db):
    load(empty_db)
    stored = b"".join(p.read_bytes() for p in empty_db.parent.glob(empty_db.name + "*"))
    assert b"northwind" not in stored
    for original in ORIGINALS:
        assert original.encode() not in stored, original


def test_damaged_files_are_one_line_each_and_the_rest_loads(empty_db):
    summary = load(empty_db, DAMAGED)
    assert summary.status == "partial"
    assert summary.problems == [
        "latin1.json: message 1789376400121: bytes that are not UTF-8",
        "odd.json: message 1789376400112: unknown messageType 'unknownFutureValue'",
        "odd.json: message 1789376400113: createdDateTime is not a date",
        "truncated.json: not valid JSON at line 73 column 20 (truncated?); "
        "2 records before it read",
    ]
    native = set(query(empty_db, "SELECT native_id FROM posts")["native_id"])
    assert {n.rsplit(":", 1)[1] for n in native} == {
        "1789376400101",
        "1789376400102",
        "1789376400111",
        "1789376400114",
    }
    run = query(empty_db, "SELECT status, error FROM collection_runs")
    assert run["status"][0] == "partial"
    assert run["error"][0] == "; ".join(summary.problems)


def test_a_file_that_is_not_a_message_list_is_one_problem(empty_db, tmp_path):
    (tmp_path / "odd.json").write_text('{"hello": "world"}')
    (tmp_path / "empty.json").write_text("")
    summary = load(empty_db, tmp_path)
    assert summary.problems == [
        "empty.json: not valid JSON at line 1 column 1 (truncated?); 0 records before it read",
        "odd.json: neither a list of chatMessages nor a Graph page",
    ]


# --- Random damage: whatever the bytes, the reader returns rows and one-line problems --------


@functools.cache
def _warehouse() -> duckdb.DuckDBPyConnection:
    """One in-memory warehouse for every example: loading is an upsert, so they can share."""
    con = duckdb.connect()
    migrate(con)
    return con


GOOD_FILE = (EXPORT / "General" / "messages.json").read_bytes()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "id",
    "replyToId",
    "messageType",
    "createdDateTime",
    "deletedDateTime",
    "subject",
    "from",
    "body",
    "channelIdentity",
    "chatId",
    "mentions",
    "reactions",
    "attachments",
]


def _read_and_store(data: bytes) -> None:
    """Read one file and load its rows into a fresh in-memory warehouse: no exception may
    escape, every problem is one line naming the file."""
    context = ImportContext(KEY, SETTINGS)
    batch = read_messages_file(data, "x.json", ".", Pseudonyms(context), {})
    for problem in batch.problems:
        assert problem.startswith("x.json: ") and "\n" not in problem
    con = _warehouse()
    save(con, prepare(batch.rows, SETTINGS))


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_bytes_never_escape_as_exceptions(data):
    raw = bytearray(GOOD_FILE)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    _read_and_store(bytes(raw[:cut]))


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_random_field_values_never_escape_as_exceptions(data):
    page = json.loads(GOOD_FILE)
    for message in page["value"]:
        for field in data.draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
            message[field] = data.draw(JSON_VALUES)
        if data.draw(st.booleans()):
            message["from"] = {
                "user": {
                    "id": data.draw(st.text(max_size=5)),
                    "displayName": data.draw(st.text(max_size=12)),
                }
            }
            message["body"] = {
                "contentType": data.draw(st.sampled_from(["html", "text", 3])),
                "content": data.draw(st.text(max_size=60)),
            }
    _read_and_store(json.dumps(page).encode())
