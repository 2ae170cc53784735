"""The Slack importer, on a hand-written export in Slack's documented format.

The export (data/samples/slack-export) holds four conversations:
- #general (channels.json, 5 members), 2026-03-02: Dev joins; Ana's welcome G1 (mentions Dev;
  waved at by Bo and Carla, tada by Ana herself and Dev) with replies by Dev (G2) and Bo (G3,
  who writes his email and phone); a bot_message; Carla's file share G4 (with text); Bo's file
  share without text; a message by the deploy bot's user. 2026-03-03: Bo's "@here" G5; Carla's
  G6, then its edit (v2, mentioning Bo); Dev's thread_broadcast G7 into G1's thread (the bot and
  Ana react); a tombstone (a deleted thread parent) and Ana's reply G8 to it; Emil (a deleted
  user) writes his email as a mailto link (G9); a topic change; Ana's G10 mentioning herself and
  Carla, with a channel link, escaped characters and an unlabelled link.
- #leadership (groups.json: private, 2 members): Carla's L1 (her phone), Ana's reply L2 naming
  "Bo Chen" in plain text (+1 from Carla); Bo leaves; a pin.
- A DM (dms.json, folder by id) between Ana and Bo: D1, and Bo's D2 mentioning Ana (Ana reacts).
- A group DM (mpims.json; its name is made of user names): Carla's M1, Bo's reply M2, Ana's
  message that is then deleted.
Dev has no email in his profile, so he is known by his Slack id.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collectors.exports.slack  # noqa: F401  (registers the importer)
from collectors.exports.base import ImportContext
from collectors.exports.errors import ExportError
from collectors.exports.runner import run_import
from collectors.exports.slack import read_slack
from socialpulse.config import parse_settings
from socialpulse.privacy import pseudonymise
from socialpulse.warehouse import open_warehouse
from tests.samples import DIRECTORY, SLACK_EXPORT

KEY = b"test-key"
ROOT = Path(__file__).resolve().parents[2]
EXPORT = SLACK_EXPORT
SETTINGS = parse_settings("")
IDS = {
    "ana": "U0ANA1111",
    "bo": "U0BOC2222",
    "carla": "U0CAR3333",
    "dev": "U0DEV4444",
    "emil": "U0EMI5555",
    "bot": "U0BOT9999",
}
EMAILS = {
    n: f"{n}.{s}@northwind.example"
    for n, s in (("ana", "silva"), ("bo", "chen"), ("carla", "diaz"), ("emil", "berg"))
}
GENERAL, LEADERS, DM, MPIM = "C0GEN0001", "G0PRV0003", "D0DM00004", "G0MPM0005"
D1, D2 = 1772442000, 1772528400
SKIPPED = Counter(
    {
        "bot_message": 2,
        "channel_join": 1,
        "file_share without text": 1,
        "message_changed": 1,
        "tombstone": 1,
        "channel_topic": 1,
        "channel_leave": 1,
        "pinned_item": 1,
        "message_deleted": 1,
    }
)
ORIGINALS = [
    *IDS.values(),
    *EMAILS.values(),
    "Ana Silva",
    "Bo Chen",
    "Carla Diaz",
    "Dev Patel",
    "Emil Berg",
    "Deploy Bot",
    "anasilva88",
    "bochen_pdx",
    "carlad_lyon",
    "devp_contractor",
    "emilb_old",
    "ana.silva",
    "bo.chen",
    "carla.diaz",
    "dev.patel",
    "emil.berg",
    "deploybot",
    "+33 6 12 34 56 78",
    "+44 20 7946 0958",
    "+44 7700 900123",
    "+1 415 555 0142",
    "+46 8 123 456 78",
    "7946 0958",
    "7700 900123",
    "Q1-plan-carla-diaz",
    "whiteboard-bo-chen",
]


def who(name: str) -> str:
    """The pseudonym of a fixture person: by email, else (Dev) by Slack id."""
    if name in EMAILS:
        return pseudonymise(EMAILS[name], KEY)
    return pseudonymise(f"slack:{IDS[name]}", KEY)


def ts(day: int, minutes: int) -> str:
    return f"{day + minutes * 60}.000100"


def post(channel: str, day: int, minutes: int) -> str:
    return f"slack:{channel}:{ts(day, minutes)}"


G1, G2, G3, G4 = (post(GENERAL, D1, m) for m in (0, 5, 7, 30))
G5, G6, G7, G8, G9, G10 = (post(GENERAL, D2, m) for m in (0, 10, 20, 35, 40, 50))
TOMBSTONE = post(GENERAL, D2, 30)
L1, L2 = post(LEADERS, D1, 60), post(LEADERS, D1, 65)
DM1, DM2 = post(DM, D2, 100), post(DM, D2, 101)
M1, M2 = post(MPIM, D2, 200), post(MPIM, D2, 202)


def load(db: Path, path: Path = EXPORT, settings=SETTINGS):
    return run_import(db, "slack", path, settings, key=KEY)


def table(db: Path, sql: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).df()


def posts(db: Path) -> pd.DataFrame:
    return table(db, "SELECT * FROM posts ORDER BY post_id").set_index("post_id")


def edges(db: Path) -> set[tuple]:
    rows = table(db, "SELECT kind, post_id, actor_id, target_id, detail FROM interactions")
    return set(rows.itertuples(index=False, name=None))


def zip_export(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def copy_export(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXPORT, tmp_path / "export"))


@pytest.fixture(params=["folder", "zip"])
def export(request, tmp_path) -> Path:
    return EXPORT if request.param == "folder" else zip_export(EXPORT, tmp_path / "export.zip")


# --- The fixture, imported as a folder and as a zip --------------------------------------------


def test_messages_are_kept_and_noise_is_counted(empty_db, export):
    summary = load(empty_db, export)
    assert (summary.status, summary.problems) == ("ok", [])
    assert summary.skipped == SKIPPED
    assert (summary.posts.inserted, summary.people.inserted) == (16, 5)
    counts = posts(empty_db).groupby("channel_id").size().to_dict()
    assert counts == {
        f"slack:{GENERAL}": 10,
        f"slack:{LEADERS}": 2,
        f"slack:{DM}": 2,
        f"slack:{MPIM}": 2,
    }


def test_threads_link_replies_to_their_parent(empty_db, export):
    load(empty_db, export)
    rows = posts(empty_db)
    replies = rows[rows["kind"] == "reply"]
    assert replies["parent_id"].to_dict() == {G2: G1, G3: G1, G7: G1, G8: TOMBSTONE, L2: L1, M2: M1}
    assert (replies["thread_id"] == replies["parent_id"]).all()
    top = rows[rows["kind"] == "post"]
    assert sorted(top.index) == sorted([G1, G4, G5, G6, G9, G10, L1, DM1, DM2, M1])
    assert top["parent_id"].isna().all() and (top["thread_id"] == top.index).all()
    assert rows.loc[G1, "native_id"] == f"{GENERAL}:{ts(D1, 0)}"
    assert rows.loc[G1, "created_at"] == pd.Timestamp("2026-03-02 09:00:00.000100")
    assert (rows["platform"] == "slack").all() and rows["language"].isna().all()
    assert rows.loc[G1, "author_id"] == who("ana") and rows.loc[G2, "author_id"] == who("dev")


def test_reactions_mentions_and_replies_become_edges(empty_db, export):
    load(empty_db, export)
    reactions = {
        ("reaction", G1, who("bo"), who("ana"), "wave"),
        ("reaction", G1, who("carla"), who("ana"), "wave"),
        ("reaction", G1, who("dev"), who("ana"), "tada"),  # Ana's own tada: no edge
        ("reaction", G7, who("ana"), who("dev"), "white_check_mark"),  # not the bot's
        ("reaction", L2, who("carla"), who("ana"), "+1"),
        ("reaction", DM2, who("ana"), who("bo"), "thumbsup"),
    }
    mentions = {
        ("mention", G1, who("ana"), who("dev"), ""),
        ("mention", G6, who("carla"), who("bo"), ""),  # from the edited text
        ("mention", G10, who("ana"), who("carla"), ""),  # not Ana herself
        ("mention", DM2, who("bo"), who("ana"), ""),
    }
    replies = {
        ("reply", G2, who("dev"), who("ana"), ""),
        ("reply", G3, who("bo"), who("ana"), ""),
        ("reply", G7, who("dev"), who("ana"), ""),
        ("reply", L2, who("ana"), who("carla"), ""),
        ("reply", M2, who("bo"), who("carla"), ""),
    }  # G8's parent is a tombstone: none
    assert edges(empty_db) == reactions | mentions | replies
    created = table(empty_db, f"SELECT created_at FROM interactions WHERE post_id = '{G1}'")
    assert (created["created_at"] == pd.Timestamp("2026-03-02 09:00:00.000100")).all()


def test_text_is_readable_and_names_nobody(empty_db, export):
    load(empty_db, export)
    text = posts(empty_db)["text"]
    assert text[G1] == f"Welcome @{who('dev')}! Kickoff notes are at the wiki."
    assert text[G3] == "Ping me at [email] or [phone] if you need access."
    assert text[G5] == "Standup moved to 10:00 today @here"
    assert text[G6] == f"Draft agenda v2 for @{who('bo')}"  # the edit won
    assert text[G9] == "Last day today, thanks everyone! Reach me at [email]"
    assert text[G10] == (
        f"@{who('ana')} and @{who('carla')}: see #general & the <draft> in "
        "https://docs.northwind.example/agenda"
    )
    assert text[L1] == "Q2 hiring plan is ready, call me on [phone] to discuss"
    assert text[L2] == f"Approved, loop in {who('bo')} before Friday."
    assert text[G4] == "Q1 slides attached, comments welcome"


def test_raw_keeps_the_message_without_identities(empty_db, export):
    load(empty_db, export)
    raw = posts(empty_db)["raw"].map(json.loads)
    welcome = raw[G1]
    assert welcome["user"] == who("ana") and welcome["ts"] == ts(D1, 0)
    assert welcome["text"] == f"Welcome @{who('dev')}! Kickoff notes are at the wiki."
    assert welcome["replies"] == [
        {"user": who("dev"), "ts": ts(D1, 5)},
        {"user": who("bo"), "ts": ts(D1, 7)},
    ]
    assert welcome["reactions"][0] == {
        "name": "wave",
        "users": [who("bo"), who("carla")],
        "count": 2,
    }
    assert "user_profile" not in welcome and "blocks" not in welcome
    assert raw[G4]["files"] == [
        {"id": "F0FILE0001", "filetype": "pdf", "mimetype": "application/pdf", "size": 48213}
    ]
    assert raw[G6]["edited"]["user"] == who("carla")
    assert raw[G3]["text"] == "Ping me at [email] or [phone] if you need access."


def test_conversations_and_people(empty_db, export):
    load(empty_db, export)
    channels = table(empty_db, "SELECT * FROM channels ORDER BY channel_id").set_index("channel_id")
    assert channels["name"].to_dict() == {
        f"slack:{DM}": f"dm-{DM}",
        f"slack:{GENERAL}": "general",
        f"slack:{MPIM}": f"mpim-{MPIM}",
        f"slack:{LEADERS}": "leadership",
    }
    assert channels["audience_size"].to_dict() == {
        f"slack:{DM}": 2,
        f"slack:{GENERAL}": 5,
        f"slack:{MPIM}": 3,
        f"slack:{LEADERS}": 2,
    }
    assert channels["sensitivity"].to_dict() == {
        f"slack:{DM}": "restricted",
        f"slack:{GENERAL}": "internal",
        f"slack:{MPIM}": "restricted",
        f"slack:{LEADERS}": "internal",
    }
    assert channels.loc[f"slack:{DM}", "restricted_to"] == "participants"
    assert pd.isna(channels.loc[f"slack:{GENERAL}", "restricted_to"])
    assert set(channels["platform"]) == {"slack"} and set(channels["scope"]) == {"internal"}
    people = table(empty_db, "SELECT * FROM authors").set_index("author_id")
    assert set(people.index) == {who(n) for n in ("ana", "bo", "carla", "dev", "emil")}
    assert (people["handle"] == people.index).all() and set(people["platform"]) == {"internal"}
    assert people["display_name"].isna().all()  # not kept unless configuration allows it


def test_channel_rules_apply_but_cannot_open_a_private_channel(empty_db):
    rules = parse_settings(
        '[[channel_rules]]\nmatch = "general"\nsensitivity = "public"\n'
        'purpose = "announcements"\n'
        '[[channel_rules]]\nmatch = "lead*"\nsensitivity = "public"\n'
    )
    load(empty_db, settings=rules)
    channels = table(empty_db, "SELECT channel_id, sensitivity, purpose FROM channels")
    found = {c: (s, p) for c, s, p in channels.itertuples(index=False)}
    assert found[f"slack:{GENERAL}"] == ("public", "announcements")
    assert found[f"slack:{LEADERS}"] == ("internal", "general")  # private: at least internal
    kinds = posts(empty_db)["kind"]
    assert kinds[G1] == "announcement" and kinds[G2] == "reply"
    restricted = parse_settings(
        '[[channel_rules]]\nmatch = "lead*"\nsensitivity = "restricted"'
        '\nrestricted_to = "executives"\n'
    )
    load(empty_db, settings=restricted)
    row = table(
        empty_db,
        f"SELECT sensitivity, restricted_to FROM channels WHERE channel_id = 'slack:{LEADERS}'",
    )
    assert row.iloc[0].tolist() == ["restricted", "executives"]


def test_display_names_are_kept_only_when_allowed(empty_db):
    load(empty_db, settings=parse_settings("[internal]\nstore_display_names = true\n"))
    names = table(empty_db, "SELECT author_id, display_name FROM authors")
    assert dict(names.itertuples(index=False))[who("ana")] == "Ana Silva"


def test_people_join_the_directory_by_email(empty_db):
    run_import(empty_db, "directory", DIRECTORY, SETTINGS, key=KEY)
    load(empty_db)
    people = table(empty_db, "SELECT author_id, department, in_directory FROM authors")
    ana = people.set_index("author_id").loc[who("ana")]
    assert ana["in_directory"] and ana["department"] == "Sales"


def test_a_zip_wrapping_a_folder_reads_the_same(empty_db, tmp_path):
    load(empty_db, zip_export(EXPORT, tmp_path / "wrapped.zip", "Northwind Slack export/"))
    other = tmp_path / "other.duckdb"
    load(other)
    columns = ["author_id", "created_at", "text", "parent_id", "thread_id", "kind", "raw"]
    pd.testing.assert_frame_equal(posts(empty_db)[columns], posts(other)[columns])
    assert edges(empty_db) == edges(other)


# --- Re-importing and merging ------------------------------------------------------------------


def test_reimporting_adds_nothing(empty_db, export):
    load(empty_db, export)
    before, before_edges = posts(empty_db), edges(empty_db)
    again = load(empty_db, export)
    assert (again.posts.inserted, again.people.inserted) == (0, 0)
    pd.testing.assert_frame_equal(posts(empty_db), before)
    assert edges(empty_db) == before_edges


def test_an_overlapping_export_merges(empty_db, tmp_path):
    load(empty_db)
    newer = copy_export(tmp_path)
    (newer / "general" / "2026-03-02.json").unlink()  # an export of a later period
    d3 = D2 + 86_400
    day = [
        {
            "type": "message",
            "user": IDS["carla"],
            "ts": ts(d3, 0),
            "text": "New day",
            "thread_ts": ts(d3, 0),
        },
        {
            "type": "message",
            "user": IDS["dev"],
            "ts": ts(d3, 1),
            "text": "Morning",
            "thread_ts": ts(d3, 0),
        },
        {
            "type": "message",
            "subtype": "message_changed",
            "ts": ts(d3, 2),
            "message": {
                "type": "message",
                "user": IDS["bo"],
                "ts": ts(D2, 0),
                "text": "Standup moved to 10:30 today <!here>",
            },
        },
    ]
    (newer / "general" / "2026-03-04.json").write_text(json.dumps(day))
    summary = load(empty_db, newer)
    assert (summary.posts.inserted, summary.status) == (2, "ok")
    rows = posts(empty_db)
    assert len(rows) == 18
    assert rows.loc[G5, "text"] == "Standup moved to 10:30 today @here"  # edited later
    assert rows.loc[G1, "text"].startswith("Welcome")  # not in the newer export: kept
    assert ("reply", post(GENERAL, d3, 1), who("dev"), who("carla"), "") in edges(empty_db)


# --- Privacy -----------------------------------------------------------------------------------


def test_no_identity_reaches_the_warehouse_file(empty_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_PSEUDONYM_KEY", "scan-test-key")
    run_import(empty_db, "slack", EXPORT, SETTINGS)
    run_import(empty_db, "slack", zip_export(EXPORT, tmp_path / "export.zip"), SETTINGS)
    with open_warehouse(empty_db) as con:
        assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] == 16
        con.execute("CHECKPOINT")
    files = [p for p in empty_db.parent.iterdir() if p.name.startswith(empty_db.name)]
    data = b"".join(p.read_bytes() for p in files)
    found = [o for o in ORIGINALS if o.encode() in data or o.lower().encode() in data]
    assert found == []
    assert b"[email]" in data and b"[phone]" in data


# --- Damaged input -----------------------------------------------------------------------------


def write_day(export: Path, folder: str, day: str, content: bytes | str | list) -> None:
    path = export / folder / f"{day}.json"
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, list):
        content = json.dumps(content)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def test_a_truncated_day_keeps_the_records_before_the_damage(empty_db, tmp_path):
    export = copy_export(tmp_path)
    day = export / "general" / "2026-03-03.json"
    text = day.read_text()
    day.write_text(text[: text.index('"Draft agenda v1"') + 5])  # inside G6's record
    summary = load(empty_db, export)
    assert summary.status == "partial"
    assert len(summary.problems) == 1
    assert summary.problems[0].startswith("export:general/2026-03-03.json: invalid JSON at line")
    assert summary.problems[0].endswith("; the 1 record(s) before it kept")
    rows = posts(empty_db)
    assert G5 in rows.index and G6 not in rows.index and G1 in rows.index
    assert len(rows) == 16 - 5  # G6 to G10 lost
    run = table(empty_db, "SELECT status, error FROM collection_runs ORDER BY run_id DESC")
    assert run.iloc[0].tolist() == ["partial", summary.problems[0]]


def test_bad_bytes_are_replaced_and_reported(empty_db, tmp_path):
    export = copy_export(tmp_path)
    day = export / "D0DM00004" / "2026-03-03.json"
    data = day.read_bytes()
    day.write_bytes(data.replace(b"got a minute", b"got a \xff minute"))
    summary = load(empty_db, export)
    offset = data.index(b"got a minute") + 6
    assert summary.problems == [
        f"export:D0DM00004/2026-03-03.json: byte {offset} is not UTF-8 (replaced)"
    ]
    assert posts(empty_db).loc[DM1, "text"] == "Hi, got a \ufffd minute?"


def test_bad_records_are_one_line_each_and_the_rest_loads(empty_db, tmp_path):
    export = copy_export(tmp_path)
    good = {"type": "message", "user": IDS["bo"], "text": "fine"}
    write_day(
        export,
        "general",
        "2026-03-05",
        [
            {**good, "ts": "1772701200.000100"},
            {**good},  # no ts
            {**good, "ts": "yesterday"},
            {"type": "message", "ts": "1772701260.000100", "text": "who?"},  # no user
            "not a message",
            {**good, "ts": "1772701320.000100", "subtype": "huddle_started", "text": "Huddle!"},
            {**good, "ts": "1772701380.000100", "subtype": "huddle_started", "text": "Again"},
            {**good, "ts": "1772701440.000100", "subtype": "mystery_event", "text": ""},
            {**good, "ts": "1772701500.000100", "text": ["not", "text"]},
            {**good, "ts": "1772701560.000100", "thread_ts": {"bad": 1}},
            {**good, "ts": "1772701620.000100", "subtype": ["odd"]},
            {"type": "message", "subtype": "message_changed", "ts": "1772701680.000100"},
        ],
    )
    write_day(export, "general", "2026-03-06", '{"not": "a list"}')
    summary = load(empty_db, export)
    where = "export:general/2026-03-05.json: record"
    assert summary.problems == [
        f"{where} 2: no ts",
        f"{where} 3: ts is not a Slack timestamp",
        f"{where} 4: no user",
        f"{where} 5: not a message object",
        f"{where} 9: text is not text",
        f"{where} 10: thread_ts is not a Slack timestamp; kept as a post",
        f"{where} 11: subtype is not text",
        f"{where} 12: message_changed without the message",
        f"{where} 6: unknown subtype 'huddle_started' (2 record(s)) kept as messages",
        "export:general/2026-03-06.json: not a JSON list of records",
    ]
    assert summary.skipped["unknown subtype mystery_event"] == 1
    assert summary.posts.inserted == 16 + 4
    assert posts(empty_db).loc["slack:C0GEN0001:1772701560.000100", "kind"] == "post"


def test_unreadable_listings_and_unlisted_folders_are_reported(empty_db, tmp_path):
    export = copy_export(tmp_path)
    (export / "users.json").write_text('[{"id": "U0ANA1111", "profile": {"email": "ana')
    write_day(export, "orphans", "2026-03-02", [])
    write_day(export, "mpdm-x.y--z.w-1", "2026-03-02", [])
    summary = load(empty_db, export)
    assert summary.problems[1:] == [
        "export: a group DM folder that no listing names; its 1 day-file(s) skipped",
        "export: folder orphans/ that no listing names; its 1 day-file(s) skipped",
    ]
    assert summary.problems[0].startswith("export:users.json: invalid JSON at line 1 column")
    assert summary.problems[0].endswith("; the 0 record(s) before it kept")
    rows = posts(empty_db)
    assert len(rows) == 16  # messages still load, people by their Slack id
    assert rows.loc[G1, "author_id"] == pseudonymise(f"slack:{IDS['ana']}", KEY)
    assert summary.skipped["bot_message"] == 2  # known as bots by their bot_id


def test_a_damaged_group_dm_file_is_named_by_its_id(empty_db, tmp_path):
    export = copy_export(tmp_path)
    day = export / "mpdm-ana.silva--bo.chen--carla.diaz-1" / "2026-03-03.json"
    day.write_text("[{")
    summary = load(empty_db, export)
    assert len(summary.problems) == 1
    assert summary.problems[0].startswith(f"export:{MPIM}/2026-03-03.json: invalid JSON")


def test_a_corrupt_zip_member_is_one_problem(empty_db, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(EXPORT.rglob("*.json")):
            name = path.relative_to(EXPORT).as_posix()
            handle.write(path, name)
    data = bytearray(archive.read_bytes())
    start = data.index(b"leadership/2026-03-02.json") + 40
    data[start : start + 30] = bytes(b ^ 0x5A for b in data[start : start + 30])
    archive.write_bytes(bytes(data))
    summary = load(empty_db, archive)
    assert len(summary.problems) == 1
    assert summary.problems[0].startswith("export.zip:leadership/2026-03-02.json: damaged")
    assert len(posts(empty_db)) == 14


def test_refused_and_foreign_exports_fail_with_one_line(empty_db, tmp_path):
    traversal = tmp_path / "evil.zip"
    with zipfile.ZipFile(traversal, "w") as handle:
        handle.writestr("users.json", "[]")
        handle.writestr("../../outside.json", "[]")
    with pytest.raises(ExportError, match=r"^evil.zip:../../outside.json: refused"):
        load(empty_db, traversal)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("users.json", "[]")
        handle.writestr("general/2026-03-02.json", b" " * 50 * 1024**2)
    with pytest.raises(ExportError, match="refused as a zip bomb"):
        load(empty_db, bomb)
    (tmp_path / "not-slack").mkdir()
    (tmp_path / "not-slack" / "notes.txt").write_text("hello")
    with pytest.raises(ExportError, match="^not-slack: not a Slack export"):
        load(empty_db, tmp_path / "not-slack")
    assert not (tmp_path / "outside.json").exists()
    runs = table(empty_db, "SELECT status FROM collection_runs")
    assert set(runs["status"]) == {"failed"}


# --- Property-based: random damage never escapes as an exception -------------------------------


BASE_DAY = (EXPORT / "general" / "2026-03-02.json").read_bytes()
BASE_MESSAGES = json.loads((EXPORT / "general" / "2026-03-03.json").read_bytes())
FIELDS = [
    "ts",
    "user",
    "text",
    "thread_ts",
    "subtype",
    "reactions",
    "edited",
    "files",
    "replies",
    "reply_users",
    "message",
    "deleted_ts",
    "bot_id",
    "parent_user_id",
    "reply_count",
    "type",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["1772442000.000100", "U0ANA1111", "<@U0ANA1111>", "\ud800", "\x00"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["name", "users", "user", "ts", "text", "count", "id"])
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def small_export(root: Path, day: bytes) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "general").mkdir(parents=True)
    for listing in ("users.json", "channels.json"):
        shutil.copy(EXPORT / listing, root / listing)
    (root / "general" / "2026-03-02.json").write_bytes(day)
    return root


def read_all(path: Path) -> list:
    context = ImportContext(KEY, SETTINGS)
    batches = list(read_slack(path, context))
    for batch in batches:
        assert all("\n" not in p and p.startswith(f"{path.name}:") for p in batch.problems)
        for frame in batch.rows.values():
            assert isinstance(frame, pd.DataFrame)
    return batches


def damaged(data: st.DataObject) -> bytes:
    raw = bytearray(BASE_DAY)
    action = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    where = data.draw(st.integers(0, len(raw) - 1))
    if action == "truncate":
        return bytes(raw[:where])
    if action == "flip":
        for offset in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
            raw[offset] = data.draw(st.integers(0, 255))
        return bytes(raw)
    if action == "insert":
        return bytes(raw[:where] + data.draw(st.binary(min_size=1, max_size=8)) + raw[where:])
    return bytes(raw[:where] + raw[where + data.draw(st.integers(1, 40)) :])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_bytes_never_raise(data, tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "damaged-bytes" / "export"
    read_all(small_export(root, damaged(data)))


@settings(max_examples=50, deadline=None)
@given(
    index=st.integers(0, len(BASE_MESSAGES) - 1),
    field=st.sampled_from(FIELDS),
    value=JSON,
    nested=st.booleans(),
)
def test_random_values_in_message_fields_never_raise(index, field, value, nested, tmp_path_factory):
    messages = json.loads(json.dumps(BASE_MESSAGES))
    target = messages[index]
    if nested and isinstance(target.get("message"), dict):
        target = target["message"]
    target[field] = value
    root = tmp_path_factory.getbasetemp() / "damaged-fields" / "export"
    read_all(small_export(root, json.dumps(messages).encode()))


@settings(max_examples=12, deadline=None)
@given(
    messages=st.lists(
        st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6).map(
            lambda m: {"type": "message", "ts": "1772442000.000100", "user": "U0BOC2222", **m}
        ),
        max_size=6,
    ),
    damage=st.data(),
)
def test_whatever_is_read_can_be_stored(messages, damage, tmp_path_factory):
    base = tmp_path_factory.getbasetemp() / "stored"
    shutil.rmtree(base, ignore_errors=True)
    day = json.dumps(messages).encode() if damage.draw(st.booleans()) else damaged(damage)
    summary = run_import(
        base / "w.duckdb", "slack", small_export(base / "export", day), SETTINGS, key=KEY
    )
    assert summary.status in ("ok", "partial")


# --- Streaming and the benchmark ---------------------------------------------------------------


def test_small_batches_give_the_same_rows(empty_db, tmp_path, monkeypatch):
    load(empty_db)
    monkeypatch.setattr(collectors.exports.slack, "BATCH_MESSAGES", 1)
    batches = list(read_slack(EXPORT, ImportContext(KEY, SETTINGS)))
    assert len(batches) == 1 + 5 + 1  # people and channels, one per day-file, the remainder
    other = tmp_path / "other.duckdb"
    load(other)
    columns = ["author_id", "text", "parent_id", "kind", "raw"]
    pd.testing.assert_frame_equal(posts(empty_db)[columns], posts(other)[columns])
    assert edges(empty_db) == edges(other)


def test_the_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_slack_import", "--messages", "3000", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["status"] == "ok"
    assert figures["posts_stored"] + figures["skipped"] == figures["records"]
    assert figures["messages_per_s"] > 0 and figures["peak_rss_mb"] > 0
