"""Notifications against a real SMTP server and a real HTTP server, both on 127.0.0.1."""

import json
import logging
import shutil
import socket
import ssl
import subprocess
import threading
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from analysis.notify import notify_new_alerts, webhook_body
from analysis.spikes import describe_alert, detect_alerts, stored_alerts
from collectors.demo.calendar import DemoCalendar
from socialpulse.config import AlertEmail, Alerts, AlertWebhook, Settings
from socialpulse.warehouse import connect

WINDOW_START = pd.Timestamp("2026-09-15 08:00")
NOW = pd.Timestamp("2026-09-15 11:20")
POSTS = [
    ("x:1", "Northwind recalls the Trailhead jacket, zipper broke", "https://x.com/a/status/1"),
    ("x:2", "Trailhead recall: my zipper failed on day one", "https://x.com/b/status/2"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


class Recorder(BaseHTTPRequestHandler):
    """/ok answers 200, /flaky 503 once then 200, /down always 500, /bad 400."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server = self.server
        with server.lock:
            server.requests.append((self.path, self.headers["Content-Type"], body))
            tries = sum(1 for path, _, _ in server.requests if path == self.path)
        status = {"/ok": 200, "/flaky": 503 if tries == 1 else 200, "/down": 500, "/bad": 400}.get(
            self.path, 404
        )
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"no")

    def log_message(self, *args):
        pass


@pytest.fixture
def http():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests, server.lock = [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _paths(server) -> list[str]:
    return [path for path, _, _ in server.requests]


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    for post_id, text, url in POSTS:
        con.execute(
            "INSERT INTO posts (post_id, platform, native_id, channel_id, created_at, text, url, "
            "collected_at) VALUES (?, 'x', ?, 'x:public', ?, ?, ?, ?)",
            [post_id, post_id, WINDOW_START, text, url, WINDOW_START],
        )
    _add_alert(con)
    yield con
    con.close()


def _add_alert(con, start=WINDOW_START, hours=3, brand="Northwind"):
    con.execute(
        "INSERT INTO alerts (brand, kind, episode_key, window_start, window_end, observed, "
        "expected, top_terms, example_post_ids, created_at, status) "
        "VALUES (?, 'crisis', ?, ?, ?, 120, 3.04, ['recall', 'zipper', 'jacket'], "
        "['x:1', 'x:2'], ?, 'open')",
        [
            brand,
            f"{brand}|crisis|{start:%Y-%m-%dT%H:%M}",
            start,
            start + pd.Timedelta(hours=hours),
            NOW,
        ],
    )


def _settings(email: AlertEmail | None = None, hooks=(), **alerts) -> Settings:
    return Settings(
        alerts=Alerts(
            email=email,
            webhooks=list(hooks),
            retry_backoff_seconds=0.01,
            timeout_seconds=5,
            **alerts,
        )
    )


def _email(port: int, **extra) -> AlertEmail:
    return AlertEmail(
        host="127.0.0.1",
        port=port,
        sender="pulse@northwind.example",
        recipients=["crisis@northwind.example", "pr@northwind.example"],
        **extra,
    )


LINE = (
    "Northwind crisis: 120 negative mentions 08:00-11:00 UTC 15 Sep 2026, expected 3; "
    "top terms: recall, zipper, jacket"
)


def test_an_alert_goes_out_once_by_email_and_to_every_webhook_format(con, smtp, http):
    inbox, port = smtp
    server, base = http
    hooks = [AlertWebhook(url=f"{base}/ok", format=f) for f in ("slack", "teams", "json")]
    settings = _settings(_email(port), hooks)

    sent = notify_new_alerts(con, settings, now=NOW)

    assert list(sent["text"]) == [LINE] and sent.iloc[0]["error"] is None
    assert len(sent.iloc[0]["delivered"]) == 4
    (message,) = inbox.messages()
    assert message["Subject"] == LINE
    assert inbox.envelopes[0].rcpt_tos == ["crisis@northwind.example", "pr@northwind.example"]
    body = message.get_content()
    assert "Expected: 3 negative mentions" in body and "Top terms: recall, zipper, jacket" in body
    assert "https://x.com/a/status/1" in body and "zipper broke" in body
    slack, teams, plain = (body for _, _, body in server.requests)
    assert all(kind == "application/json" for _, kind, _ in server.requests)
    assert slack == {"text": LINE}
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["body"][0]["text"] == LINE
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Window"] == "08:00-11:00 UTC 15 Sep 2026"
    assert facts["Expected"] == "3 negative mentions"
    assert plain["text"] == LINE and plain["observed"] == 120 and plain["expected"] == 3.04
    assert plain["window_start"] == "2026-09-15T08:00:00Z"
    assert plain["top_terms"] == ["recall", "zipper", "jacket"]
    assert [e["url"] for e in plain["examples"]] == [url for _, _, url in POSTS]
    notified, error = con.execute("SELECT notified_at, notification_error FROM alerts").fetchall()[
        0
    ]
    assert notified is not None and error is None

    # Once per episode: the next runs send nothing, even when the episode grows.
    con.execute("UPDATE alerts SET observed = 300, window_end = window_end + INTERVAL 5 HOUR")
    assert notify_new_alerts(con, settings, now=NOW).empty
    assert len(inbox.envelopes) == 1 and len(server.requests) == 3


def test_a_flaky_endpoint_is_retried_and_delivers(con, http):
    server, base = http
    sent = notify_new_alerts(con, _settings(hooks=[AlertWebhook(url=f"{base}/flaky")]), now=NOW)

    assert _paths(server) == ["/flaky", "/flaky"]
    assert sent.iloc[0]["error"] is None
    assert con.execute("SELECT notified_at IS NOT NULL FROM alerts").fetchall()[0][0]


def test_an_endpoint_that_always_fails_is_retried_a_few_times_and_recorded(con, http, caplog):
    server, base = http
    hooks = [AlertWebhook(url=f"{base}/ok", format="slack"), AlertWebhook(url=f"{base}/down")]
    settings = _settings(hooks=hooks, retries=3)

    with caplog.at_level(logging.WARNING, logger="analysis.notify"):
        sent = notify_new_alerts(con, settings, now=NOW)

    assert _paths(server) == ["/ok", "/down", "/down", "/down"]
    assert "HTTP 500" in sent.iloc[0]["error"]
    notified, error = con.execute("SELECT notified_at, notification_error FROM alerts").fetchall()[
        0
    ]
    assert notified is not None  # Slack has it: it is never sent again, to anyone
    assert error.startswith("webhook 2 (json, 127.0.0.1:") and "HTTP 500" in error
    assert any(r.levelno == logging.ERROR and "after 3 tries" in r.message for r in caplog.records)
    assert not any("/down" in r.message for r in caplog.records)  # a webhook's path is secret
    notify_new_alerts(con, settings, now=NOW)
    assert len(server.requests) == 4


def test_when_no_endpoint_delivers_the_alert_stays_pending_for_the_next_run(con, http):
    server, base = http
    settings = _settings(hooks=[AlertWebhook(url=f"{base}/down")], retries=2)

    notify_new_alerts(con, settings, now=NOW)
    notified, error = con.execute("SELECT notified_at, notification_error FROM alerts").fetchall()[
        0
    ]
    assert notified is None and "HTTP 500" in error
    notify_new_alerts(con, settings, now=NOW)
    assert _paths(server) == ["/down"] * 4


def test_a_refusal_is_not_retried(con, http):
    server, base = http
    sent = notify_new_alerts(con, _settings(hooks=[AlertWebhook(url=f"{base}/bad")]), now=NOW)

    assert _paths(server) == ["/bad"]
    assert "HTTP 400" in sent.iloc[0]["error"]


def test_an_unreachable_relay_is_retried_then_recorded_without_raising(con):
    settings = _settings(_email(_free_port()), retries=2)  # nothing listens there

    sent = notify_new_alerts(con, settings, now=NOW)

    assert "ConnectionRefusedError" in sent.iloc[0]["error"]
    assert con.execute("SELECT notified_at FROM alerts").fetchall()[0][0] is None


def test_smtp_login_takes_the_password_from_the_environment(con, monkeypatch):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        email = _email(controller.port, username="pulse", password_variable="PULSE_SMTP_PASSWORD")
        monkeypatch.delenv("PULSE_SMTP_PASSWORD", raising=False)
        missing = notify_new_alerts(con, _settings(email), now=NOW)
        assert "PULSE_SMTP_PASSWORD is not set" in missing.iloc[0]["error"]
        monkeypatch.setenv("PULSE_SMTP_PASSWORD", "s3cret")
        sent = notify_new_alerts(con, _settings(email), now=NOW)
    finally:
        controller.stop()
    assert seen == [(b"pulse", b"s3cret")]
    assert sent.iloc[0]["error"] is None and len(inbox.envelopes) == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_starttls_with_a_private_certificate_authority(con, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        untrusted = notify_new_alerts(
            con, _settings(_email(controller.port, starttls=True)), now=NOW
        )
        trusted = notify_new_alerts(
            con, _settings(_email(controller.port, starttls=True, ca_file=str(cert))), now=NOW
        )
    finally:
        controller.stop()
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.iloc[0]["error"]  # not retried: permanent
    assert trusted.iloc[0]["error"] is None and len(inbox.envelopes) == 1


def test_episodes_that_ended_long_ago_are_history_not_news(con, http):
    server, base = http
    _add_alert(con, start=WINDOW_START - pd.Timedelta(days=30), brand="Summitline")

    sent = notify_new_alerts(con, _settings(hooks=[AlertWebhook(url=f"{base}/ok")]), now=NOW)

    assert list(sent["episode_key"]) == ["Northwind|crisis|2026-09-15T08:00"]
    old = con.execute(
        "SELECT notified_at, notification_error FROM alerts WHERE brand = 'Summitline'"
    ).fetchall()[0]
    assert old[0] is None and old[1].startswith("not sent: the episode ended over 24 h")


def test_nothing_configured_sends_nothing(con):
    assert notify_new_alerts(con, Settings(), now=NOW).empty
    assert con.execute("SELECT notified_at FROM alerts").fetchall()[0][0] is None


def test_every_body_is_json():
    alert = {
        "alert_id": 1,
        "brand": "Acme",
        "kind": "peak",
        "episode_key": "k",
        "window_start": pd.Timestamp("2026-04-14 15:00"),
        "window_end": pd.Timestamp("2026-04-15 09:00"),
        "observed": 33.0,
        "expected": 1.302,
        "top_terms": None,
        "example_post_ids": [],
        "status": "closed",
        "closed_at": pd.NaT,
        "notified_at": None,
    }
    for fmt in ("slack", "teams", "json"):
        assert json.loads(json.dumps(webhook_body(alert, fmt)))
    assert webhook_body(alert, "slack") == {"text": describe_alert(alert)}
    assert describe_alert(alert) == (
        "Acme peak: 33 mentions 15:00 14 Apr 2026 - 09:00 15 Apr 2026 UTC, expected 1.3"
    )
    assert webhook_body(alert, "json")["closed_at"] is None


def test_the_demo_crisis_reaches_slack_within_its_first_hours(db_copy, demo_db, http):
    warehouse = db_copy(demo_db)
    server, base = http
    crisis = pd.Timestamp(DemoCalendar().crisis)
    settings = _settings(hooks=[AlertWebhook(url=f"{base}/ok", format="slack")])
    con = connect(warehouse)
    try:
        detect_alerts(con, settings, now=crisis + pd.Timedelta(hours=3))
        notify_new_alerts(con, settings, now=crisis + pd.Timedelta(hours=3))
        detect_alerts(con, settings)  # the crisis grows and ends: no second message
        notify_new_alerts(con, settings)
        alerts = stored_alerts(con)
    finally:
        con.close()
    texts = [body["text"] for _, _, body in server.requests]
    assert len(texts) == 1 and texts[0].startswith("Northwind crisis: ")
    assert "UTC 15 Sep 2026" in texts[0]
    # The launch peak, months before the first run, was history: never sent.
    assert alerts.query("kind == 'peak'")["notified_at"].isna().all()
