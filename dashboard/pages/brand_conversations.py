"""Marketing: how much people talk about the brand and its competitors, where, and in what mood.

Reads only what `pulse analyze` stored (the daily roll-up and the alerts), so every filter change
costs milliseconds whatever the number of mentions.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import change, listening, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import known_brands, listening_filters
from dashboard.components.tables import duration_text, table
from dashboard.components.theme import platform_label

st.title("Brand conversations")
filters = listening_filters()
brands = known_brands(filters.db)

# Values several sections share, each loaded under its own guard: a failed load says so in one
# line and leaves out only what needs it, never the sections after it.
share = alerts = focus = trend = None
share_before = alerts_before = None
with states.section("Share of voice"):
    share = data.brand_share(filters)
    focus = listening.focus_brand(share)
    share_before = data.brand_share(filters.previous())
if share is None:  # the sentences still speak of one brand: the first chosen (own first)
    focus = next((b for b in brands if b in filters.brands), None)
with states.section("Alert episodes"):
    alerts = data.alerts(filters)
    alerts_before = data.alerts(filters.previous())

with states.section("Headline figures"):
    columns = st.columns(4)
    against = change.against(filters.period.days)
    if share is not None:
        own = share[~share["is_competitor"]]
        before = share_before if share_before is not None else share.iloc[0:0]
        own_before = before[~before["is_competitor"].astype(bool)]
        per_day = data.daily_mentions(filters).groupby("day")["mentions"].sum()
        columns[0].metric(
            "Mentions",
            f"{int(share['mentions'].sum()):,}",
            change.percent(share["mentions"].sum(), before["mentions"].sum()),
            help="Brand mentions in the period; a post naming two brands counts for each. "
            + against,
            chart_data=per_day.tolist(),
        )
        if not own.empty:
            columns[1].metric(
                "Share of voice (own brands)",
                f"{own['share_of_voice'].sum():.1f}%",
                change.points(
                    own["share_of_voice"].sum(),
                    own_before["share_of_voice"].sum() if not own_before.empty else None,
                ),
                help=f"Own-brand mentions / mentions of every chosen brand x 100. {against}",
            )
            net = own.set_index("brand")["net_sentiment"].get(focus)
            columns[2].metric(
                f"Net sentiment ({focus})",
                "n/a" if net is None else f"{net:+.1f}",
                change.points(net, own_before.set_index("brand")["net_sentiment"].get(focus)),
                help=f"(positive - negative) / scored mentions x 100. {against}",
            )
        first_day = data.data_range(filters.db)[0]
        year_ago = filters.year_before()
        if first_day <= year_ago.start:
            then = data.brand_share(year_ago)
            own_then = then[~then["is_competitor"].astype(bool)]
            line = change.year_on_year(
                {
                    "mentions": change.percent(share["mentions"].sum(), then["mentions"].sum()),
                    "share of voice": change.points(
                        own["share_of_voice"].sum(), own_then["share_of_voice"].sum()
                    )
                    if not own.empty and not own_then.empty
                    else None,
                    f"net sentiment of {focus}": change.points(
                        own.set_index("brand")["net_sentiment"].get(focus),
                        own_then.set_index("brand")["net_sentiment"].get(focus),
                    )
                    if not own.empty and not own_then.empty
                    else None,
                },
                reaches=True,
            )
            if line:
                st.caption(line)
    columns[3].metric(
        "Alert episodes",
        "n/a" if alerts is None else f"{len(alerts):,}",
        change.count(
            None if alerts is None else len(alerts),
            None if alerts_before is None else len(alerts_before),
        ),
        delta_color="inverse",
        help=f"Crises and launch peaks whose window overlaps the period. {against}",
    )

with states.section("Mentions over time"):
    split = st.segmented_control(
        "Split by",
        ["brand", "platform"],
        default="brand",
        format_func=str.capitalize,
        key="split",
        required=True,
    )
    daily = data.daily_mentions(filters)
    episodes = alerts if alerts is not None else pd.DataFrame(columns=["kind"])
    previous = data.daily_mentions(filters.previous())
    bursts = data.bursts(filters)
    summary = listening.volume_summary(daily, previous, episodes, focus, filters.period)
    summary += listening.burst_sentence(bursts, episodes)
    chart_with_summary(
        *listening.mentions_over_time(daily, episodes, split or "brand", brands, summary, bursts)
    )

with states.section("Sentiment"):
    st.subheader("Sentiment")
    trend = data.sentiment_trend(filters)
    chart_with_summary(*listening.sentiment_trend(trend, brands, focus))

if trend is not None:
    with states.section("Sentiment mix"):
        scored = [b for b in brands if b in set(trend.loc[trend["scored"] > 0, "brand"])]
        if scored:
            mixed = st.columns([1, 3])[0].selectbox(
                "Sentiment mix of",
                scored,
                key="mix_brand",
                index=scored.index(focus) if focus in scored else 0,
            )
            chart_with_summary(*listening.sentiment_mix(trend, mixed))

if share is not None:
    with states.section("Share of voice"):
        st.subheader("Share of voice")
        chart_with_summary(*listening.share_of_voice(share, brands))
        table(
            share,
            "share of voice",
            column_config={
                "brand": "Brand",
                "is_competitor": "Competitor",
                "mentions": st.column_config.NumberColumn("Mentions", format="%d"),
                "share_of_voice": st.column_config.NumberColumn("Share of voice", format="%.1f%%"),
                "positive": "Positive",
                "neutral": "Neutral",
                "negative": "Negative",
                "scored": "Scored",
                "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.1f"),
                "engagements": st.column_config.NumberColumn("Engagements", format="%d"),
                "reach": st.column_config.NumberColumn(
                    "Potential reach",
                    format="%d",
                    help="Sum of each day's potential reach; see "
                    "the README for the method per platform.",
                ),
            },
        )

with states.section("How the brand answers"):
    st.subheader("How the brand answers")
    answers = data.response_by_platform(filters)
    if answers.empty:
        states.empty(
            "Nothing in the period asked an own brand for an answer on a platform where it has "
            "an account of its own. Name the brand's accounts under [sources] in "
            "socialpulse.toml (x_accounts, reddit_account, youtube_channels) and collect their "
            "inboxes.",
            "pulse collect x-mentions reddit-mentions youtube",
        )
    else:
        table(
            answers[["brand", "platform", "needing_reply", "answered", "response_rate"]].assign(
                platform=answers["platform"].map(platform_label),
                median_time=answers["median_minutes"].map(duration_text),
            ),
            "response",
            column_config={
                "brand": "Brand",
                "platform": "Platform",
                "needing_reply": st.column_config.NumberColumn(
                    "Needing a reply",
                    format="localized",
                    help="Questions and negative mentions of the brand, by others, on a "
                    "platform where the brand has its own account.",
                ),
                "answered": st.column_config.NumberColumn("Answered", format="localized"),
                "response_rate": st.column_config.NumberColumn(
                    "Response rate",
                    format="%.1f%%",
                    help="Answered by one of the brand's own accounts / needing a reply x 100.",
                ),
                "median_time": st.column_config.TextColumn(
                    "Median time to answer",
                    help="From the mention to the brand's first reply, half answered faster.",
                ),
            },
        )
