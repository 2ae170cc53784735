"""Marketing: the mentions themselves (search, top mentions, sentiment corrections), the people
who carry the conversation and where it happens.

Reads the mention index `pulse analyze` writes, and the texts of the shown page only; a keyword
search reads the newest days of the chosen dates holding at most ``MAX_SEARCH_MENTIONS``
mentions. Only the open tab runs its queries.
"""

import math

import streamlit as st

from analysis.search import MAX_SEARCH_MENTIONS, ORDERS, SENTIMENTS
from dashboard import data
from dashboard.components import listening, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.corrections import correction_form
from dashboard.components.filters import listening_filters
from dashboard.components.tables import table
from dashboard.components.theme import platform_label

PAGE_SIZE = 25
ORDER_NAMES = {"engagement": "Most engaged", "reach": "Widest reach", "newest": "Newest"}

st.title("Mentions")
filters = listening_filters()


def mention_list() -> None:
    """Search box, filters and one page of mentions, with the sentiment correction."""
    with states.section("Mentions"):
        left, middle, right = st.columns([3, 2, 3], vertical_alignment="bottom")
        text = left.text_input(
            "Search mentions",
            key="q",
            placeholder='zipper "trail runner"',
            help='Every word or "quoted phrase" must appear (any case, also '
            "inside longer words). Brands and platforms come from the "
            "sidebar.",
        )
        sentiments = middle.multiselect(
            "Sentiment", SENTIMENTS, key="sentiment", placeholder="Any sentiment"
        )
        order = right.segmented_control(
            "Sort by",
            list(ORDERS),
            format_func=ORDER_NAMES.get,
            default="engagement",
            key="order",
            required=True,
        )
        page = st.session_state.get("mention_page", 1)
        results = data.search_mentions(
            filters, text, tuple(sentiments), order or "engagement", page, PAGE_SIZE
        )
        if results.empty and page > 1:
            page = st.session_state["mention_page"] = 1
            results = data.search_mentions(
                filters, text, tuple(sentiments), order or "engagement", page, PAGE_SIZE
            )
        window = data.search_window(filters) if text.strip() else filters.period
        clipped = (
            f" (a keyword search reads the newest days holding at most "
            f"{MAX_SEARCH_MENTIONS:,} mentions)"
            if window != filters.period
            else ""
        )
        span = f"from {window.start:%d %b %Y} to {window.end:%d %b %Y}{clipped}"
        if results.empty:
            what = f"matches “{text.strip()}”" if text.strip() else "was found"
            states.empty(
                f"No mention {what} {span}: try fewer words, another sentiment, or "
                "more brands, platforms or days in the sidebar. Mentions collected "
                "since the last `pulse analyze` are listed once it has run."
            )
        else:
            total = int(results["total"].iloc[0])
            first = (page - 1) * PAGE_SIZE + 1
            what = f"match “{text.strip()}”" if text.strip() else "in total"
            ordered = ORDER_NAMES[order or "engagement"].lower()
            st.caption(
                f"{total:,} mentions {what} {span}; showing {first:,}-"
                f"{first + len(results) - 1:,}, {ordered} first."
            )
            shown = results.drop(columns=["total"]).assign(
                platform=results["platform"].map(platform_label)
            )
            table(
                shown,
                "mentions",
                column_config={
                    "post_id": None,
                    "created_at": st.column_config.DatetimeColumn(
                        "When (UTC)", format="D MMM YYYY HH:mm"
                    ),
                    "platform": "Platform",
                    "author": "Author",
                    "text": st.column_config.TextColumn("Text", width="large"),
                    "url": st.column_config.LinkColumn("Link", display_text="open"),
                    "brands": "Brands",
                    "reach": st.column_config.NumberColumn(
                        "Reach",
                        format="%d",
                        help="Potential: the author's followers on X, else the "
                        "channel's audience (subreddit subscribers, site "
                        "audience).",
                    ),
                    "engagements": st.column_config.NumberColumn(
                        "Engagements", format="%d", help="Likes + shares + replies + quotes."
                    ),
                    "sentiment": "Sentiment",
                    "sentiment_source": "Labelled by",
                },
            )
            st.number_input(
                "Page",
                min_value=1,
                max_value=max(1, math.ceil(total / PAGE_SIZE)),
                key="mention_page",
                width=200,
            )
            correction_form(filters.db, results)


def influencers() -> None:
    """The authors who carry the conversation."""
    with states.section("Influencers"):
        authors = data.top_authors(filters)
        if authors.empty:
            states.empty("No external author mentioned the chosen brands in this period.")
        else:
            chart_with_summary(*listening.top_authors(authors))
            table(
                authors.assign(platform=authors["platform"].map(platform_label)),
                "influencers",
                column_config={
                    "author_id": None,
                    "handle": "Author",
                    "platform": "Platform",
                    "followers": st.column_config.NumberColumn("Followers", format="%d"),
                    "mentions": "Mentions",
                    "engagements": st.column_config.NumberColumn("Engagements", format="%d"),
                    "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.0f"),
                    "last_mention_at": st.column_config.DatetimeColumn("Last mention (UTC)"),
                },
            )


def places() -> None:
    """Where the mentions come from, when the source gives a place."""
    with states.section("Map"):
        located = data.places(filters)
        chart_with_summary(*listening.places_map(located))
        table(
            located,
            "places",
            column_config={
                "country": "Country",
                "city": "City",
                "mentions": "Mentions",
                "negative": "Negative",
                "lat": None,
                "lon": None,
            },
        )


tabs = st.tabs(
    ["Search and top mentions", "Influencers", "Map"], key="mentions_tab", on_change="rerun"
)
for tab, show in zip(tabs, (mention_list, influencers, places), strict=True):
    if tab.open:
        with tab:
            show()
