"""WebSub (W3C, the successor of PubSubHubbub), the subscriber's side of the protocol.

A feed that names a hub is pushed to us the moment its publisher pings the hub, instead of being
polled every 15 minutes. This module holds the protocol's pure parts and its two requests;
``socialpulse.live`` runs the callback endpoint and keeps the leases.

- **Discovery** (WebSub 4): the hub and the topic (the feed's canonical address) from the HTTP
  ``Link`` header, else from the feed's own ``<link rel="hub">``/``<link rel="self">`` (Atom, or
  ``atom:link`` inside RSS). The topic, not the configured address, is what the hub knows.
- **Secrets** (5.1): one per subscription, derived from the installation's key and a nonce, so
  only the nonce is stored and a copy of the warehouse cannot forge a delivery.
- **Signatures** (8): ``X-Hub-Signature: method=hex`` is an HMAC of the raw body with that
  secret; sha1, sha256, sha384 and sha512 are the methods the specification names. A delivery
  that fails the check is refused before anything is parsed or written.
- **Content** (7): a pushed body is the feed, or its new entries, in the feed's format; it is
  parsed by feedparser into the very payload the RSS poll builds, so a story seen by poll and
  by push is one post (same identity, dedup and brand matching).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import feedparser
import requests

from collectors.base import SKIPPED, Page, Rows
from collectors.rss import USER_AGENT, feed_payload, parse_feed
from socialpulse.config import Feed

SIGNATURE_METHODS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


class WebSubError(RuntimeError):
    """One line naming the feed or hub that failed and why."""


@dataclass(frozen=True)
class Discovery:
    hub: str
    topic: str


def discover(feed_url: str, session: requests.Session, timeout: float = 20.0) -> Discovery | None:
    """The feed's hub and topic, or None when it names no hub (it stays polled)."""
    try:
        response = session.get(feed_url, timeout=timeout, headers={"User-Agent": USER_AGENT})
    except requests.RequestException as error:
        raise WebSubError(f"websub {feed_url}: {str(error).splitlines()[0][:200]}") from error
    if response.status_code != 200:
        raise WebSubError(f"websub {feed_url}: HTTP {response.status_code} {response.reason}")
    links = response.links  # requests parses the Link header, keyed by rel
    hub, topic = links.get("hub", {}).get("url"), links.get("self", {}).get("url")
    if not hub:
        parsed = feedparser.parse(response.content)
        by_rel = {link.get("rel"): link.get("href") for link in parsed.feed.get("links", [])}
        hub, topic = by_rel.get("hub"), topic or by_rel.get("self")
    if not hub:
        return None
    return Discovery(hub=hub, topic=topic or feed_url)


def new_nonce() -> str:
    return secrets.token_hex(16)


def subscription_secret(key: bytes, topic: str, nonce: str) -> str:
    """The subscription's secret: keyed by the installation, separated from the pseudonyms the
    same key makes by its prefix, under the 200 bytes hubs accept."""
    message = b"websub\0" + topic.encode() + b"\0" + nonce.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, header: str | None, body: bytes) -> bool:
    """Whether ``X-Hub-Signature`` is the HMAC of ``body`` under ``secret``; a missing header or
    an unknown method is not."""
    method, _, digest = (header or "").partition("=")
    algorithm = SIGNATURE_METHODS.get(method.strip().lower())
    if algorithm is None or not digest:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def request_subscription(
    session: requests.Session,
    hub: str,
    *,
    mode: str,
    topic: str,
    callback: str,
    secret: str | None = None,
    lease_seconds: int | None = None,
    timeout: float = 20.0,
) -> None:
    """Ask ``hub`` to (un)subscribe ``callback`` to ``topic`` (WebSub 5.1); the hub answers 202
    and then verifies our intent by calling the callback."""
    form = {"hub.mode": mode, "hub.topic": topic, "hub.callback": callback}
    if secret:
        form["hub.secret"] = secret
    if lease_seconds:
        form["hub.lease_seconds"] = str(lease_seconds)
    try:
        response = session.post(hub, data=form, timeout=timeout)
    except requests.RequestException as error:
        raise WebSubError(f"websub hub {hub}: {str(error).splitlines()[0][:200]}") from error
    if response.status_code not in (202, 204):
        reason = " ".join(response.text.split())[:200]
        raise WebSubError(f"websub hub {hub}: {mode} {topic}: HTTP {response.status_code} {reason}")


def pushed_page(feed: Feed, body: bytes, headers: Mapping[str, str], received_at: datetime) -> Page:
    """A delivery as the RSS collector's page for ``feed``: the same payload a poll builds, so
    ``RssCollector.to_rows`` makes the same rows. An unparseable body has no entries and an
    error naming the feed."""
    parsed = parse_feed(body, headers)
    error = None
    if parsed.bozo and not parsed.entries:
        reason = str(parsed.get("bozo_exception", "ill-formed feed")).splitlines()[0]
        error = f"websub {feed.url}: unreadable delivery: {reason}"
    return Page(feed.url, received_at, payload=feed_payload(feed, parsed), error=error)


def delivery_rows(
    feed: Feed, body: bytes, headers: Mapping[str, str], received_at: datetime
) -> tuple[Rows, str | None]:
    """A delivery's rows and its error line if any: the CPU-bound part of a push (feedparser
    and the rows), run in a process of its own so that deliveries parse on every core while the
    listener's process answers hubs and writes."""
    from collectors.rss import feed_to_rows

    page = pushed_page(feed, body, headers, received_at)
    rows = {k: v for k, v in feed_to_rows(page.payload, received_at).items() if k != SKIPPED}
    return rows, page.error
