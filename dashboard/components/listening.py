"""The listening pages' charts of volume, sentiment, share of voice and topics, each returned
with the one sentence that says what it shows (the authors and the map: ``audience_charts``).

Every function takes the frames ``dashboard.data`` returns and gives ``(chart, summary)`` for
``charts.chart_with_summary``; none queries. Brands keep their colour across charts and filters
(``theme.brand_scale`` over every known brand).
"""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd

from analysis.period import Period
from dashboard.components import theme

WEEK = timedelta(days=7)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _signed(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.0f}"


def _day(value) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%b %Y}"


def focus_brand(share: pd.DataFrame) -> str | None:
    """The brand a sentence speaks of: the own brand with most mentions, else the biggest."""
    if share.empty:
        return None
    own = share[~share["is_competitor"].astype(bool)]
    return str((own if not own.empty else share).sort_values("mentions").iloc[-1]["brand"])


def volume_summary(
    daily: pd.DataFrame,
    previous: pd.DataFrame,
    alerts: pd.DataFrame,
    brand: str | None,
    period: Period,
) -> str:
    """'Mentions of Northwind rose 38% on the previous 30 days (812 against 588); 61% negative.'
    ``previous`` holds the days of the period of the same length just before ``period``."""
    if daily.empty or brand is None:
        return "No mentions in this period."
    own = daily[daily["brand"] == brand]
    scored = own[["positive", "neutral", "negative"]].to_numpy().sum()
    negative = f"{_pct(own['negative'].sum(), scored)} negative"
    now = int(own["mentions"].sum())
    then = int(previous.loc[previous["brand"] == brand, "mentions"].sum())
    before = "the day before" if period.days == 1 else f"the previous {period.days:,} days"
    if then == 0:
        sentence = f"Mentions of {brand}: {now:,} in the period and none in {before}; {negative}"
    else:
        change = (now - then) / then
        trend = (
            "held steady"
            if abs(change) < 0.01
            else f"rose {change:.0%}"
            if change > 0
            else f"fell {-change:.0%}"
        )
        sentence = f"Mentions of {brand} {trend} on {before} ({now:,} against {then:,}); {negative}"
    if not alerts.empty:
        kinds = alerts["kind"].map(theme.ALERT_NAMES).fillna(alerts["kind"]).str.lower()
        counts = kinds.value_counts()
        flagged = " and ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in counts.items())
        sentence += f"; {flagged} flagged in the period"
    return sentence + "."


def burst_labels(bursts: pd.DataFrame, alerts: pd.DataFrame) -> pd.DataFrame:
    """Each burst's label on the chart: the alert it belongs to, else the day, then its top
    terms ("Crisis: trailhead, jacket, zipper"; "9 Jul: season, canyon, shoes")."""
    labels = bursts.assign(day=pd.to_datetime(bursts["day"]))
    within = pd.Series("", index=labels.index)
    for alert in alerts.itertuples():
        inside = (labels["brand"] == alert.brand) & labels["day"].between(
            pd.Timestamp(alert.window_start).normalize(), pd.Timestamp(alert.window_end)
        )
        within[inside] = theme.ALERT_NAMES.get(alert.kind, alert.kind)
    terms = labels["top_terms"].map(lambda found: ", ".join(list(found)[:3]))
    lead = within.where(within != "", labels["day"].dt.strftime("%-d %b"))
    return labels.assign(label=lead + ": " + terms, alert=within)


def _on_the_lines(labels: pd.DataFrame, series: pd.DataFrame, key: str) -> pd.DataFrame:
    """Each label at the height the chart draws its day (the brand's line, or the highest
    platform's), so it sits on the peak whatever the platform filter; a day not drawn has none."""
    days = series.assign(day=pd.to_datetime(series["day"]))
    if key == "brand":
        drawn = days[["day", "brand", "mentions"]].rename(columns={"mentions": "height"})
        placed = labels.merge(drawn, on=["day", "brand"])
    else:
        drawn = days.groupby("day", as_index=False)["mentions"].max()
        placed = labels.merge(drawn.rename(columns={"mentions": "height"}), on="day")
    return placed[["brand", "day", "height", "mentions", "label"]]


def burst_sentence(bursts: pd.DataFrame, alerts: pd.DataFrame) -> str:
    """The biggest burst of the period said in words, with whether an alert covered it."""
    if bursts.empty:
        return ""
    top = burst_labels(bursts, alerts).iloc[0]
    terms = ", ".join(list(top["top_terms"])[:3])
    covered = f"the {top['alert'].lower()} alert" if top["alert"] else "no alert (reposts count)"
    return (
        f" The biggest burst was {top['brand']} on {top['day']:%-d %b %Y}: "
        f"{top['mentions']:,.0f} mentions against {top['expected']:,.0f} expected, about "
        f"{terms}; {covered}."
    )


