"""The reads behind the listening pages (brand conversations, topics and alerts, mentions).

They read what `pulse analyze` stored (``brand_daily``, ``topics``, ``alerts``,
``mention_index``); the mention list reads the texts of its shown page only, and a keyword search
the texts of at most ``search.MAX_SEARCH_MENTIONS`` mentions. Reads that return posts take the
session's role, so one role's rows never reach another through the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from analysis import influencers, response, search, share_of_voice, volume
from analysis.period import Period
from dashboard import reader
from dashboard.data import session
from dashboard.data.cache import QUERIES, query, warehouse_version
from dashboard.data.session import Filters

# The alert and topic modules are imported where they are used: they pull in scikit-learn (a
# second at start-up) that other pages never need.


def _alerts(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    """The period's alerts with where each stands in the inbox (state, assignee, time to
    acknowledge)."""
    from analysis.alert_inbox import inbox_state
    from analysis.spikes import alerts_in_period

    found = alerts_in_period(con, Period(start, end), brands)
    return found.merge(inbox_state(con, found["alert_id"].tolist()), on="alert_id", how="left")


def _topics(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    from analysis.topics import topics_in_period

    return topics_in_period(con, Period(start, end), brands)


def _bursts(con, start: date, end: date, brands: tuple[str, ...]):
    from analysis.bursts import stored_bursts

    return stored_bursts(con, Period(start, end), brands)


QUERIES.update(
    {
        "bursts": _bursts,
        "coverage": lambda con: volume.rollup_coverage(con),
        "daily_mentions": lambda con, start, end, brands, platforms: volume.daily_mentions(
            con, Period(start, end), brands, platforms
        ),
        "share_of_voice": lambda con, start, end, brands, platforms: share_of_voice.share_of_voice(
            con, Period(start, end), brands, platforms
        ),
        "sentiment_trend": lambda con, start, end, brands, platforms, grain: (
            share_of_voice.sentiment_trend(con, Period(start, end), brands, platforms, grain)
        ),
        "alerts": _alerts,
        "topics": _topics,
        "search": lambda con, start, end, fields, limit, offset, role: search.search_mentions(
            con, Period(start, end), search.MentionQuery(*fields), limit, offset, role=role
        ),
        "search_window": lambda con, start, end: search.search_window(con, Period(start, end)),
        "mentions_by_id": lambda con, post_ids, role: search.mentions_by_id(
            con, post_ids, role=role
        ),
        "top_authors": lambda con, start, end, brands, platforms, limit, role: (
            influencers.top_authors(con, Period(start, end), brands, platforms, limit, role=role)
        ),
        "response": lambda con, start, end, brands, platforms: response.response_by_platform(
            con, Period(start, end), brands, platforms
        ),
        "places": lambda con, start, end, brands, platforms, role: influencers.mentions_by_place(
            con, Period(start, end), brands, platforms, role=role
        ),
    }
)


def coverage(db: str) -> pd.DataFrame:
    """Brands and platforms in the daily roll-up (empty until `pulse analyze` has run)."""
    return query("coverage", db)


def daily_mentions(f: Filters) -> pd.DataFrame:
    return query("daily_mentions", f.db, f.start, f.end, f.brands, f.platforms)


def bursts(f: Filters) -> pd.DataFrame:
    """The days on the mentions chart that broke from their brand's recent days, with what
    they were about, as `pulse analyze` stored them (``analysis/bursts.py``; over every
    platform, whatever the platform filter)."""
    return query("bursts", f.db, f.start, f.end, f.brands)


def brand_share(f: Filters) -> pd.DataFrame:
    return query("share_of_voice", f.db, f.start, f.end, f.brands, f.platforms)


def sentiment_trend(f: Filters, grain: str = "week") -> pd.DataFrame:
    return query("sentiment_trend", f.db, f.start, f.end, f.brands, f.platforms, grain)


def response_by_platform(f: Filters) -> pd.DataFrame:
    """How each own brand answered what was addressed to it, per platform."""
    return query("response", f.db, f.start, f.end, f.brands, f.platforms)


def alerts(f: Filters) -> pd.DataFrame:
    return query("alerts", f.db, f.start, f.end, f.brands)


def topics_in_period(f: Filters) -> pd.DataFrame:
    return query("topics", f.db, f.start, f.end, f.brands)


def search_mentions(
    f: Filters,
    text: str = "",
    sentiments: tuple[str, ...] = (),
    order: str = "engagement",
    page: int = 1,
    page_size: int = 25,
) -> pd.DataFrame:
    """One page of the mentions matching the search box, within the sidebar's brands,
    platforms and dates (a keyword search: the newest days of them, see ``search_window``)."""
    fields = (text.strip(), f.brands, f.platforms, tuple(sentiments), order)
    if fields[0]:
        from dashboard import auth

        auth.record_once(
            "search",
            fields[0],
            {
                "from": f.start,
                "to": f.end,
                "brands": f.brands,
                "platforms": f.platforms,
                "sentiments": tuple(sentiments),
            },
            db=f.db,
        )
    offset = (page - 1) * page_size
    role = session.session_role()
    return query("search", f.db, f.start, f.end, fields, page_size, offset, role)


def mentions_export(
    f: Filters, text: str, sentiments: tuple[str, ...], order: str, rows: int
) -> Callable[[], pd.DataFrame]:
    """The first ``rows`` mentions matching the search box, as a deferred download: built when
    a button is pressed, on Streamlit's download thread, so a filter change never pays for it.
    The role and warehouse version are taken now, so the file matches the page."""
    fields = (text.strip(), f.brands, f.platforms, tuple(sentiments), order)
    role, version, period = session.session_role(), warehouse_version(f.db), Period(f.start, f.end)

    def build() -> pd.DataFrame:
        with reader.cursor(f.db, version) as con:
            found = search.search_mentions(
                con, period, search.MentionQuery(*fields), rows, 0, role=role
            )
        return found.drop(columns=["total"])

    return build


def search_window(f: Filters) -> Period:
    """The days a keyword search reads: the newest of the chosen dates, up to a mention cap."""
    return query("search_window", f.db, f.start, f.end)


def mentions_by_id(db: str, post_ids) -> pd.DataFrame:
    """The example mentions an alert or a topic names (a list, an array or None)."""
    post_ids = tuple(post_ids) if post_ids is not None else ()
    return query("mentions_by_id", db, post_ids, session.session_role())


def top_authors(f: Filters, limit: int = 20) -> pd.DataFrame:
    role = session.session_role()
    return query("top_authors", f.db, f.start, f.end, f.brands, f.platforms, limit, role)


def places(f: Filters) -> pd.DataFrame:
    return query("places", f.db, f.start, f.end, f.brands, f.platforms, session.session_role())
