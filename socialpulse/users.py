"""Local dashboard accounts: bcrypt-hashed passwords in a file outside the repository.

The file is ``SOCIALPULSE_USERS_FILE``, default ``~/.config/socialpulse/users.toml``, created with
0600 permissions like the pseudonymisation key. It also keeps each name's recent failed logins,
so throttling survives a dashboard restart: after ``max_failed_logins`` failures within
``lockout_minutes`` a name is refused, right password or not, until the window has passed.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
import duckdb

from socialpulse import audit
from socialpulse.access import check_role
from socialpulse.config import Security

USERS_FILE_VARIABLE = "SOCIALPULSE_USERS_FILE"
DEFAULT_USERS_FILE = Path("~/.config/socialpulse/users.toml")
BCRYPT_ROUNDS = 12
DEFAULT_SECURITY = Security()
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt(4))


@dataclass(frozen=True)
class User:
    name: str
    role: str


def users_file() -> Path:
    return Path(os.environ.get(USERS_FILE_VARIABLE, DEFAULT_USERS_FILE)).expanduser()


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _read(path: Path) -> dict:
    if not path.exists():
        return {"users": {}, "failures": {}}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"users": data.get("users", {}), "failures": data.get("failures", {})}


def _write(path: Path, data: dict) -> None:
    """Rewrite the file atomically with 0600 permissions (JSON strings are valid TOML)."""
    lines = ["# SocialPulse dashboard accounts: written by `pulse users`; keep it private.", ""]
    for name, user in sorted(data["users"].items()):
        lines += [
            f"[users.{json.dumps(name)}]",
            f"role = {json.dumps(user['role'])}",
            f"password_hash = {json.dumps(user['password_hash'])}",
            f"created_at = {json.dumps(user['created_at'])}",
            "",
        ]
    failures = {name: times for name, times in data["failures"].items() if times}
    if failures:
        lines.append("[failures]")
        lines += [
            f"{json.dumps(name)} = {json.dumps(times)}" for name, times in sorted(failures.items())
        ]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def add_user(
    name: str, role: str, password: str, *, path: Path | None = None, now: datetime | None = None
) -> User:
    """Create or replace an account (replacing resets its password and role)."""
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r}: a user name is 1-64 letters, digits, '.', '_', '@' or '-'")
    check_role(role)
    secret = password.encode("utf-8")
    if not 8 <= len(secret) <= 72:
        raise ValueError("a password is 8 to 72 bytes long (bcrypt reads no further)")
    path = path or users_file()
    data = _read(path)
    data["users"][name] = {
        "role": role,
        "password_hash": bcrypt.hashpw(secret, bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii"),
        "created_at": _now(now).isoformat(timespec="seconds"),
    }
    data["failures"].pop(name, None)
    _write(path, data)
    return User(name, role)


def remove_user(name: str, *, path: Path | None = None) -> bool:
    """Delete an account; False when there was none."""
    path = path or users_file()
    data = _read(path)
    if name not in data["users"]:
        return False
    del data["users"][name]
    data["failures"].pop(name, None)
    _write(path, data)
    return True


def list_users(*, path: Path | None = None) -> list[User]:
    data = _read(path or users_file())
    return [User(name, user["role"]) for name, user in sorted(data["users"].items())]


def _recent_failures(data: dict, name: str, now: datetime, window: timedelta) -> list[str]:
    return [
        t for t in data["failures"].get(name, []) if now - window < datetime.fromisoformat(t) <= now
    ]


def locked_until(
    name: str,
    *,
    security: Security = DEFAULT_SECURITY,
    path: Path | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """When a throttled name may try again; None when it is not throttled."""
    now, window = _now(now), timedelta(minutes=security.lockout_minutes)
    recent = _recent_failures(_read(path or users_file()), name, now, window)
    if len(recent) < security.max_failed_logins:
        return None
    return datetime.fromisoformat(recent[-security.max_failed_logins]) + window


def authenticate(
    name: str,
    password: str,
    *,
    security: Security = DEFAULT_SECURITY,
    path: Path | None = None,
    now: datetime | None = None,
) -> User | None:
    """The user when the password is right and the name is not throttled, else None.

    A failure (wrong password, unknown name, throttled) is remembered for the name; a success
    clears its failures."""
    path, now = path or users_file(), _now(now)
    data = _read(path)
    if locked_until(name, security=security, path=path, now=now) is not None:
        return None
    user = data["users"].get(name)
    stored = user["password_hash"].encode("ascii") if user else _DUMMY_HASH
    try:
        ok = bcrypt.checkpw(password.encode("utf-8"), stored) and user is not None
    except ValueError:  # a password over 72 bytes
        ok = False
    window = timedelta(minutes=security.lockout_minutes)
    if ok:
        if data["failures"].pop(name, None):
            _write(path, data)
        return User(name, user["role"])
    if user is not None or name in data["failures"] or len(data["failures"]) < 10_000:
        data["failures"][name] = [
            *_recent_failures(data, name, now, window),
            now.isoformat(timespec="microseconds"),
        ]
        _write(path, data)
    return None


def login(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    *,
    security: Security = DEFAULT_SECURITY,
    path: Path | None = None,
    now: datetime | None = None,
) -> User | None:
    """``authenticate`` and record the attempt in the audit log (success and failure)."""
    throttled = locked_until(name, security=security, path=path, now=now)
    user = authenticate(name, password, security=security, path=path, now=now)
    if user:
        audit.record(con, user.name, user.role, "login", now=now)
    else:
        audit.record(
            con,
            name,
            None,
            "login_failed",
            now=now,
            detail="throttled" if throttled else "wrong name or password",
        )
    return user
