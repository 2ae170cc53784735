"""Marketing: the mentions themselves (search, top mentions, sentiment corrections), the people
who carry the conversation and where it happens.

Reads the mention index `pulse analyze` writes, and the texts of the shown page only; a keyword
search reads the newest days of the chosen dates holding at most ``MAX_SEARCH_MENTIONS``
mentions. Only the open tab runs its queries.
"""

import math

import pandas as pd
import streamlit as st

from analysis.search import MAX_SEARCH_MENTIONS, ORDERS, SENTIMENTS
from dashboard import data
from dashboard.components import audience_charts, sentiment_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.corrections import correction_form
from dashboard.components.filters import listening_filters
from dashboard.components.tables import table
from dashboard.components.theme import platform_label

PAGE_SIZE = 25
ORDER_NAMES = {"engagement": "Most engaged", "reach": "Widest reach", "newest": "Newest"}

MENTION_COLUMNS = {
    "post_id": None,
    "created_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY HH:mm"),
    "platform": "Platform",
    "author": "Author",
    "text": st.column_config.TextColumn("Text", width="large"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    "brands": "Brands",
    "reach": st.column_config.NumberColumn(
        "Reach",
        format="%d",
        help="Potential: the author's followers on X, else the channel's audience (subreddit "
        "subscribers, site audience).",
    ),
    "engagements": st.column_config.NumberColumn(
        "Engagements", format="%d", help="Likes + shares + replies + quotes."
    ),
    "sentiment": "Sentiment",
    "sentiment_source": "Labelled by",
}

st.title("Mentions")
filters = listening_filters()


def _search_controls() -> tuple[str, tuple[str, ...], str]:
    """The search box, the sentiment filter and the sort order above the list."""
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
    return text, tuple(sentiments), order or "engagement"


def _searched_page(text: str, sentiments: tuple[str, ...], order: str) -> tuple[pd.DataFrame, int]:
    """The chosen page of results and its number; back to the first page when a narrower
    search leaves the chosen one empty."""
    page = st.session_state.get("mention_page", 1)
    results = data.search_mentions(filters, text, sentiments, order, page, PAGE_SIZE)
    if results.empty and page > 1:
        page = st.session_state["mention_page"] = 1
        results = data.search_mentions(filters, text, sentiments, order, page, PAGE_SIZE)
    return results, page


def _searched_span(text: str) -> str:
    """The days the list covers, in words: a keyword search may read only the newest of them."""
    window = data.search_window(filters) if text.strip() else filters.period
    clipped = (
        f" (a keyword search reads the newest days holding at most "
        f"{MAX_SEARCH_MENTIONS:,} mentions)"
        if window != filters.period
        else ""
    )
    return f"from {window.start:%-d %b %Y} to {window.end:%-d %b %Y}{clipped}"


def _for_people(mentions: pd.DataFrame) -> pd.DataFrame:
    return mentions.assign(platform=mentions["platform"].map(platform_label))


def _mention_table(
    results: pd.DataFrame, page: int, text: str, sentiments: tuple[str, ...], order: str, span: str
) -> None:
    """One page of mentions under the sentence that counts them, and the page chooser."""
    total = int(results["total"].iloc[0])
    first = (page - 1) * PAGE_SIZE + 1
    what = f"match “{text.strip()}”" if text.strip() else "in total"
    st.caption(
        f"{total:,} mentions {what} {span}; showing {first:,}-"
        f"{first + len(results) - 1:,}, {ORDER_NAMES[order].lower()} first."
    )
    limit = data.settings().dashboard.export_rows
    if total <= limit:
        st.caption(f"The downloads hold all {total:,} mentions.")
    else:
        st.caption(
            f"The downloads hold the first {limit:,} of these {total:,} mentions, the most one "
            "download may hold (`export_rows` under `[dashboard]` in socialpulse.toml)."
        )
    export = data.mentions_export(filters, text, sentiments, order, min(total, limit))
    table(
        _for_people(results.drop(columns=["total"])),
        "mentions",
        column_config=MENTION_COLUMNS,
        whole=lambda: _for_people(export()),
    )
    st.number_input(
        "Page",
        min_value=1,
        max_value=max(1, math.ceil(total / PAGE_SIZE)),
        key="mention_page",
        width=200,
    )


