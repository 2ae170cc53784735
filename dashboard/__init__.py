"""The Streamlit dashboard: pages hold widgets, ``data`` is the only module that queries."""
