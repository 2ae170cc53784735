"""Alert notifications: e-mail through SMTP and JSON webhooks, each alert sent once per episode.

- **Once**: ``notified_at`` is set as soon as one endpoint delivered the alert, and an alert with
  ``notified_at`` is never sent again, even as its episode grows. If every endpoint failed, nobody
  has it yet: it stays pending and the next run tries again, which duplicates nothing.
- **Failures** never stop the analysis. A transient one (no connection, a timeout, HTTP 408, 429
  or 5xx, an SMTP 4xx reply) is retried ``retries`` times with a doubling pause; a permanent one
  (HTTP 4xx, an SMTP 5xx reply, a missing password) is not. Each is logged and kept in
  ``notification_error``. Endpoints are named by host only in logs: a webhook's path is its
  secret.
- **History is not news**: an episode that ended more than ``notify_max_age_hours`` before the
  newest post (the first run over a year of history finds many) is recorded as not sent.
- **Formats**: Slack incoming webhooks get ``{"text": ...}``; Teams (incoming webhooks and
  Workflows) a ``message`` with an Adaptive Card attachment; 'json' the alert's fields.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import requests

from analysis.spikes import ALERT_COLUMNS, data_clock, describe_alert, naive_utc, window_text
from socialpulse.config import AlertEmail, Alerts, AlertWebhook, Settings

log = logging.getLogger(__name__)

RETRY_HTTP_STATUS = frozenset({408, 425, 429})
SNIPPET = 140  # characters of an example post shown in a message
KIND_MEANING = {
    "crisis": "negative mentions far above the brand's own baseline",
    "peak": "mentions far above the brand's own baseline",
}


class DeliveryError(Exception):
    """An endpoint did not take the alert; ``transient`` says whether trying again may help."""

    def __init__(self, message: str, transient: bool):
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Endpoint:
    name: str
    send: Callable[[Mapping[str, Any]], None]


def notify_new_alerts(
    con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime | None = None
) -> pd.DataFrame:
    """Send every alert not yet notified to every configured endpoint; record the outcome.

    ``now`` (UTC, default: the newest post's time, as for detection) decides which episodes
    are too old to send. Returns one row per alert tried: alert_id, episode_key, text,
    delivered (endpoint names), error.
    """
    config = settings.alerts
    endpoints = configured_endpoints(config)
    outcome = pd.DataFrame(columns=["alert_id", "episode_key", "text", "delivered", "error"])
    if not endpoints:
        return outcome
    pending = _pending(con, config, now)
    rows = []
    for alert in pending.to_dict("records"):
        delivered, errors = [], []
        for endpoint in endpoints:
            error = deliver(endpoint, alert, config)
            if error:
                errors.append(error)
            else:
                delivered.append(endpoint.name)
        _record(con, alert["alert_id"], delivered, errors)
        rows.append(
            {
                "alert_id": alert["alert_id"],
                "episode_key": alert["episode_key"],
                "text": describe_alert(alert),
                "delivered": delivered,
                "error": "; ".join(errors) or None,
            }
        )
    return pd.DataFrame(rows, columns=outcome.columns) if rows else outcome


def configured_endpoints(config: Alerts) -> list[Endpoint]:
    """The e-mail relay first, then each webhook in configuration order."""
    endpoints = []
    if config.email is not None:
        email = config.email
        endpoints.append(
            Endpoint(
                f"e-mail via {email.host}:{email.port}",
                lambda alert: send_email(alert, email, config.timeout_seconds),
            )
        )
    for number, hook in enumerate(config.webhooks, start=1):
        endpoints.append(
            Endpoint(
                f"webhook {number} ({hook.format}, {urlsplit(hook.url).netloc})",
                lambda alert, hook=hook: post_webhook(alert, hook, config.timeout_seconds),
            )
        )
    return endpoints


def deliver(endpoint: Endpoint, alert: Mapping[str, Any], config: Alerts) -> str | None:
    """Send through one endpoint, retrying transient failures; the error text, or None."""
    pause = config.retry_backoff_seconds
    for attempt in range(1, config.retries + 1):
        try:
            endpoint.send(alert)
            return None
        except DeliveryError as error:
            if not error.transient or attempt == config.retries:
                log.error(
                    "alert %s not sent through %s after %d tr%s: %s",
                    alert["episode_key"],
                    endpoint.name,
                    attempt,
                    "y" if attempt == 1 else "ies",
                    error,
                )
                return f"{endpoint.name}: {error}"
            log.warning(
                "alert %s: %s failed (try %d of %d), retrying in %.1fs: %s",
                alert["episode_key"],
                endpoint.name,
                attempt,
                config.retries,
                pause,
                error,
            )
            time.sleep(pause)
            pause *= 2
    return None  # unreachable: retries >= 1


def _pending(con: duckdb.DuckDBPyConnection, config: Alerts, now: datetime | None) -> pd.DataFrame:
    """Alerts never delivered whose episode is recent enough to be news, with the links and
    texts of their example posts. Older ones are marked as not sent, once."""
    clock = naive_utc(now) if now is not None else data_clock(con)
    if clock is None:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    oldest = clock - pd.Timedelta(hours=config.notify_max_age_hours)
    con.execute(
        "UPDATE alerts SET notification_error = ? WHERE notified_at IS NULL "
        "AND notification_error IS NULL AND window_end < ?",
        [
            f"not sent: the episode ended over {config.notify_max_age_hours} h before the "
            "newest data",
            oldest,
        ],
    )
    return con.execute(
        f"""
        SELECT {", ".join(f"a.{c}" for c in ALERT_COLUMNS)},
               coalesce((SELECT list({{'url': p.url, 'text': p.text}}
                                     ORDER BY list_position(a.example_post_ids, p.post_id))
                         FROM posts p WHERE list_contains(a.example_post_ids, p.post_id)), [])
                   AS examples
        FROM alerts a
        WHERE a.notified_at IS NULL AND a.window_end >= ?
        ORDER BY a.window_start, a.alert_id
        """,
        [oldest],
    ).df()


def _record(
    con: duckdb.DuckDBPyConnection, alert_id: int, delivered: list[str], errors: list[str]
) -> None:
    con.execute(
        "UPDATE alerts SET notified_at = CASE WHEN ? THEN ?::TIMESTAMP ELSE notified_at END, "
        "notification_error = ? WHERE alert_id = ?",
        [
            bool(delivered),
            datetime.now(UTC).replace(tzinfo=None),
            "; ".join(errors) or None,
            alert_id,
        ],
    )


def _examples(alert: Mapping[str, Any]) -> list[dict]:
    examples = alert.get("examples")
    return [dict(e) for e in examples] if examples is not None else []


def _snippet(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")


def _facts(alert: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What every format shows besides the one line, in reading order."""
    terms = alert.get("top_terms")
    what = "negative mentions" if alert["kind"] == "crisis" else "mentions"
    return [
        ("Brand", str(alert["brand"])),
        ("Kind", f"{alert['kind']} ({KIND_MEANING.get(alert['kind'], alert['kind'])})"),
        ("Window", window_text(alert["window_start"], alert["window_end"])),
        ("Observed", f"{_count(float(alert['observed']))} {what}"),
        ("Expected", f"{_count(float(alert['expected']))} {what}"),
        ("Top terms", ", ".join(terms) if terms is not None and len(terms) else "none"),
        ("Status", str(alert["status"])),
    ]


def email_message(alert: Mapping[str, Any], email: AlertEmail) -> EmailMessage:
    """A plain-text e-mail whose subject is the alert's one line."""
    message = EmailMessage()
    message["Subject"] = describe_alert(alert)
    message["From"] = email.sender
    message["To"] = ", ".join(email.recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=email.sender.rpartition("@")[2] or None)
    lines = [describe_alert(alert), ""]
    lines += [f"{name}: {value}" for name, value in _facts(alert)]
    examples = _examples(alert)
    if examples:
        lines += ["", "Example mentions:"]
        lines += [f"- {_snippet(e['text'])}\n  {e['url'] or '(no link)'}" for e in examples]
    lines += ["", f"Episode {alert['episode_key']}: sent once, however long it lasts."]
    message.set_content("\n".join(lines))
    return message


def send_email(alert: Mapping[str, Any], email: AlertEmail, timeout: float) -> None:
    """Send the alert through the SMTP relay (STARTTLS and login when configured)."""
    refused = send_message(email_message(alert, email), email, timeout)
    if refused:
        log.warning("alert %s: recipients refused: %s", alert["episode_key"], sorted(refused))


def send_message(message: EmailMessage, email: AlertEmail, timeout: float) -> dict:
    """Send one message through the configured SMTP relay; the recipients it refused (the others
    got it). Raise ``DeliveryError``, transient or not, when nobody got it."""
    password = None
    if email.username and email.password_variable:
        password = os.environ.get(email.password_variable)
        if password is None:
            raise DeliveryError(
                f"environment variable {email.password_variable} is not set", transient=False
            )
    try:
        with smtplib.SMTP(email.host, email.port, timeout=timeout) as smtp:
            if email.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=email.ca_file))
            if email.username:
                smtp.login(email.username, password or "")
            return smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise DeliveryError(
            f"all recipients refused: {codes}", transient=all(400 <= c < 500 for c in codes)
        ) from None
    except smtplib.SMTPResponseException as error:
        message = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        raise DeliveryError(
            f"SMTP {error.smtp_code} {message}", transient=400 <= error.smtp_code < 500
        ) from None
    except (smtplib.SMTPNotSupportedError, ssl.SSLError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", transient=False) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", transient=True) from None


