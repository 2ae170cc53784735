"""The ``[sources]`` and ``[listen]`` sections: what the collectors and `pulse listen` hear.

Its own module because each network adds its own settings; ``socialpulse.config`` re-exports
these, so callers import every setting from one place.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    """Every settings model: unknown keys are errors (a typo never passes silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Feed(_Strict):
    url: str
    name: str | None = None
    audience: int | None = Field(default=None, ge=0)


class Bluesky(_Strict):
    """Bluesky: search through the AT Protocol's API, and the Jetstream for posts as they are
    written. Queries default to the brands' terms."""

    queries: list[str] = Field(default_factory=list)
    service: str = Field(default="https://bsky.social", description="where search is asked")
    jetstream: str = Field(
        default="wss://jetstream2.us-east.bsky.network/subscribe",
        description="the Jetstream endpoint `pulse listen` streams from",
    )


class Mastodon(_Strict):
    """Mastodon: the instances whose hashtag and public timelines are searched and streamed."""

    instances: list[str] = Field(default_factory=list, description="base URLs")
    hashtags: list[str] = Field(default_factory=list, description="without the #")
    public_timeline: bool = Field(
        default=False, description="also stream each instance's whole public timeline"
    )

    @field_validator("hashtags")
    @classmethod
    def _plain_tags(cls, tags: list[str]) -> list[str]:
        return [tag.strip().lstrip("#") for tag in tags if tag.strip().lstrip("#")]


class Listen(_Strict):
    """`pulse listen`: the WebSub callback endpoint feeds with a hub push to."""

    host: str = "127.0.0.1"
    port: int = Field(default=8600, ge=0, le=65535)
    public_url: str | None = Field(
        default=None, description="the callback's address as the hubs reach it"
    )
    lease_seconds: int = Field(default=864_000, ge=60, description="lease asked of each hub")
    renew_margin: float = Field(
        default=0.2, gt=0, lt=1, description="share of a lease left when it is renewed"
    )
    alert_every_seconds: float = Field(
        default=5.0, ge=0, description="least time between two spike scans on arrival"
    )


class Sources(_Strict):
    """What the collectors listen to. The brand's own accounts (``x_accounts``,
    ``reddit_account``, ``youtube_channels``) also mark their posts as owned, which is what
    response rate and time count as the brand's answers."""

    feeds: list[Feed] = Field(default_factory=list)
    subreddits: list[str] = Field(default_factory=list)
    x_queries: list[str] = Field(default_factory=list)
    x_accounts: list[str] = Field(default_factory=list)  # X usernames: their mentions inboxes
    reddit_account: str | None = None  # a Reddit username: its mentions inbox
    youtube_channels: list[str] = Field(default_factory=list)  # channel ids (UC...)
    youtube_search: bool = True  # also comments on the videos the brand search finds
    bluesky: Bluesky = Field(default_factory=Bluesky)
    mastodon: Mastodon = Field(default_factory=Mastodon)

    @field_validator("x_accounts")
    @classmethod
    def _plain_usernames(cls, names: list[str]) -> list[str]:
        return [name.strip().lstrip("@") for name in names if name.strip().lstrip("@")]

    @field_validator("reddit_account")
    @classmethod
    def _plain_reddit_name(cls, name: str | None) -> str | None:
        plain = (name or "").strip().removeprefix("/").removeprefix("u/")
        return plain or None