def mention_list() -> None:
    """Search box, filters and one page of mentions, with the sentiment correction."""
    with states.section("Mentions"):
        text, sentiments, order = _search_controls()
        results, page = _searched_page(text, sentiments, order)
        span = _searched_span(text)
        if results.empty:
            what = f"matches “{text.strip()}”" if text.strip() else "was found"
            states.empty(
                f"No mention {what} {span}: try fewer words, another sentiment, or "
                "more brands, platforms or days in the sidebar. Mentions collected "
                "since the last `pulse analyze` are listed once it has run."
            )
        else:
            _mention_table(results, page, text, sentiments, order, span)
            correction_form(filters.db, results)


def influencers() -> None:
    """The authors who carry the conversation."""
    with states.section("Influencers"):
        authors = data.top_authors(filters)
        if authors.empty:
            states.empty("No external author mentioned the chosen brands in this period.")
        else:
            chart_with_summary(*audience_charts.top_authors(authors))
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
        chart_with_summary(*audience_charts.places_map(located))
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


def improve_sentiment() -> None:
    """What to label next, what scores each language, and how the trained models learn."""
    with states.section("Improve sentiment"):
        coverage = data.language_coverage(filters)
        st.markdown("**Label these next**")
        names = dict(zip(coverage["code"], coverage["language"], strict=True))
        language = st.selectbox(
            "Language",
            list(names) or ["en"],
            key="suggest_language",
            format_func=lambda code: names.get(code, code),
        )
        suggested = data.suggested_mentions(filters, language)
        if suggested.empty:
            states.empty("Every mention in this language and period has a person's label.")
        else:
            st.caption(
                "The mentions whose label would teach the model most: those it is least sure "
                "of, taking turns across topics. Correct a few, then run `pulse sentiment "
                "train`; a couple of hundred labels move the model measurably."
            )
            table(
                suggested.assign(platform=suggested["platform"].map(platform_label)),
                "mentions to label",
                column_config={
                    **MENTION_COLUMNS,
                    "topic": "Topic",
                    "uncertainty": st.column_config.ProgressColumn(
                        "Uncertainty", min_value=0, max_value=1, format="percent"
                    ),
                },
            )
            correction_form(filters.db, suggested)
        st.markdown("**How each language is scored**")
        table(
            coverage,
            "sentiment by language",
            column_config={
                "language": "Language",
                "code": None,
                "posts": st.column_config.NumberColumn("Posts", format="%d"),
                "scored_share": st.column_config.NumberColumn("Scored", format="percent"),
                "corrected": st.column_config.NumberColumn("Labelled by people", format="%d"),
                "scored_by": "Scored by",
            },
        )
        trained_models()


def trained_models() -> None:
    """Each language's newest trained model and its learning curve."""
    st.markdown("**Trained models**")
    models = data.trained_models(filters.db)
    if models.empty:
        st.caption(
            "No model is trained yet: `pulse sentiment train` learns from the labels people "
            "give here, and labels posts once it beats the lexicon on held-out labels."
        )
        return
    table(
        models.drop(columns=["curve"]).assign(
            promoted=models["promoted"].map({True: "Labels posts", False: "Lexicon kept"})
        ),
        "trained models",
        column_config={
            "language": "Language",
            "model_version": "Model",
            "trained_at": st.column_config.DatetimeColumn(
                "Trained (UTC)", format="D MMM YYYY HH:mm"
            ),
            "labels": st.column_config.NumberColumn("Labels", format="%d"),
            "promoted": "Status",
            "candidate": "Method",
            "weighted_f1": st.column_config.NumberColumn("Weighted F1", format="%.3f"),
            "lexicon_f1": st.column_config.NumberColumn("Lexicon's weighted F1", format="%.3f"),
        },
    )
    for row in models.itertuples():
        if len(row.curve) > 1:
            chart_with_summary(*sentiment_charts.learning_curve(row.curve, row.lexicon_f1))


tabs = st.tabs(
    ["Search and top mentions", "Influencers", "Map", "Improve sentiment"],
    key="mentions_tab",
    on_change="rerun",
)
for tab, show in zip(tabs, (mention_list, influencers, places, improve_sentiment), strict=True):
    if tab.open:
        with tab:
            show()
