"""The WebSub subscriptions `pulse listen` keeps: ask, verify, renew before the lease ends, and
unsubscribe a feed that left the configuration.

Every change is a row of ``websub_subscriptions`` written through the intake writer, so a
restart picks up the leases it had (and the secrets, derived again from the stored nonces) and
only asks hubs for what is missing or about to lapse. Each subscription has its own callback
address (``/websub/<token>``), so a delivery or a verification names the subscription it is for.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
import requests

from collectors.websub import (
    WebSubError,
    discover,
    new_nonce,
    request_subscription,
    subscription_secret,
)
from socialpulse.config import Feed, Listen
from socialpulse.live.writer import IntakeWriter

log = logging.getLogger(__name__)
COLUMNS = (
    "topic, feed_url, hub, callback, secret_nonce, state, lease_seconds, requested_at, "
    "verified_at, expires_at"
)
# A request the hub has not verified within this long is asked again.
VERIFY_WITHIN = timedelta(minutes=2)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def callback_token(topic: str) -> str:
    return hashlib.sha256(topic.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Subscription:
    topic: str
    feed_url: str
    hub: str
    callback: str
    secret_nonce: str
    state: str
    lease_seconds: int | None
    requested_at: datetime
    verified_at: datetime | None
    expires_at: datetime | None

    @property
    def token(self) -> str:
        return callback_token(self.topic)


class SubscriptionBook:
    """The stored subscriptions, cached, and the hub requests that change them."""

    def __init__(
        self,
        writer: IntakeWriter,
        key: bytes,
        config: Listen,
        feeds: list[Feed],
        callback_base: str,
        session: requests.Session | None = None,
    ) -> None:
        self.writer, self.key, self.config = writer, key, config
        self.feeds = {feed.url: feed for feed in feeds}
        self.callback_base = callback_base.rstrip("/")
        self.session = session or requests.Session()
        self._lock = threading.Lock()
        self._by_token: dict[str, Subscription] = {}
        self.reload()

    def reload(self) -> None:
        rows = self.writer.call(
            lambda con: con.execute(f"SELECT {COLUMNS} FROM websub_subscriptions").df()
        ).result()
        subscriptions = [Subscription(**_plain(row)) for row in rows.to_dict("records")]
        with self._lock:
            self._by_token = {s.token: s for s in subscriptions}

    def all(self) -> list[Subscription]:
        with self._lock:
            return list(self._by_token.values())

    def by_token(self, token: str) -> Subscription | None:
        with self._lock:
            return self._by_token.get(token)

    def secret(self, subscription: Subscription) -> str:
        return subscription_secret(self.key, subscription.topic, subscription.secret_nonce)

    def feed_of(self, subscription: Subscription) -> Feed:
        return self.feeds.get(subscription.feed_url) or Feed(url=subscription.feed_url)

    # The hub's calls to the callback ------------------------------------------------------

    def verify(self, token: str, mode: str, topic: str, lease_seconds: int | None) -> bool:
        """Whether we asked for this (WebSub 5.3); a confirmed subscribe starts its lease, a
        confirmed unsubscribe removes the row."""
        subscription = self.by_token(token)
        if subscription is None or subscription.topic != topic:
            return False
        if mode == "subscribe" and subscription.state in ("requested", "active"):
            now = _now()
            lease = lease_seconds or self.config.lease_seconds
            self._write(
                "UPDATE websub_subscriptions SET state = 'active', verified_at = ?, "
                "lease_seconds = ?, expires_at = ?, error = NULL WHERE topic = ?",
                [now, lease, now + timedelta(seconds=lease), topic],
            )
            return True
        if mode == "unsubscribe" and subscription.state == "unsubscribing":
            self._write("DELETE FROM websub_subscriptions WHERE topic = ?", [topic])
            return True
        return False

    def denied(self, token: str, topic: str, reason: str) -> None:
        subscription = self.by_token(token)
        if subscription is not None and subscription.topic == topic:
            log.warning("websub %s: the hub denied the subscription: %s", topic, reason)
            self._write(
                "UPDATE websub_subscriptions SET state = 'denied', error = ? WHERE topic = ?",
                [reason[:500], topic],
            )

    # Our calls to the hubs -----------------------------------------------------------------

    def sync(self, now: datetime | None = None) -> list[str]:
        """Subscribe configured feeds that have a hub and no live lease, renew leases near their
        end, unsubscribe feeds no longer configured. Returns one line per problem or feed left
        to polling; a failing feed or hub never stops the others."""
        now = now or _now()
        lines: list[str] = []
        stored = {s.feed_url: s for s in self.all()}
        for feed in self.feeds.values():
            subscription = stored.get(feed.url)
            if subscription is not None and not self._needs_request(subscription, now):
                continue
            try:
                discovery = discover(feed.url, self.session)
                if discovery is None:
                    lines.append(f"websub {feed.url}: names no hub, so it stays polled")
                    continue
                self._subscribe(feed, discovery.hub, discovery.topic, subscription, now)
            except WebSubError as error:
                lines.append(str(error))
        for subscription in stored.values():
            if subscription.feed_url not in self.feeds and subscription.state != "unsubscribing":
                try:
                    self._unsubscribe(subscription)
                except WebSubError as error:
                    lines.append(str(error))
        return lines

    def _needs_request(self, subscription: Subscription, now: datetime) -> bool:
        if subscription.state == "denied":
            return False  # a person reads why in `pulse status` before asking again
        if subscription.state in ("requested", "unsubscribing"):
            return now - subscription.requested_at >= VERIFY_WITHIN
        if subscription.expires_at is None or not subscription.lease_seconds:
            return True
        margin = timedelta(seconds=self.config.renew_margin * subscription.lease_seconds)
        return now >= subscription.expires_at - margin

    def _subscribe(
        self, feed: Feed, hub: str, topic: str, previous: Subscription | None, now: datetime
    ) -> None:
        same_topic = previous is not None and previous.topic == topic
        nonce = previous.secret_nonce if same_topic else new_nonce()
        callback = f"{self.callback_base}/websub/{callback_token(topic)}"
        state = previous.state if same_topic and previous.state == "active" else "requested"

        def store(con) -> None:
            if previous is not None and not same_topic:
                con.execute("DELETE FROM websub_subscriptions WHERE topic = ?", [previous.topic])
            con.execute(
                "INSERT INTO websub_subscriptions (topic, feed_url, hub, callback, secret_nonce, "
                "state, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (topic) DO UPDATE "
                "SET feed_url = excluded.feed_url, hub = excluded.hub, callback = "
                "excluded.callback, state = excluded.state, requested_at = excluded.requested_at",
                [topic, feed.url, hub, callback, nonce, state, now],
            )

        self.writer.call(store).result()
        self.reload()
        request_subscription(
            self.session,
            hub,
            mode="subscribe",
            topic=topic,
            callback=callback,
            secret=subscription_secret(self.key, topic, nonce),
            lease_seconds=self.config.lease_seconds,
        )

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._write(
            "UPDATE websub_subscriptions SET state = 'unsubscribing', requested_at = ? "
            "WHERE topic = ?",
            [_now(), subscription.topic],
        )
        request_subscription(
            self.session,
            subscription.hub,
            mode="unsubscribe",
            topic=subscription.topic,
            callback=subscription.callback,
        )

    def _write(self, sql: str, params: list) -> None:
        self.writer.call(lambda con: con.execute(sql, params)).result()
        self.reload()


def _plain(row: dict) -> dict:
    """A stored row with pandas' missing values as None and timestamps as datetimes."""
    plain = {}
    for name, value in row.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            plain[name] = None
        elif isinstance(value, pd.Timestamp):
            plain[name] = value.to_pydatetime()
        else:
            plain[name] = int(value) if name == "lease_seconds" else value
    return plain
