import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from socialpulse import audit

ROOT = Path(__file__).resolve().parents[2]


def test_record_appends_and_read_filters(con):
    first = audit.record(
        con,
        "ann",
        "marketing",
        "export",
        target="mentions",
        filters={"brand": "Acme", "period": "last-30d"},
        now=datetime(2026, 1, 1, 9),
    )
    second = audit.record(
        con, "bob", "auditor", "page_view", target="page:audit", now=datetime(2026, 1, 2, 9)
    )
    assert second > first
    events = audit.read(con)
    assert list(events["event_id"]) == [second, first]
    exported = audit.read(con, action="export")
    assert list(exported["actor"]) == ["ann"]
    assert json.loads(exported["filters"][0]) == {"brand": "Acme", "period": "last-30d"}
    assert list(audit.read(con, since=datetime(2026, 1, 2))["actor"]) == ["bob"]
    assert list(audit.read(con, actor="x' OR '1'='1")["actor"]) == []


def test_unknown_actions_are_refused(con):
    with pytest.raises(ValueError):
        audit.record(con, "ann", None, "delete_everything")


def test_no_code_path_updates_or_deletes_audit_rows():
    pattern = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+audit_log"
        r"|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log)",
        re.IGNORECASE,
    )
    offenders = []
    for folder in ("socialpulse", "analysis", "collectors", "dashboard", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert (ROOT / "streamlit_app.py").exists()
    assert not pattern.search((ROOT / "streamlit_app.py").read_text(encoding="utf-8"))


def test_the_writer_only_inserts():
    source = (ROOT / "socialpulse" / "audit.py").read_text(encoding="utf-8")
    statements = re.findall(r'"(INSERT|UPDATE|DELETE|SELECT)\b', source)
    assert "INSERT" in statements and not {"UPDATE", "DELETE"} & set(statements)
