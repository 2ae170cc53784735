"""The people of a Slack export, as pseudonyms only."""

from __future__ import annotations

import pandas as pd

from collectors.exports.base import ImportContext
from collectors.exports.slack.records import PLATFORM, nonblank

ALWAYS_BOTS = frozenset({"USLACKBOT"})


class People:
    """Slack user ids to pseudonyms (by email when the profile has one), and who is a bot."""

    def __init__(self, users: list[dict], context: ImportContext) -> None:
        self.context = context
        self.emails: dict[str, str | None] = {}
        self.names: dict[str, str | None] = {}
        self.aka: dict[str, list[str]] = {}
        self.bots = set(ALWAYS_BOTS)
        for user in users:
            profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
            self.emails[user["id"]] = nonblank(profile.get("email"))
            self.names[user["id"]] = nonblank(user.get("real_name")) or nonblank(
                profile.get("real_name")
            )
            self.aka[user["id"]] = [
                n
                for n in (
                    nonblank(user.get("real_name")),
                    nonblank(profile.get("real_name")),
                    nonblank(profile.get("display_name")),
                    " ".join(
                        filter(
                            None,
                            (
                                nonblank(profile.get("first_name")),
                                nonblank(profile.get("last_name")),
                            ),
                        )
                    ),
                )
                if n
            ]
            if user.get("is_bot") is True or user.get("is_app_user") is True:
                self.bots.add(user["id"])
        self.cache: dict[str, str | None] = {}
        self.written: set[str] = set()

    def of(self, user_id: object) -> str | None:
        """The pseudonym of a Slack user id; None for anything that is not one."""
        if not isinstance(user_id, str) or not user_id.strip():
            return None
        if user_id not in self.cache:
            self.cache[user_id] = self.context.person(
                email=self.emails.get(user_id), user_id=user_id, platform=PLATFORM
            )
        return self.cache[user_id]

    def by_name(self) -> dict[str, str]:
        """Everyone's full names, to take them out of message text (see ``scrub_names``)."""
        if not hasattr(self, "_by_name"):
            self._by_name = {
                name: self.of(uid)
                for uid, names in self.aka.items()
                if uid not in self.bots
                for name in names
            }
        return self._by_name

    def author_rows(self, extra: set[str] | None = None) -> pd.DataFrame:
        """Authors not yet handed out: everyone in users.json first, then unlisted posters."""
        if extra is None:
            people = {self.of(uid): self.names[uid] for uid in self.emails if uid not in self.bots}
        else:
            people = dict.fromkeys(extra)
        people = {p: name for p, name in people.items() if p and p not in self.written}
        self.written.update(people)
        return pd.DataFrame(
            {
                "author_id": list(people),
                "platform": "internal",
                "scope": "internal",
                "handle": list(people),
                "display_name": pd.Series(list(people.values()), dtype="string"),
            }
        )
