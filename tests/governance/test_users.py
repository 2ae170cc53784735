import stat
from datetime import UTC, datetime, timedelta

import pytest

from socialpulse import audit, users
from socialpulse.config import Security


@pytest.fixture(autouse=True)
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "cfg" / "users.toml"
    monkeypatch.setenv(users.USERS_FILE_VARIABLE, str(path))
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    return path


T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_accounts_are_hashed_in_a_private_file(users_file):
    users.add_user("ann", "marketing", "correct horse", now=T0)
    text = users_file.read_text()
    assert "correct horse" not in text and "$2b$04$" in text
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert users.list_users() == [users.User("ann", "marketing")]
    assert users.authenticate("ann", "correct horse", now=T0) == users.User("ann", "marketing")
    assert users.authenticate("ann", "wrong horse", now=T0) is None
    assert users.authenticate("nobody", "correct horse", now=T0) is None
    assert users.remove_user("ann") and not users.remove_user("ann")
    assert users.authenticate("ann", "correct horse", now=T0) is None


def test_bad_names_roles_and_passwords_are_refused():
    with pytest.raises(ValueError, match="role"):
        users.add_user("ann", "superuser", "long enough")
    with pytest.raises(ValueError, match="name"):
        users.add_user('a"] x', "admin", "long enough")
    with pytest.raises(ValueError, match="8 to 72"):
        users.add_user("ann", "admin", "short")


def test_repeated_failures_lock_the_name_until_the_window_passes():
    security = Security(max_failed_logins=3, lockout_minutes=15)
    users.add_user("ann", "admin", "correct horse")
    for minute in range(3):
        at = T0 + timedelta(minutes=minute)
        assert users.authenticate("ann", "nope nope", security=security, now=at) is None
    # the third failure was at 09:02, the first at 09:00: locked until 09:15
    assert users.locked_until(
        "ann", security=security, now=T0 + timedelta(minutes=3)
    ) == T0 + timedelta(minutes=15)
    at = T0 + timedelta(minutes=14)
    assert users.authenticate("ann", "correct horse", security=security, now=at) is None
    # refused attempts while locked do not extend the lock; at 09:15 the 09:00 failure is out
    at = T0 + timedelta(minutes=15)
    assert users.locked_until("ann", security=security, now=at) is None
    assert users.authenticate("ann", "correct horse", security=security, now=at) is not None
    assert users.authenticate("ann", "nope nope", security=security, now=at) is None
    assert users.locked_until("ann", security=security, now=at) is None  # success cleared them


def test_login_is_audited_on_success_and_failure(con):
    users.add_user("ann", "auditor", "correct horse")
    assert users.login(con, "ann", "correct horse", now=T0).role == "auditor"
    assert users.login(con, "ann", "bad password", now=T0) is None
    events = audit.read(con)
    assert list(events["action"]) == ["login_failed", "login"]
    assert list(events["role"].fillna("-")) == ["-", "auditor"]
