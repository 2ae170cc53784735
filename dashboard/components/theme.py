"""One look for every page: the colours of brands, platforms, sentiment and alerts, and the
names and fixes of the platforms, so the same thing is drawn and named the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt

PRIMARY = "#1565c0"  # also [theme] primaryColor in .streamlit/config.toml
# Own brands come first in the filter, so the first own brand is always the primary blue.
BRAND_PALETTE = [
    "#1565c0",
    "#ef6c00",
    "#6a1b9a",
    "#00897b",
    "#8d6e63",
    "#c2185b",
    "#546e7a",
    "#9e9d24",
]
SENTIMENT_COLORS = {
    "positive": "#2e7d32",
    "neutral": "#9e9e9e",
    "negative": "#c62828",
    "unscored": "#cfd8dc",
}
ALERT_COLORS = {"crisis": "#c62828", "peak": "#f9a825"}
ALERT_NAMES = {"crisis": "Crisis", "peak": "Launch peak"}
# Charts with a row per group size their height as a step per row (``alt.Step``): a fixed
# pixel height is squeezed to fit the page's chart frame, which hid row labels and shrank a
# one-row grid to a strip.


@dataclass(frozen=True)
class Platform:
    label: str
    color: str
    setup: str  # what a user does to get this platform's data
    # Offered in the platform filter before it has data (with the setup note when chosen);
    # the others appear once collected.
    offered: bool = True


PLATFORMS = {
    "x": Platform(
        "X", "#263238", "set X_BEARER_TOKEN (a paid X API tier) and run `pulse collect x`"
    ),
    "reddit": Platform(
        "Reddit",
        "#ff5722",
        "set REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET and REDDIT_USER_AGENT and "
        "run `pulse collect reddit`",
    ),
    "rss": Platform(
        "News & blogs",
        "#00897b",
        "list feeds under [sources] in socialpulse.toml and run `pulse collect rss`",
    ),
    "youtube": Platform(
        "YouTube",
        "#e53935",
        "set YOUTUBE_API_KEY, list youtube_channels under [sources] and run "
        "`pulse collect youtube`",
        offered=False,
    ),
}


def platform_label(platform: str) -> str:
    return PLATFORMS[platform].label if platform in PLATFORMS else platform


def brand_scale(brands: list[str]) -> alt.Scale:
    """Colours keyed by every known brand (not only the chosen ones), so a brand keeps its
    colour when the filter changes."""
    return alt.Scale(
        domain=brands, range=[BRAND_PALETTE[i % len(BRAND_PALETTE)] for i in range(len(brands))]
    )


def platform_scale() -> alt.Scale:
    return alt.Scale(
        domain=[p.label for p in PLATFORMS.values()], range=[p.color for p in PLATFORMS.values()]
    )


def sentiment_scale() -> alt.Scale:
    return alt.Scale(domain=list(SENTIMENT_COLORS), range=list(SENTIMENT_COLORS.values()))


def alert_scale() -> alt.Scale:
    return alt.Scale(
        domain=[ALERT_NAMES[k] for k in ALERT_COLORS], range=list(ALERT_COLORS.values())
    )
