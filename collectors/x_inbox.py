"""X: the brand's own inbox, the mentions of its accounts and the replies they wrote.

Sprout Social's Smart Inbox is built on the first; response rate and time need the second (a
mention is answered when the brand's account replied to it). Both are user timelines
(``get_users_mentions``, ``get_users_tweets`` without reposts) paged by ``pagination_token``,
with the same fields, rows, cursors (the highest tweet id, sent back as ``since_id``) and
failure lines as the search. One key per account and timeline: ``@northwind mentions`` and
``@northwind replies``. The account's own posts are marked as owned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial

import requests
import tweepy

from collectors.base import Page
from collectors.registry import register
from collectors.twitter import SearchFailed, XCollector, _now
from socialpulse.config import Settings

TIMELINES = ("mentions", "replies")


class XInboxCollector(XCollector):
    name = "x-mentions"
    description = (
        "X mentions of the brand's own accounts ([sources] x_accounts) and their replies; "
        "needs X_BEARER_TOKEN"
    )

    def __init__(self, accounts: list[str], **options) -> None:
        super().__init__([], owned=accounts, **options)
        self.accounts = list(accounts)

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        client = self._client()
        for account in self.accounts:
            keys = [f"@{account} {timeline}" for timeline in TIMELINES]
            try:
                user_id = self._user_id(client, account)
                mentions = partial(client.get_users_mentions, user_id)
                replies = partial(client.get_users_tweets, user_id, exclude=["retweets"])
                for key, request in zip(keys, (mentions, replies), strict=True):
                    yield from self._pages(key, key, request, cursors.get(key), "pagination_token")
            except SearchFailed as failure:
                yield Page(keys[0], _now(), error=failure.line)
                if failure.fatal:
                    return

    def _user_id(self, client: tweepy.Client, account: str) -> str:
        """The account's numeric id; X answers an unknown name with errors and no data."""
        try:
            found = self._call(partial(client.get_user, username=account), {})
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise self._failure(error, f"account @{account}") from error
        user = found.get("data") or {}
        if not user.get("id"):
            detail = ((found.get("errors") or [{}])[0]).get("detail") or "no such account"
            raise SearchFailed(f"x @{account}: account not found: {detail}")
        return str(user["id"])


@register("x-mentions")
def build_x_inbox(settings: Settings) -> XInboxCollector:
    return XInboxCollector(settings.sources.x_accounts)