def webhook_body(alert: Mapping[str, Any], format: str) -> dict:
    """The JSON body for a webhook of ``format`` ('slack', 'teams' or 'json')."""
    text = describe_alert(alert)
    if format == "slack":
        return {"text": text}
    if format == "teams":
        return _teams_card(alert, text)
    fields = {c: _plain(alert.get(c)) for c in ALERT_COLUMNS if c in alert}
    return {"text": text, **fields, "examples": _examples(alert)}


def _plain(value: Any) -> Any:
    """JSON-ready: timestamps as ISO 8601 (UTC), arrays as lists, missing values as null."""
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat() + "Z"
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _teams_card(alert: Mapping[str, Any], text: str) -> dict:
    """An Adaptive Card in the message envelope that Teams incoming webhooks and Workflows'
    'when a webhook request is received' accept."""
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": text,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": "Attention" if alert["kind"] == "crisis" else "Accent",
        },
        {"type": "FactSet", "facts": [{"title": n, "value": v} for n, v in _facts(alert)]},
    ]
    examples = _examples(alert)
    if examples:
        body.append({"type": "TextBlock", "text": "Example mentions", "weight": "Bolder"})
        body += [
            {
                "type": "TextBlock",
                "wrap": True,
                "text": f"[{_snippet(e['text'])}]({e['url']})" if e["url"] else _snippet(e["text"]),
            }
            for e in examples
        ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def post_webhook(alert: Mapping[str, Any], hook: AlertWebhook, timeout: float) -> None:
    """POST the alert as JSON; any 2xx reply is a delivery."""
    try:
        response = requests.post(hook.url, json=webhook_body(alert, hook.format), timeout=timeout)
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as error:
        raise DeliveryError(f"bad webhook address: {error}", transient=False) from None
    except requests.RequestException as error:
        raise DeliveryError(type(error).__name__, transient=True) from None
    if not 200 <= response.status_code < 300:
        status = response.status_code
        raise DeliveryError(
            f"HTTP {status} {response.text[:200]}".strip(),
            transient=status >= 500 or status in RETRY_HTTP_STATUS,
        )
