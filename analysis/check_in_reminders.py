"""Remind the people who have not answered a check-in, privately, without anyone seeing who.

Internal communications need to follow up on a crisis check-in, but the warehouse holds keyed
pseudonyms, not people, and showing names would break the privacy the import promised. So the
follow-up goes the other way: SocialPulse asks Slack for the workspace's members, computes each
member's pseudonym with the same key and the same rule as the import (the email when the profile
has one, else ``slack:<user id>`` through the directory's aliases), and sends a direct message to
each member whose pseudonym is on the list. The names never leave Slack: the person who presses
the button learns how many were reminded and how many could not be reached, and the audit log
keeps those counts, never the list.

Slack is reached with its own client (``slack_sdk``) and a bot token with ``users:read``,
``users:read.email``, ``im:write`` and ``chat:write`` (``SLACK_BOT_TOKEN``). Teams and Viva Engage
offer no such lookup to a self-hosted app without tenant-wide Graph consent, so they are not
offered (a channel post would reveal who was left out).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import duckdb
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from analysis.push_pull import non_responders
from socialpulse.privacy import pseudonymise

log = logging.getLogger(__name__)
TOKEN_VARIABLE = "SLACK_BOT_TOKEN"
API_VARIABLE = "SLACK_API_URL"  # another Slack API base (a proxy, or a test server)


class ReminderError(ValueError):
    """A reminder run that could not start or stopped: one line, naming Slack (a ValueError,
    since the user fixes it: a token, a scope, a network)."""


@dataclass(frozen=True)
class Reminded:
    reminded: int
    unreachable: int  # on the list but not found in the workspace (or not reachable by DM)


def slack_client() -> WebClient:
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise ReminderError(f"slack: set {TOKEN_VARIABLE} (a bot token) to send reminders")
    base = os.environ.get(API_VARIABLE, WebClient.BASE_URL)
    return WebClient(token=token, base_url=base, timeout=15)


def _members(client: WebClient) -> list[dict]:
    members, cursor = [], None
    while True:
        page = client.users_list(cursor=cursor, limit=200)
        members += page["members"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members


def member_ids(
    members: list[dict], wanted: set[str], key: bytes, aliases: dict[str, str]
) -> dict[str, str]:
    """Pseudonym -> Slack user id for the members whose pseudonym is ``wanted``: computed as
    the import computes it, so the same person matches and nobody else does."""
    found = {}
    for member in members:
        if member.get("deleted") or member.get("is_bot"):
            continue
        email = ((member.get("profile") or {}).get("email") or "").strip()
        if email:
            pseudonym = pseudonymise(email, key)
        else:
            alias = pseudonymise(f"slack:{member['id']}", key)
            pseudonym = aliases.get(alias, alias)
        if pseudonym in wanted:
            found[pseudonym] = member["id"]
    return found


def remind_non_responders(
    con: duckdb.DuckDBPyConnection,
    post_id: str,
    text: str,
    key: bytes,
    client: WebClient,
    people: set[str] | None = None,
) -> Reminded:
    """Send ``text`` as a direct message to each person who has not answered check-in
    ``post_id`` (only ``people`` among them when given: the sidebar's selection)."""
    if not text.strip():
        raise ValueError("write the reminder's text first")
    wanted = set(non_responders(con, post_id)["pseudonym"])
    if people is not None:
        wanted &= people
    aliases = dict(con.execute("SELECT alias_id, person_id FROM person_aliases").fetchall())
    try:
        ids = member_ids(_members(client), wanted, key, aliases)
        for user in ids.values():
            channel = client.conversations_open(users=user)["channel"]["id"]
            client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:
        raise ReminderError(f"slack: {error.response.get('error', 'refused')}") from None
    except OSError as error:
        raise ReminderError(f"slack: {type(error).__name__}: {error}") from None
    log.info(
        "check-in %s: %d reminded, %d not reachable", post_id, len(ids), len(wanted) - len(ids)
    )
    return Reminded(len(ids), len(wanted) - len(ids))