def mentions_over_time(
    daily: pd.DataFrame,
    alerts: pd.DataFrame,
    split: str,
    brands: list[str],
    summary: str,
    bursts: pd.DataFrame | None = None,
) -> tuple[alt.LayerChart, str]:
    """Mentions per day by brand or by platform, with alert episodes as shaded bands and every
    burst labelled with its alert or its top terms."""
    key = "brand" if split == "brand" else "platform"
    frame = daily.assign(platform=daily["platform"].map(theme.platform_label))
    series = frame.groupby(["day", key], as_index=False)[
        ["mentions", "positive", "neutral", "negative"]
    ].sum()
    scale = theme.brand_scale(brands) if key == "brand" else theme.platform_scale()
    title = "Brand" if key == "brand" else "Platform"
    lines = (
        alt.Chart(series, title=f"Mentions per day by {key}")
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("mentions:Q", title="Mentions"),
            color=alt.Color(f"{key}:N", title=title, scale=scale),
            tooltip=[
                alt.Tooltip("day:T", title="Day"),
                alt.Tooltip(f"{key}:N", title=title),
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
                alt.Tooltip("negative:Q", title="Negative", format=","),
            ],
        )
    )
    layers = [lines]
    if not alerts.empty:
        bands = alerts.assign(alert=alerts["kind"].map(theme.ALERT_NAMES).fillna(alerts["kind"]))
        bands = bands[
            ["brand", "alert", "window_start", "window_end", "observed", "expected", "description"]
        ]
        encoding = dict(
            x=alt.X("window_start:T"),
            color=alt.Color("alert:N", title="Alert", scale=theme.alert_scale()),
            tooltip=[
                alt.Tooltip("alert:N", title="Alert"),
                alt.Tooltip("description:N", title="What happened"),
            ],
        )
        layers.append(
            alt.Chart(bands).mark_rect(opacity=0.25).encode(x2="window_end:T", **encoding)
        )
        encoding["color"] = alt.Color("alert:N", scale=theme.alert_scale(), legend=None)
        layers.append(alt.Chart(bands).mark_rule(strokeDash=[4, 3], size=2).encode(**encoding))
    if bursts is not None and not bursts.empty:
        labelled = _on_the_lines(burst_labels(bursts, alerts), series, key)
        marks = alt.Chart(labelled).encode(
            x=alt.X("day:T"),
            y=alt.Y("height:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Burst"),
                alt.Tooltip("brand:N", title="Brand"),
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
            ],
        )
        layers.append(marks.mark_point(shape="triangle-down", size=60, filled=True, color="#333"))
        layers.append(
            marks.mark_text(dy=-12, fontSize=11, color="#333", align="center").encode(
                text="label:N"
            )
        )
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(height=340)
    return chart, summary


