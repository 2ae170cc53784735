"""Marketing: what people say about the brand and its competitors, where and how much."""

import streamlit as st

from dashboard import data
from dashboard.components import charts
from dashboard.components.filters import sidebar_filters

st.title("Brand conversations")
filters = sidebar_filters()
if not filters.brands:
    st.info("Choose at least one brand in the sidebar.")
    st.stop()

summary = data.brand_summary(filters.db, filters.start, filters.end, filters.brands)
own = summary[~summary["is_competitor"]]
columns = st.columns(3)
columns[0].metric("Mentions", f"{int(summary['mentions'].sum()):,}")
if not own.empty:
    columns[1].metric("Share of voice (own brands)", f"{own['share_of_voice'].sum():.1f}%")
    columns[2].metric(f"Net sentiment ({own['brand'].iloc[0]})",
                      f"{own['net_sentiment'].iloc[0]:+.1f}")

daily = data.mentions_per_day(filters.db, filters.start, filters.end, filters.brands)
charts.show(*charts.mentions_per_day(daily))

st.subheader("By brand")
st.dataframe(
    summary,
    hide_index=True,
    column_config={
        "brand": "Brand", "is_competitor": "Competitor", "mentions": "Mentions",
        "share_of_voice": st.column_config.NumberColumn("Share of voice", format="%.1f%%"),
        "positive": "Positive", "negative": "Negative", "scored": "Scored",
        "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.1f"),
    },
)
