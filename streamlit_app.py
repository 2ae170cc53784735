"""SocialPulse dashboard: page configuration and navigation, nothing else."""

import logging

import streamlit as st

st.set_page_config(page_title="SocialPulse", page_icon=":material/monitoring:", layout="wide")

page = st.navigation(
    {
        "Marketing": [
            st.Page("dashboard/pages/brand_conversations.py", title="Brand conversations",
                    icon=":material/campaign:", default=True),
            st.Page("dashboard/pages/topics_alerts.py", title="Topics & alerts",
                    icon=":material/notifications_active:"),
            st.Page("dashboard/pages/mentions.py", title="Mentions", icon=":material/forum:"),
        ],
        "Internal communications": [
            st.Page("dashboard/pages/internal_engagement.py", title="Internal engagement",
                    icon=":material/groups:"),
        ],
        "Executive": [
            st.Page("dashboard/pages/kpi_scorecard.py", title="KPI scorecard",
                    icon=":material/insights:"),
        ],
    }
)
try:
    page.run()
except Exception:
    # Pages guard their own sections; this is the last line: log it, never show a traceback.
    logging.getLogger("dashboard").exception("page %s failed", page.title)
    st.error("This page cannot be shown because of an internal error (it has been logged). "
             "Try **Refresh data** in the sidebar, or another page.", icon=":material/error:")
