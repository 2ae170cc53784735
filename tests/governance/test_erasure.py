import pyarrow.parquet as pq
import pytest

from socialpulse.config import Retention
from socialpulse.governance.archive import archive, read_manifest, restore, sha256, verify
from socialpulse.governance.erasure import erase_author
from socialpulse.governance.holds import add_hold

from .conftest import NOW


def ids(con, query):
    return {r[0] for r in con.execute(query).fetchall()}


def test_erasure_removes_posts_and_identity_from_warehouse_and_archive(con, tmp_path):
    archive_dir = tmp_path / "a"
    archive(con, Retention(default_days=365, archive_dir=str(archive_dir)), now=NOW)
    result = erase_author(con, "emp_a", by="dpo", archive_dir=archive_dir)
    # warehouse: slack:4 (and its reaction by emp_a); archive: slack:1, slack:3 (via alias)
    assert (result.posts_erased, result.posts_held) == (1, 0)
    assert (result.archived_posts_erased, result.archived_posts_held) == (2, 0)
    assert result.identity_erased and result.interactions_erased == 1
    assert ids(con, "SELECT author_id FROM authors") == {"emp_b", "x:fan"}
    assert ids(con, "SELECT alias_id FROM person_aliases") == set()
    assert ids(con, "SELECT manager_id FROM authors WHERE author_id = 'emp_b'") == {None}
    verify(archive_dir)  # checksums rewritten
    for entry in read_manifest(archive_dir)["files"]:
        table = pq.read_table(archive_dir / entry["path"]).to_pandas()
        assert len(table) == entry["rows"]
        assert sha256(archive_dir / entry["path"]) == entry["sha256"]
        for column in ("author_id", "actor_id", "target_id"):
            if column in table:
                assert not set(table[column]) & {"emp_a", "emp_a_teams"}
    restore(con, archive_dir, "slack", "2024-01")
    assert ids(con, "SELECT post_id FROM posts WHERE platform = 'slack'") == {"slack:2"}
    assert con.execute(
        "SELECT pseudonym, erased_by, posts_erased, archived_posts_erased FROM erasures"
    ).fetchall() == [("emp_a", "dpo", 1, 2)]


def test_held_posts_stay_and_keep_the_identity(con, tmp_path):
    add_hold(con, author="emp_a", reason="matter 7", custodian="legal")
    archive_dir = tmp_path / "a"
    archive(con, Retention(default_days=365, archive_dir=str(archive_dir)), now=NOW)
    result = erase_author(con, "emp_a", by="dpo", archive_dir=archive_dir)
    assert (result.posts_erased, result.posts_held) == (0, 3)
    assert not result.identity_erased
    assert ids(con, "SELECT author_id FROM authors WHERE author_id = 'emp_a'") == {"emp_a"}
    assert ids(con, "SELECT post_id FROM posts WHERE author_id LIKE 'emp_a%'") == {
        "slack:1",
        "slack:3",
        "slack:4",
    }


def test_an_unknown_person_is_an_error(con):
    with pytest.raises(ValueError, match="no such author"):
        erase_author(con, "emp_nobody", by="dpo")
