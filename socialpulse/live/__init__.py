"""Live intake: `pulse listen`'s WebSub callback, streams, single writer and alerts on arrival.

It joins collectors (what arrives) and analysis (the spike scan it triggers), so it sits above
both, beside the dashboard.
"""
