"""People named in an export, pseudonymised once each.

A big export names the same few thousand people millions of times and each pseudonym is an
HMAC, so the importers share one memo rather than calling ``ImportContext.person`` per cell.
"""

from __future__ import annotations

import pandas as pd

from collectors.exports.base import ImportContext


class Pseudonyms:
    """``context.person`` memoised: a big export names the same few thousand people millions
    of times, and each pseudonym is an HMAC."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.known: dict[tuple[str, str, str], str | None] = {}

    def of(
        self, email: str | None = None, user_id: str | None = None, platform: str = ""
    ) -> str | None:
        """The pseudonym of an email (preferred) or a platform user id; None for nobody."""
        key = (email or "", user_id or "", platform)
        if key not in self.known:
            self.known[key] = self.context.person(email=email, user_id=user_id, platform=platform)
        return self.known[key]

    def of_value(self, value: str | None, platform: str) -> str | None:
        """An ``author`` cell: an email when it has an @, else the platform's user id."""
        if value is None or not str(value).strip():
            return None
        value = str(value).strip()
        return self.of(email=value) if "@" in value else self.of(user_id=value, platform=platform)

    def series(self, emails: pd.Series, ids: pd.Series, platform: str) -> pd.Series:
        """Pseudonyms of a column of emails, falling back to a column of ids, by unique pair."""
        pairs = pd.DataFrame({"email": emails.fillna(""), "id": ids.fillna("")})
        unique = pairs.drop_duplicates()
        lookup = {
            (e, i): self.of(email=e or None, user_id=i or None, platform=platform)
            for e, i in zip(unique["email"], unique["id"], strict=True)
        }
        return pd.Series(
            [lookup[p] for p in zip(pairs["email"], pairs["id"], strict=True)],
            index=emails.index,
            dtype=object,
        )
