"""``pulse report``: the executive report as HTML or PDF, written to a file or sent by e-mail,
once or on a schedule (``--every 1w``)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from socialpulse.cli.common import State, console, fail, one_line_errors, settings_or_fail
from socialpulse.cli.intake import parse_interval


def _period(text: str):
    from analysis.roi import parse_period
    from socialpulse.warehouse import open_warehouse

    with open_warehouse(State.db, read_only=True) as con:
        return parse_period(con, text)


def _send_once(period_text: str, out: Path | None, recipients: list[str], settings) -> None:
    """Build the report of the period (recomputed each time: ``last-3m`` moves with the data),
    write it and/or send it, and audit the sending."""
    from analysis.notify import DeliveryError, send_message
    from dashboard.data import Filters, write
    from dashboard.report import build_report
    from dashboard.report_mail import report_message
    from dashboard.report_pdf import build_pdf
    from socialpulse import audit

    period = _period(period_text)
    f = Filters(db=str(State.db), start=period.start, end=period.end)
    now = datetime.now()
    if out is not None:
        if out.suffix.lower() == ".pdf":
            out.write_bytes(build_pdf(f, now))
        else:
            out.write_text(build_report(f, now), encoding="utf-8")
        console.print(f"report {period.start} to {period.end} written to {out}", highlight=False)
    if recipients:
        email = settings.alerts.email
        message = report_message(f, email, recipients, now)
        try:
            refused = send_message(message, email, settings.alerts.timeout_seconds)
        except DeliveryError as error:
            fail(f"report e-mail via {email.host}:{email.port}: {error}")
        delivered = [r for r in recipients if r not in refused]
        write(
            str(State.db),
            lambda con: audit.record(
                con,
                audit.default_actor(),
                None,
                "report_sent",
                ", ".join(delivered),
                detail=f"{period.start} to {period.end}",
            ),
        )
        console.print(
            f"report {period.start} to {period.end} sent to {len(delivered)} of "
            f"{len(recipients)} recipients" + (f"; refused: {sorted(refused)}" if refused else ""),
            highlight=False,
        )


def report_command(
    period: Annotated[
        str,
        typer.Option(
            help="START:END (YYYY-MM-DD:YYYY-MM-DD) or last-3m, counted back from the "
            "last day of data."
        ),
    ] = "last-3m",
    out: Annotated[
        Path | None, typer.Option(help="Write the report to this file: .html or .pdf.")
    ] = None,
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help="Send it to this address (repeat for more), with the HTML and PDF attached, "
            "through [alerts.email]'s SMTP relay.",
        ),
    ] = None,
    every: Annotated[
        str | None, typer.Option(help="Send again every 1d, 1w... (Ctrl-C to stop).")
    ] = None,
) -> None:
    """The executive report (KPIs, crises, maturity, ROI), to a file or by e-mail."""
    recipients = list(email or [])
    if out is None and not recipients:
        fail("say where the report goes: --out FILE.html|FILE.pdf, or --email ADDRESS")
    settings = settings_or_fail()
    if recipients and settings.alerts.email is None:
        fail("--email needs an SMTP relay: set host and sender in \\[alerts.email]")
    interval = parse_interval(every) if every else None
    while True:
        with one_line_errors(ValueError):
            _send_once(period, out, recipients, settings)
        if interval is None:
            return
        console.print(f"next report in {every} (Ctrl-C to stop)", highlight=False)
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            raise typer.Exit(0) from None
