"""Charts of what people judge (aspects) and of how a trained model learns (its curve)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.components import theme


def aspect_bars(aspects: pd.DataFrame) -> tuple[alt.Chart, str]:
    """Negative and positive sentences per aspect, criticised ones first."""
    if aspects.empty:
        return alt.Chart(pd.DataFrame()).mark_bar(), "No aspect was judged in this period."
    named = aspects.assign(aspect=aspects["brand"] + " · " + aspects["term"])
    frame = named[["aspect", "net_sentiment", "negative", "positive"]].melt(
        id_vars=["aspect", "net_sentiment"],
        value_vars=["negative", "positive"],
        var_name="sentiment",
        value_name="count",
    )
    # Negative sentences to the left of zero, positive ones to the right.
    frame["count"] = frame["count"].where(frame["sentiment"] == "positive", -frame["count"])
    order = named["aspect"].tolist()
    chart = (
        alt.Chart(frame, title="Sentences about each aspect")
        .mark_bar()
        .encode(
            y=alt.Y("aspect:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            x=alt.X("count:Q", title="Negative sentences ← → positive sentences"),
            color=alt.Color(
                "sentiment:N",
                title=None,
                scale=alt.Scale(
                    domain=["negative", "positive"],
                    range=[theme.SENTIMENT_COLORS["negative"], theme.SENTIMENT_COLORS["positive"]],
                ),
            ),
            tooltip=[
                alt.Tooltip("aspect:N", title="Aspect"),
                alt.Tooltip("sentiment:N", title="Sentiment"),
                alt.Tooltip("count:Q", title="Sentences (negative below zero)", format=",d"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
            ],
        )
    )
    criticised = aspects[aspects["side"] == "criticised"]
    worst = criticised.loc[criticised["negative"].idxmax()] if not criticised.empty else None
    summary = (
        f"Most criticised: {worst['term']} ({worst['brand']}, {int(worst['negative']):,} "
        "negative sentences)."
        if worst is not None
        else "No aspect has more negative than positive sentences."
    )
    return chart, summary


def learning_curve(curve: list[dict], lexicon_f1: float) -> tuple[alt.Chart, str]:
    """Held-out weighted F1 against the labels used, with the lexicon's as a line."""
    frame = pd.DataFrame(curve)
    line = (
        alt.Chart(frame, title="Accuracy as labels grow")
        .mark_line(point=True, color=theme.PRIMARY)
        .encode(
            x=alt.X("labels:Q", title="Labels used"),
            y=alt.Y("weighted_f1:Q", title="Weighted F1 (held out)", scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("labels:Q", title="Labels", format=",d"),
                alt.Tooltip("weighted_f1:Q", title="Weighted F1", format=".3f"),
            ],
        )
    )
    lexicon = (
        alt.Chart(pd.DataFrame({"lexicon": [lexicon_f1]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="lexicon:Q")
    )
    first, last = curve[0], curve[-1]
    summary = (
        f"From {first['labels']:,} to {last['labels']:,} labels, weighted F1 went from "
        f"{first['weighted_f1']:.3f} to {last['weighted_f1']:.3f}; the lexicon scores "
        f"{lexicon_f1:.3f} (dashed)."
    )
    return line + lexicon, summary
