"""The HR directory import, and the steps every employee-network import shares."""

import pandas as pd
import pytest

from collectors.exports.runner import derive_internal, run_import
from socialpulse.config import load_settings, parse_settings
from socialpulse.privacy import pseudonymise
from socialpulse.warehouse import connect, open_warehouse, upsert
from tests.samples import DIRECTORY

KEY = b"test-key"
ORIGINALS = [
    "E100",
    "E101",
    "E102",
    "E103",
    "aad-100",
    "aad-101",
    "ceo@northwind.example",
    "ana.silva@northwind.example",
    "bo.chen@northwind.example",
    "carla.diaz@northwind.example",
]


def person(identity: str) -> str:
    return pseudonymise(identity, KEY)


def authors(db) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return con.execute("SELECT * FROM authors ORDER BY author_id").df().set_index("author_id")


def test_directory_rows_become_pseudonymous_people(empty_db):
    summary = run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    assert summary.status == "partial"
    assert summary.problems == ["directory.csv: row 7: no employee_id or email"]
    people = authors(empty_db)
    assert len(people) == 5
    ana = people.loc[person("ana.silva@northwind.example")]
    assert (ana["department"], ana["location"], ana["employee_type"]) == (
        "Sales",
        "Lyon",
        "full-time",
    )
    assert ana["manager_id"] == person("ceo@northwind.example")  # manager given by id
    bo = people.loc[person("bo.chen@northwind.example")]
    assert bo["manager_id"] == person("ana.silva@northwind.example")  # manager given by email
    assert people["is_executive"].sum() == 1
    assert people.loc[person("ceo@northwind.example"), "is_executive"]
    legal = people.loc[person("directory:E103")]  # no email: the employee id is the identity
    assert legal["department"] == "Legal"
    assert people["in_directory"].all()


def test_aliases_map_platform_ids_to_people(empty_db):
    run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    with open_warehouse(empty_db, read_only=True) as con:
        aliases = dict(con.execute("SELECT alias_id, person_id FROM person_aliases").fetchall())
    assert aliases[person("teams:aad-101")] == person("ana.silva@northwind.example")
    assert aliases[person("directory:E101")] == person("ana.silva@northwind.example")
    assert person("directory:E103") not in aliases  # its own identity, not an alias


def test_reimporting_the_directory_changes_nothing(empty_db):
    run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    before = authors(empty_db)
    again = run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    assert again.people.inserted == 0
    pd.testing.assert_frame_equal(authors(empty_db), before)


def test_a_newer_directory_moves_people_and_marks_leavers(empty_db, tmp_path):
    run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    newer = tmp_path / "directory.csv"
    newer.write_text(
        "email,department,location\n"
        "ana.silva@northwind.example,Marketing,Lyon\n"
        "ceo@northwind.example,Executive Office,Portland\n"
    )
    run_import(empty_db, "directory", newer, load_settings(), key=KEY)
    people = authors(empty_db)
    assert people.loc[person("ana.silva@northwind.example"), "department"] == "Marketing"
    assert not people.loc[person("bo.chen@northwind.example"), "in_directory"]
    assert people["in_directory"].sum() == 2


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name,department\nAna,Sales\n", "directory.csv: missing column employee_id or email"),
        ("", "directory.csv: cannot read the directory"),
    ],
)
def test_an_unusable_directory_is_one_line(empty_db, tmp_path, content, problem):
    path = tmp_path / "directory.csv"
    path.write_text(content)
    summary = run_import(empty_db, "directory", path, load_settings(), key=KEY)
    assert summary.status == "partial" and summary.problems[0].startswith(problem)
    assert authors(empty_db).empty


def test_no_original_identity_is_left_in_the_warehouse_file(empty_db):
    run_import(empty_db, "directory", DIRECTORY, load_settings(), key=KEY)
    stored = b"".join(p.read_bytes() for p in empty_db.parent.glob(empty_db.name + "*"))
    for original in ORIGINALS:
        assert original.encode() not in stored, original


def internal_network(con) -> None:
    def post(post_id, channel, author, text, parent=None, minute=0):
        return {
            "post_id": post_id,
            "platform": "csv",
            "native_id": post_id,
            "channel_id": channel,
            "author_id": author,
            "text": text,
            "kind": "reply" if parent else "post",
            "parent_id": parent,
            "created_at": pd.Timestamp("2026-09-15 08:00") + pd.Timedelta(minutes=minute),
            "collected_at": pd.Timestamp("2026-09-16"),
        }

    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {
                    "channel_id": "csv:news",
                    "platform": "csv",
                    "scope": "internal",
                    "name": "news",
                    "purpose": "announcements",
                },
                {
                    "channel_id": "csv:ops",
                    "platform": "csv",
                    "scope": "internal",
                    "name": "ops",
                    "purpose": "general",
                },
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post("a1", "csv:news", "emp_a", "New travel policy"),
                post("a2", "csv:news", "emp_b", "Thanks!", parent="a1", minute=5),
                post(
                    "k1", "csv:ops", "emp_a", "Storm tonight: PLEASE CONFIRM you can work tomorrow"
                ),
                post("k2", "csv:ops", "emp_b", "Confirmed", parent="k1", minute=3),
                post("k3", "csv:ops", "emp_c", "Yes", parent="k1", minute=9),
                post("p1", "csv:ops", "emp_c", "Lunch at noon?"),
                post("p2", "csv:ops", "emp_c", "me too", parent="p1", minute=2),
            ]
        ),
    )


def test_announcements_check_ins_answers_and_reply_edges_are_derived(empty_db):
    with connect(empty_db) as con:
        internal_network(con)
        derive_internal(con, load_settings())
        derive_internal(con, load_settings())  # safe to repeat
        kinds = dict(con.execute("SELECT post_id, kind FROM posts").fetchall())
        edges = con.execute(
            "SELECT post_id, actor_id, target_id FROM interactions "
            "WHERE kind = 'reply' ORDER BY post_id"
        ).fetchall()
    assert kinds == {
        "a1": "announcement",
        "a2": "reply",
        "k1": "check-in",
        "k2": "answer",
        "k3": "answer",
        "p1": "post",
        "p2": "reply",
    }
    # Self-replies (p2 answers its own author) are not edges between people.
    assert edges == [("a2", "emp_b", "emp_a"), ("k2", "emp_b", "emp_a"), ("k3", "emp_c", "emp_a")]


def test_check_in_keywords_come_from_configuration(empty_db):
    settings = parse_settings('[internal]\ncheck_in_keywords = ["lunch"]\n')
    with connect(empty_db) as con:
        internal_network(con)
        derive_internal(con, settings)
        kinds = dict(con.execute("SELECT post_id, kind FROM posts").fetchall())
    assert kinds["p1"] == "check-in" and kinds["p2"] == "answer" and kinds["k1"] == "post"
