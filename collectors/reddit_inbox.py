"""Reddit: the brand's own inbox, the username mentions of its account and the comments it wrote.

Reading an inbox needs the account itself: a script app's credentials plus the account's
password (``REDDIT_PASSWORD``) for ``[sources] reddit_account``. Two keys, ``u/<name> mentions``
(``inbox.mentions()``) and ``u/<name> comments`` (its comments, newest first), each with the
newest ``created_utc`` as its cursor, read again at ``>=``. A mention arrives without its
submission's id: it is derived from the mention's ``context`` link, so the mention joins its
thread. The account is marked as owned, as the subreddit collector marks it too: its comment
replying to a mention is the brand's answer in response rate and time. Failures are one line
each, as for the subreddits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import partial

from collectors.base import Page
from collectors.reddit import CredentialsRejected, RedditCollector, _now, items_page, newer_than
from collectors.reddit_rows import to_item
from collectors.registry import register
from socialpulse.config import Settings

REJECTED_LOGIN = (
    "reddit: credentials rejected ({}): check REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, "
    "REDDIT_PASSWORD and [sources] reddit_account"
)
NO_ACCOUNT = "reddit-mentions: no account to read: set [sources] reddit_account in socialpulse.toml"


class RedditInboxCollector(RedditCollector):
    name = "reddit-mentions"
    description = (
        "Reddit username mentions of the brand's own account ([sources] reddit_account) "
        "and its comments; needs the app's credentials and REDDIT_PASSWORD"
    )
    credentials = (*RedditCollector.credentials, "REDDIT_PASSWORD")
    rejected = REJECTED_LOGIN

    def __init__(self, account: str | None, limit: int = 100, **options) -> None:
        super().__init__([], [], limit, owned=[account] if account else [], **options)
        self.account = account

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        if not self.account:
            yield Page("u/", _now(), error=NO_ACCOUNT)
            return
        reddit = self._reddit(username=self.account, password=os.environ["REDDIT_PASSWORD"])
        listings = {
            f"u/{self.account} mentions": lambda: reddit.inbox.mentions(limit=self.limit),
            f"u/{self.account} comments": lambda: reddit.redditor(self.account).comments.new(
                limit=self.limit
            ),
        }
        for key, listing in listings.items():
            cursor = cursors.get(key)
            read = partial(self._read, key, listing, float(cursor) if cursor else None)
            try:
                yield self._fetch_with_retries(key, read)
            except CredentialsRejected as error:
                yield Page(key, _now(), error=str(error))
                return

    def _read(self, key: str, listing, cursor: float | None, fetched_at: datetime) -> Page:
        items = [to_item(comment) for comment in newer_than(listing(), cursor)]
        return items_page(key, items, cursor, fetched_at, [], listed="t1", account=self.account)


@register("reddit-mentions")
def build_reddit_inbox(settings: Settings) -> RedditInboxCollector:
    return RedditInboxCollector(settings.sources.reddit_account)
