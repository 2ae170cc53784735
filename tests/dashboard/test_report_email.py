"""`pulse report`: the executive report, with the September crisis told in figures and words, as
HTML and PDF, written to a file or sent by e-mail on a schedule to a real SMTP server on
127.0.0.1."""

import io
import os
import subprocess
import sys
import time

import duckdb
from pypdf import PdfReader

from tests.analysis.test_notify import Inbox, _free_port

PERIOD = "2026-08-01:2026-10-31"


def _config(tmp_path, port: int):
    config = tmp_path / "socialpulse.toml"
    config.write_text(
        f'[alerts.email]\nhost = "127.0.0.1"\nport = {port}\nsender = "pulse@example.org"\n'
        'recipients = ["alerts@example.org"]\n'
    )
    return config


def _pulse(db, config, *args, **options):
    env = {**os.environ, "SOCIALPULSE_CONFIG": str(config)}
    command = [sys.executable, "-m", "socialpulse.cli", "--db", str(db), "report", *args]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **options
    )


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_report_tells_the_crisis_in_html_and_pdf(db_copy, internal_db, tmp_path):
    db = db_copy(internal_db)
    config = _config(tmp_path, _free_port())
    with duckdb.connect(str(db), read_only=True) as con:
        observed, hours, terms = con.execute(
            "SELECT observed, date_diff('minute', window_start, window_end) / 60, top_terms "
            "FROM alerts WHERE kind = 'crisis'"
        ).fetchall()[0]
    for name in ("report.html", "report.pdf"):
        run = _pulse(db, config, "--period", PERIOD, "--out", str(tmp_path / name))
        assert run.wait(timeout=120) == 0, run.stdout.read()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>Crises</h2><h3>Northwind crisis, 15 Sep 2026</h3>" in html
    story = f"{observed:,.0f} negative mentions of Northwind arrived within {hours:.0f} hours"
    assert story in html and f"people wrote about {', '.join(terms[:3])}" in html
    assert "nobody has acknowledged it yet" in html
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(_pdf_text(pdf).split())
    for heading in ("KPIs against targets", "Crises", "Maturity: stage", "Return on investment"):
        assert heading in text
    assert story in text


def test_the_report_is_sent_by_email_on_a_schedule_and_audited(db_copy, internal_db, tmp_path):
    from aiosmtpd.controller import Controller

    db = db_copy(internal_db)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    run = _pulse(
        db,
        _config(tmp_path, controller.port),
        "--period",
        PERIOD,
        "--email",
        "ceo@example.org",
        "--email",
        "comms@example.org",
        "--every",
        "1s",
    )
    try:
        deadline = time.monotonic() + 120
        while len(inbox.envelopes) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
    finally:
        run.terminate()
        output = run.communicate(timeout=30)[0]
        controller.stop()
    assert len(inbox.envelopes) >= 2, output  # sent, then sent again a second later
    assert inbox.envelopes[0].rcpt_tos == ["ceo@example.org", "comms@example.org"]
    message = inbox.messages()[0]
    assert message["Subject"] == "SocialPulse executive report, 1 Aug 2026 to 31 Oct 2026"
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {
        "socialpulse-report-2026-08-01-to-2026-10-31.html",
        "socialpulse-report-2026-08-01-to-2026-10-31.pdf",
    }
    assert "Northwind crisis, 15 Sep 2026" in _pdf_text(
        files[next(n for n in files if n.endswith(".pdf"))]
    )
    assert "report 2026-08-01 to 2026-10-31 sent to 2 of 2 recipients" in output
    with duckdb.connect(str(db), read_only=True) as con:
        sent = con.execute(
            "SELECT target, detail FROM audit_log WHERE action = 'report_sent'"
        ).fetchall()
    assert sent[0] == ("ceo@example.org, comms@example.org", "2026-08-01 to 2026-10-31")


def test_an_unreachable_relay_is_one_line_naming_it(internal_db, tmp_path):
    port = _free_port()  # nothing listens there
    run = _pulse(internal_db, _config(tmp_path, port), "--email", "ceo@example.org")
    assert run.wait(timeout=120) == 1
    lines = [line for line in run.stdout.read().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and f"report e-mail via 127.0.0.1:{port}" in lines[0]
