"""Marketing: what people talk about (topics, and those that are growing fast) and the alerts
raised when a brand's volume or negativity broke from its baseline, with their evidence.

Reads the ``topics`` and ``alerts`` tables `pulse analyze` stores, and the few example posts
each one names.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, listening, sentiment_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import listening_filters
from dashboard.components.tables import table
from dashboard.components.theme import ALERT_NAMES, platform_label

EXAMPLE_COLUMNS = {
    "created_at": columns.moment(),
    "platform": "Platform",
    "author": "Author",
    "text": st.column_config.TextColumn("Text", width="large"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    "sentiment": "Sentiment",
    "post_id": None,
}

st.title("Topics & alerts")
filters = listening_filters()

with states.section("Alerts"):
    st.subheader("Alerts")
    alerts = data.alerts(filters)
    if alerts.empty:
        states.empty(
            "No crisis or launch peak for the chosen brands in this period. Alerts are "
            "found by `pulse analyze`; their thresholds are in the [alerts] section of "
            "the configuration."
        )
    else:
        listed = alerts.assign(
            kind=alerts["kind"].map(ALERT_NAMES).fillna(alerts["kind"]),
            status=alerts["status"].str.capitalize(),
            notified_at=columns.moment_text(alerts["notified_at"]).replace(
                columns.MISSING, "Not sent"
            ),
        )
        table(
            listed[
                [
                    "brand",
                    "kind",
                    "window_start",
                    "window_end",
                    "observed",
                    "expected",
                    "top_terms",
                    "status",
                    "notified_at",
                    "description",
                ]
            ],
            "alerts",
            column_config={
                "brand": "Brand",
                "kind": "Kind",
                "window_start": columns.moment("From (UTC)"),
                "window_end": columns.moment("To (UTC)"),
                "observed": columns.count("Mentions"),
                "expected": columns.score("Expected", "%.1f"),
                "top_terms": st.column_config.ListColumn("Top terms"),
                "status": "Episode",
                "notified_at": "Notified (UTC)",
                "description": None,
            },
        )
        st.caption(
            "Evidence: each alert's window, counts and the example mentions it was raised on."
        )
        for position, alert in enumerate(alerts.itertuples()):
            with st.expander(alert.description, expanded=position == 0):
                ratio = alert.observed / alert.expected if alert.expected else float("inf")
                st.markdown(
                    f"**{alert.observed:,.0f}** {'negative ' if alert.kind == 'crisis' else ''}"
                    f"mentions against **{alert.expected:,.1f}** expected from "
                    f"{alert.brand}'s own baseline ({ratio:,.0f}x); status: {alert.status}."
                )
                examples = data.mentions_by_id(filters.db, alert.example_post_ids)
                examples["platform"] = examples["platform"].map(platform_label)
                table(examples, f"alert {alert.alert_id} evidence", column_config=EXAMPLE_COLUMNS)

with states.section("Topics"):
    st.subheader("Topics")
    topics = data.topics_in_period(filters)
    if topics.empty:
        states.empty(
            "No topics for the chosen brands in this period. Topics are computed per "
            "calendar month by `pulse analyze`, for a brand with at least 10 mentions "
            "in the month.",
            "pulse analyze",
        )
    else:
        chart_with_summary(*listening.topic_volumes(topics))
        st.caption(
            "Topics are found per calendar month; every month that overlaps the chosen "
            "dates is listed. A topic is emerging when it at least doubled against the "
            "previous month."
        )
        config = {
            "brand": "Brand",
            "period_start": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "label": "Topic",
            "top_terms": st.column_config.ListColumn("Top terms"),
            "posts": st.column_config.NumberColumn("Mentions", format="%d"),
            "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.1f"),
            "previous_posts": st.column_config.NumberColumn("Previous month", format="%d"),
            "growth": st.column_config.NumberColumn("Growth", format="percent"),
            "emerging": "Emerging",
            "topic_id": None,
            "period_end": None,
            "example_post_ids": None,
        }
        emerging = topics[topics["emerging"].astype(bool)]
        st.markdown("**Emerging topics**")
        if emerging.empty:
            st.caption("No topic is emerging in these months.")
        else:
            table(emerging, "emerging topics", column_config=config)
        st.markdown("**All topics**")
        table(topics, "topics", column_config=config)
        chosen = st.selectbox(
            "Example mentions of",
            topics["topic_id"].tolist(),
            key="topic",
            format_func=lambda topic_id: topic_id.replace("|", " · "),
        )
        row = topics.set_index("topic_id").loc[chosen]
        examples = data.mentions_by_id(filters.db, row["example_post_ids"])
        examples["platform"] = examples["platform"].map(platform_label)
        table(examples, "topic examples", column_config=EXAMPLE_COLUMNS)

with states.section("Praised and criticised"):
    st.subheader("What people praise and criticise")
    aspects = data.aspects_in_period(filters, limit=5)
    if aspects.empty:
        states.empty(
            "No product or service aspect was judged in at least 3 sentences for the chosen "
            "brands in this period. Aspects come from the topics' terms, by `pulse analyze`.",
            "pulse analyze",
        )
    else:
        chart_with_summary(*sentiment_charts.aspect_bars(aspects))
        st.caption(
            "An aspect is a topic term that names a thing (a product, a feature, a service), "
            "judged by the sentiment of each sentence that names it. Net sentiment is "
            "(positive - negative) / sentences x 100; the change is against the month before."
        )
        aspect_config = {
            "brand": "Brand",
            "side": None,
            "term": "Aspect",
            "mentions": None,
            "sentences": st.column_config.NumberColumn("Sentences", format="%d"),
            "positive": st.column_config.NumberColumn("Positive", format="%d"),
            "negative": st.column_config.NumberColumn("Negative", format="%d"),
            "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.1f"),
            "net_change": st.column_config.TextColumn(
                "Change vs previous month", help="New: not judged in the month before."
            ),
            "example_post_id": None,
        }
        shown = aspects.assign(
            net_change=aspects["net_change"].map(lambda v: "New" if pd.isna(v) else f"{v:+.1f}")
        )
        for side, title in (("criticised", "**Most criticised**"), ("praised", "**Most praised**")):
            st.markdown(title)
            table(shown[shown["side"] == side], f"{side} aspects", column_config=aspect_config)
