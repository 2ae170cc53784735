"""SocialPulse dashboard: page configuration and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="SocialPulse", page_icon=":material/monitoring:", layout="wide")

st.navigation(
    {
        "Marketing": [
            st.Page("dashboard/pages/brand_conversations.py", title="Brand conversations",
                    icon=":material/campaign:", default=True),
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
).run()
