from datetime import datetime, timedelta
from pathlib import Path

import pytest

from socialpulse.access import (
    PERMISSIONS,
    ROLES,
    can,
    permission_table,
    session_is_valid,
    visible_channel_filter,
    visible_post_filter,
)

GOVERNANCE_DOC = (Path(__file__).resolve().parents[2] / "docs" / "governance.md").read_text()


def test_the_roles_of_the_issue():
    assert ROLES == ("admin", "marketing", "internal-comms", "executive", "auditor")


def test_can_reads_the_one_table():
    assert can("admin", "erase") and not can("marketing", "erase")
    assert can("auditor", "page:audit") and not can("auditor", "page:internal")
    assert can("internal-comms", "see_non_responders") and not can(
        "executive", "see_non_responders"
    )
    assert not can(None, "page:overview") and not can("intruder", "page:overview")
    with pytest.raises(ValueError, match="unknown action"):
        can("admin", "page:nope")


def test_every_role_has_something_and_only_admin_everything():
    for role in ROLES:
        assert any(role in roles for roles in PERMISSIONS.values())
    assert all("admin" in roles for roles in PERMISSIONS.values())


def test_the_governance_page_shows_the_table_from_the_code():
    assert permission_table() in GOVERNANCE_DOC


def visible(con, role):
    condition, params = visible_channel_filter(role)
    return sorted(
        r[0]
        for r in con.execute(
            f"SELECT c.channel_id FROM channels c WHERE {condition}", params
        ).fetchall()
    )


def test_restricted_channels_are_hidden_in_the_query_layer(con):
    everyone = ["slack:general", "x:search"]
    assert visible(con, "admin") == sorted(["slack:exec", *everyone])
    assert visible(con, "executive") == sorted(["slack:exec", *everyone])
    assert visible(con, "marketing") == everyone
    assert visible(con, "internal-comms") == everyone  # exec is executives only
    assert visible(con, None) == everyone


def test_posts_of_restricted_channels_are_hidden(con):
    condition, params = visible_post_filter("marketing")
    rows = con.execute(f"SELECT p.post_id FROM posts p WHERE {condition}", params).fetchall()
    assert "slack:2" not in {r[0] for r in rows} and len(rows) == 5
    condition, params = visible_post_filter("executive")
    assert (
        con.execute(f"SELECT count(*) FROM posts p WHERE {condition}", params).fetchall()[0][0] == 6
    )


def test_sessions_expire():
    start, ttl = datetime(2026, 1, 1, 9), timedelta(minutes=30)
    assert session_is_valid(start, start + timedelta(minutes=29), ttl)
    assert not session_is_valid(start, start + timedelta(minutes=30), ttl)
    assert not session_is_valid(start, start - timedelta(seconds=1), ttl)
