"""The executive report by e-mail: the HTML report as the message body and both files (HTML and
PDF) attached, sent through the SMTP relay the alerts already use (``[alerts.email]``)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dashboard.data import Filters
from dashboard.report import build_report, report_name
from dashboard.report_pdf import build_pdf
from socialpulse.config import AlertEmail


def report_message(
    f: Filters, email: AlertEmail, recipients: list[str], now: datetime | None = None
) -> EmailMessage:
    """The report of ``f``'s dates as one message to ``recipients``."""
    page = build_report(f, now)
    name = report_name(f)
    message = EmailMessage()
    message["Subject"] = f"SocialPulse executive report, {f.start:%-d %b %Y} to {f.end:%-d %b %Y}"
    message["From"] = email.sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="socialpulse")
    message.set_content(
        f"The SocialPulse executive report from {f.start:%-d %b %Y} to {f.end:%-d %b %Y} is "
        "attached as HTML and PDF."
    )
    message.add_alternative(page, subtype="html")
    message.add_attachment(page.encode("utf-8"), "text", "html", filename=name)
    message.add_attachment(
        build_pdf(f, now), "application", "pdf", filename=name.removesuffix(".html") + ".pdf"
    )
    return message
