"""Reminding who has not answered a check-in, privately: through the real Slack client against a
local server on 127.0.0.1 that answers as Slack's Web API does (users.list in pages,
conversations.open, chat.postMessage), with the demo organisation's members."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from collectors.demo.organisation import DEMO_KEY
from dashboard import data
from socialpulse.privacy import pseudonymise
from tests.dashboard.test_internal_pages import QUARTER, run_page

MEMBERS = 2_000  # more than the demo's employees: every one of them is in the workspace


def _member(i: int) -> dict:
    return {
        "id": f"U{i:06d}",
        "name": f"employee{i}",
        "deleted": False,
        "is_bot": False,
        "profile": {"email": f"employee-{i}@northwind.example", "real_name": f"Employee {i}"},
    }


class SlackApi(BaseHTTPRequestHandler):
    """Slack's Web API as recorded: /api/<method> by GET (users.list), form POST
    (conversations.open) or JSON POST (chat.postMessage); JSON answers."""

    def do_GET(self):
        self.answer(parse_qs(urlsplit(self.path).query))

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.headers["Content-Type"].startswith("application/json"):
            self.answer({k: [v] for k, v in json.loads(body).items()})
        else:
            self.answer(parse_qs(body))

    def answer(self, fields: dict):
        server = self.server
        method = urlsplit(self.path).path.rsplit("/", 1)[-1]
        form = {k: v[0] for k, v in fields.items()}
        with server.lock:
            server.calls.append((method, form, self.headers.get("Authorization")))
        if server.error:
            body = {"ok": False, "error": server.error}
        elif method == "users.list":
            start = int(form.get("cursor") or 0)
            page = [m for m in server.members[start : start + int(form.get("limit", 200))]]
            following = start + len(page)
            more = following < len(server.members)
            body = {
                "ok": True,
                "members": page,
                "response_metadata": {"next_cursor": str(following) if more else ""},
            }
        elif method == "conversations.open":
            body = {"ok": True, "channel": {"id": "D" + form["users"][1:]}}
        elif method == "chat.postMessage":
            body = {"ok": True, "channel": form["channel"], "ts": "1726408800.000100"}
        else:
            body = {"ok": False, "error": "unknown_method"}
        encoded = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, *args):
        pass


@pytest.fixture
def slack(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlackApi)
    server.lock, server.calls, server.error = threading.Lock(), [], None
    server.members = [_member(i) for i in range(MEMBERS)] + [
        {"id": "UBOT", "is_bot": True, "profile": {}},
        {"id": "UGONE", "deleted": True, "profile": {"email": "employee-0@northwind.example"}},
    ]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{server.server_port}/api/")
    monkeypatch.setenv("SOCIALPULSE_PSEUDONYM_KEY", DEMO_KEY.decode())
    yield server
    server.shutdown()


def _check_in(db) -> tuple[str, set[str]]:
    from analysis.push_pull import non_responders

    with duckdb.connect(str(db), read_only=True) as con:
        post_id = con.execute(
            "SELECT post_id FROM posts WHERE kind = 'check-in' LIMIT 1"
        ).fetchall()[0][0]
        return post_id, set(non_responders(con, post_id)["pseudonym"])


def _direct_messages(slack) -> dict[str, str]:
    return {
        form["channel"]: form["text"]
        for method, form, _ in slack.calls
        if method == "chat.postMessage"
    }


def test_each_non_responder_in_the_workspace_gets_one_direct_message(db_copy, internal_db, slack):
    db = db_copy(internal_db)
    post_id, missing = _check_in(db)
    assert len(missing) > 10
    # Five of them have left Slack: they cannot be reached, and nobody else is written to.
    gone = sorted(missing)[:5]
    slack.members = [
        m
        for m in slack.members
        if pseudonymise(m["profile"].get("email", "x"), DEMO_KEY) not in gone
    ]
    sent = data.remind_non_responders(
        str(db), post_id, "Please answer the check-in.", "kim", "internal-comms"
    )
    assert (sent.reminded, sent.unreachable) == (len(missing) - 5, 5)
    messages = _direct_messages(slack)
    reached = {
        pseudonymise(f"employee-{int(channel[1:])}@northwind.example", DEMO_KEY)
        for channel in messages
    }
    assert reached == missing - set(gone)
    assert set(messages.values()) == {"Please answer the check-in."}
    assert {auth for _, _, auth in slack.calls} == {"Bearer xoxb-test-token"}
    with duckdb.connect(str(db), read_only=True) as con:
        audited = con.execute(
            "SELECT actor, role, target, detail FROM audit_log WHERE action = 'reminder_sent'"
        ).fetchall()
    assert audited == [
        ("kim", "internal-comms", post_id, f"{len(missing) - 5} reminded, 5 not reachable")
    ]
    assert not any(p in str(audited) for p in missing)  # counts, never the people


def test_a_refused_token_is_one_line_naming_slack_and_nothing_is_audited(
    db_copy, internal_db, slack
):
    db = db_copy(internal_db)
    post_id, _ = _check_in(db)
    slack.error = "invalid_auth"
    from analysis.check_in_reminders import ReminderError

    with pytest.raises(ReminderError, match="^slack: invalid_auth$"):
        data.remind_non_responders(str(db), post_id, "Please answer.", "kim", "internal-comms")
    with pytest.raises(ValueError, match="the marketing role may not send reminders"):
        data.remind_non_responders(str(db), post_id, "Please answer.", "mo", "marketing")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'reminder_sent'"
        ).fetchall() == [(0,)]


def test_internal_comms_send_it_from_the_page_and_see_only_counts(
    db_copy, internal_db, slack, monkeypatch
):
    db = db_copy(internal_db)
    _, missing = _check_in(db)
    app = run_page("push_pull", db, monkeypatch, QUARTER, role="internal-comms")
    assert not app.exception
    app.button(key="FormSubmitter:reminder-Send on Slack").click().run()
    assert not app.exception and not app.error
    assert [s.value for s in app.success] == [
        f"Sent: {len(missing):,} people reminded privately on Slack."
    ]
    assert len(_direct_messages(slack)) == len(missing)
    assert "we have not had your answer to the check-in" in next(
        iter(_direct_messages(slack).values())
    )


def test_without_a_token_the_page_says_how_to_set_one(db_copy, internal_db, slack, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    app = run_page("push_pull", db_copy(internal_db), monkeypatch, QUARTER, role="admin")
    app.button(key="FormSubmitter:reminder-Send on Slack").click().run()
    assert [e.value for e in app.error] == [
        "Not saved: slack: set SLACK_BOT_TOKEN (a bot token) to send reminders"
    ]
    assert slack.calls == []