def sentiment_trend(
    trend: pd.DataFrame, brands: list[str], brand: str | None
) -> tuple[alt.LayerChart, str]:
    """Net sentiment per week and brand, around a zero line."""
    frame = trend.dropna(subset=["net_sentiment"])
    lines = (
        alt.Chart(frame, title="Net sentiment per week")
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title="Week of"),
            y=alt.Y("net_sentiment:Q", title="Net sentiment"),
            color=alt.Color("brand:N", title="Brand", scale=theme.brand_scale(brands)),
            tooltip=[
                alt.Tooltip("period_start:T", title="Week of"),
                "brand:N",
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
                alt.Tooltip("positive:Q", title="Positive"),
                alt.Tooltip("negative:Q", title="Negative"),
                alt.Tooltip("scored:Q", title="Scored"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#9e9e9e").encode(y="y:Q")
    chart = alt.layer(zero, lines).properties(height=300)
    own = frame[frame["brand"] == brand]
    if own.empty:
        return chart, "No scored mentions in this period."
    first, last = own.iloc[0], own.iloc[-1]
    low = own.loc[own["net_sentiment"].idxmin()]
    summary = (
        f"Net sentiment of {brand} was {_signed(last['net_sentiment'])} in the week of "
        f"{_day(last['period_start'])}, against {_signed(first['net_sentiment'])} in the "
        f"week of {_day(first['period_start'])}; its lowest was "
        f"{_signed(low['net_sentiment'])} (week of {_day(low['period_start'])})."
    )
    return chart, summary


MIX = ("positive", "neutral", "negative")


def sentiment_mix(trend: pd.DataFrame, brand: str | None) -> tuple[alt.Chart, str]:
    """Each week's scored mentions of ``brand`` as shares of positive, neutral and negative:
    the mood behind the net-sentiment line, where a week of 40% negative and 40% positive
    looks as calm as a week of only neutral mentions."""
    own = trend[(trend["brand"] == brand) & (trend["scored"] > 0)]
    mix = own.melt(
        id_vars=["period_start", "scored"],
        value_vars=list(MIX),
        var_name="sentiment",
        value_name="count",
    )
    mix = mix.assign(
        share=100 * mix["count"] / mix["scored"],
        order=mix["sentiment"].map({k: i for i, k in enumerate(MIX)}),
    )
    chart = (
        alt.Chart(mix, title=f"Sentiment mix per week ({brand or 'no brand'})")
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonthdate(period_start):O",
                title="Week of",
                axis=alt.Axis(format="%d %b", labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y(
                "share:Q",
                title="Share of scored mentions (%)",
                stack="zero",
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "sentiment:N",
                title="Sentiment",
                scale=alt.Scale(domain=list(MIX), range=[theme.SENTIMENT_COLORS[k] for k in MIX]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("period_start:T", title="Week of"),
                alt.Tooltip("sentiment:N", title="Sentiment"),
                alt.Tooltip("share:Q", title="Share (%)", format=".1f"),
                alt.Tooltip("count:Q", title="Mentions", format=","),
                alt.Tooltip("scored:Q", title="Scored that week", format=","),
            ],
        )
        .properties(height=300)
    )
    if own.empty:
        return chart, "No scored mentions in this period."
    last = own.iloc[-1]
    shares = {k: _pct(last[k], last["scored"]) for k in MIX}
    negative = 100 * own["negative"] / own["scored"]
    worst = own.loc[negative.idxmax()]
    summary = (
        f"In the week of {_day(last['period_start'])}, {shares['positive']} of "
        f"{brand}'s scored mentions were positive, {shares['neutral']} neutral and "
        f"{shares['negative']} negative; the negative share ran from "
        f"{negative.min():.0f}% to {negative.max():.0f}% (highest in the week of "
        f"{_day(worst['period_start'])})."
    )
    return chart, summary


def share_of_voice(share: pd.DataFrame, brands: list[str]) -> tuple[alt.Chart, str]:
    """Each brand's share of the mentions of every chosen brand."""
    chart = (
        alt.Chart(share, title="Share of voice (by mentions)")
        .mark_bar()
        .encode(
            y=alt.Y("brand:N", title=None, sort="-x"),
            x=alt.X("share_of_voice:Q", title="Share of voice (%)"),
            color=alt.Color("brand:N", scale=theme.brand_scale(brands), legend=None),
            tooltip=[
                "brand:N",
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
                alt.Tooltip("share_of_voice:Q", title="Share of voice (%)", format=".1f"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
            ],
        )
        .properties(height=alt.Step(44))
    )
    if share.empty:
        return chart, "No mentions in this period."
    ranked = share.sort_values("share_of_voice", ascending=False)
    lead = ranked.iloc[0]
    others = ", ".join(f"{r.brand} {r.share_of_voice:.0f}%" for r in ranked.iloc[1:].itertuples())
    summary = (
        f"{lead['brand']} holds {lead['share_of_voice']:.0f}% of the conversation "
        f"({int(lead['mentions']):,} mentions)"
    )
    summary += (
        f", against {others}." if others else ("; choose competitors in the sidebar to compare.")
    )
    return chart, summary


def topic_volumes(topics: pd.DataFrame) -> tuple[alt.Chart, str]:
    """The topics of the latest month in the period, by size, emerging ones highlighted."""
    if topics.empty:
        return alt.Chart(pd.DataFrame()).mark_bar(), "No topics in this period."
    latest = topics[topics["period_start"] == topics["period_start"].max()]
    frame = latest.assign(
        topic=latest["brand"] + " · " + latest["label"],
        status=latest["emerging"].map({True: "Emerging", False: "Established"}),
        growth_pct=100 * latest["growth"].astype("Float64"),
    )
    frame = frame[["topic", "brand", "label", "posts", "status", "growth_pct", "net_sentiment"]]
    month = f"{pd.Timestamp(latest['period_start'].iloc[0]):%B %Y}"
    chart = (
        alt.Chart(frame, title=f"Topics of {month}")
        .mark_bar()
        .encode(
            y=alt.Y(
                "topic:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320, labelOverlap=False)
            ),
            x=alt.X("posts:Q", title="Mentions"),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=["Emerging", "Established"], range=["#ef6c00", theme.PRIMARY]
                ),
            ),
            tooltip=[
                "brand:N",
                alt.Tooltip("label:N", title="Topic"),
                alt.Tooltip("posts:Q", title="Mentions"),
                alt.Tooltip("growth_pct:Q", title="Growth on previous month (%)", format="+.0f"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
            ],
        )
        .properties(height=alt.Step(24))
    )
    top = frame.sort_values("posts").iloc[-1]
    emerging = frame[frame["status"] == "Emerging"]
    summary = (
        f"In {month} the largest topic is {top['brand']}'s “{top['label']}” "
        f"({int(top['posts']):,} mentions); "
    )
    if emerging.empty:
        summary += "no topic is emerging."
    else:
        summary += (
            "emerging: "
            + ", ".join(
                f"{r.brand}'s “{r.label}” ({r.growth_pct:+.0f}%)" for r in emerging.itertuples()
            )
            + "."
        )
    return chart, summary
