import json
from datetime import date

import pandas as pd
import pytest

from socialpulse.config import Retention
from socialpulse.governance.archive import (
    POST_TABLES,
    ArchiveError,
    archive,
    list_partitions,
    read_manifest,
    restore,
    sha256,
)
from socialpulse.governance.holds import add_hold, list_holds, release_hold

from .conftest import NOW


def snapshot(con) -> dict[str, pd.DataFrame]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in POST_TABLES}


def test_archive_moves_expired_posts_and_restore_puts_them_back_exactly(con, tmp_path):
    before = snapshot(con)
    retention = Retention(default_days=365, archive_dir=str(tmp_path / "archive"))
    result = archive(con, retention, now=NOW)
    # older than 2025-06-15: slack:1, 2 (2024-01), slack:3 (2024-02), x:1 (2024-01)
    assert result.posts == 4 and result.held == 0
    assert result.partitions == [
        "platform=slack/month=2024-01",
        "platform=slack/month=2024-02",
        "platform=x/month=2024-01",
    ]
    assert result.rows["interactions"] == 2 and result.rows["engagement_snapshots"] == 2
    left = {r[0] for r in con.execute("SELECT post_id FROM posts").fetchall()}
    assert left == {"slack:4", "x:2"}
    assert con.execute("SELECT count(*) FROM brand_matches").fetchall()[0][0] == 1
    manifest = read_manifest(tmp_path / "archive")
    for entry in manifest["files"]:
        assert sha256(tmp_path / "archive" / entry["path"]) == entry["sha256"]
    assert {p["partition"]: p["posts"] for p in list_partitions(tmp_path / "archive")} == {
        "platform=slack/month=2024-01": 2,
        "platform=slack/month=2024-02": 1,
        "platform=x/month=2024-01": 1,
    }
    for platform, month in (("slack", "2024-01"), ("slack", "2024-02"), ("x", "2024-01")):
        restore(con, tmp_path / "archive", platform, month)
    after = snapshot(con)
    for table in POST_TABLES:
        pd.testing.assert_frame_equal(after[table], before[table], check_dtype=True)
    assert read_manifest(tmp_path / "archive")["files"] == []


def test_per_channel_retention_wins_over_platform_and_default(con, tmp_path):
    retention = Retention(
        default_days=3650,
        per_platform={"slack": 3650},
        per_channel={"slack:exec": 30},
        archive_dir=str(tmp_path / "a"),
    )
    result = archive(con, retention, now=NOW, dry_run=True)
    assert result.posts == 1 and result.partitions == ["platform=slack/month=2024-01"]
    assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] == 6  # dry run
    assert not (tmp_path / "a").exists()


def test_held_posts_are_never_archived(con, tmp_path):
    hold = add_hold(con, channel="x:search", reason="matter 12", custodian="legal")
    add_hold(
        con, date_from=date(2024, 1, 20), date_to=date(2024, 1, 20), reason="r", custodian="legal"
    )
    retention = Retention(default_days=365, archive_dir=str(tmp_path / "a"))
    result = archive(con, retention, now=NOW)
    assert result.posts == 2 and result.held == 2  # x:1 by channel, slack:2 by date
    assert {r[0] for r in con.execute("SELECT post_id FROM posts").fetchall()} == {
        "slack:2",
        "slack:4",
        "x:1",
        "x:2",
    }
    release_hold(con, hold, by="legal")
    assert len(list_holds(con, active_only=True)) == 1 and len(list_holds(con)) == 2
    again = archive(con, retention, now=NOW)
    assert again.posts == 1 and again.held == 1
    with pytest.raises(ValueError):
        release_hold(con, hold, by="legal")


def test_a_tampered_file_is_refused_on_restore(con, tmp_path):
    archive(con, Retention(default_days=365, archive_dir=str(tmp_path / "a")), now=NOW)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    victim = next(e for e in manifest["files"] if e["partition"].startswith("platform=x"))
    (tmp_path / "a" / victim["path"]).write_bytes(b"PAR1 not really")
    with pytest.raises(ArchiveError, match="SHA-256"):
        restore(con, tmp_path / "a", "x", "2024-01")
    with pytest.raises(ArchiveError):
        restore(con, tmp_path / "a", "x'; DROP TABLE posts; --", "2024-01")


def test_a_hold_covers_exactly_one_scope(con):
    with pytest.raises(ValueError):
        add_hold(con, channel="a", author="b", reason="r", custodian="c")
    with pytest.raises(ValueError):
        add_hold(
            con, date_from=date(2024, 2, 1), date_to=date(2024, 1, 1), reason="r", custodian="c"
        )
