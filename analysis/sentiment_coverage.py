"""How much of each language the product scores, and with what: the answer a reader needs
before trusting a sentiment share ("are the Romanian mentions in it at all?")."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from analysis.period import Period

LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "ro": "Romanian",
    "es": "Spanish",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "und": "Unknown",
}
LEXICON_NAMES = {
    "vaderSentiment-3.3.2": "English lexicon (VADER)",
    "vaderSentiment-fr-1.3.4": "French lexicon (VADER, French)",
}
NOT_SCORED = "Not scored"


def scorer_name(source: str | None) -> str:
    """A ``post_sentiment.source`` in words."""
    if source in LEXICON_NAMES:
        return LEXICON_NAMES[source]
    if source and source.startswith("sentiment-"):
        return f"Model trained on your labels ({source})"
    return NOT_SCORED


def language_coverage(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> pd.DataFrame:
    """Per language (its name and code), most posts first: posts, the share with a sentiment,
    how many people corrected, and what labels the rest (the model or lexicon labelling most
    of them)."""
    frame = con.execute(
        """
        SELECT coalesce(p.language, 'und') AS code, count(*) AS posts,
               avg(CASE WHEN s.label <> 'unscored' THEN 1.0 ELSE 0.0 END) AS scored_share,
               count(*) FILTER (WHERE s.source = 'human') AS corrected,
               mode(s.source) FILTER (WHERE s.source <> 'human') AS source
        FROM posts p JOIN post_sentiment s USING (post_id)
        WHERE $start IS NULL OR p.created_at::DATE BETWEEN $start AND $end
        GROUP BY code ORDER BY posts DESC, code
        """,
        {"start": period.start if period else None, "end": period.end if period else None},
    ).df()
    return pd.DataFrame(
        {
            "language": frame["code"].map(lambda code: LANGUAGE_NAMES.get(code, code.upper())),
            "code": frame["code"],
            "posts": frame["posts"],
            "scored_share": frame["scored_share"].round(4),
            "corrected": frame["corrected"],
            "scored_by": frame["source"].map(scorer_name),
        }
    )


def trained_models(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The newest trained model of each language: when, on how many labels, the candidate
    chosen, its held-out weighted F1 against the lexicon's, whether it labels posts, and its
    learning curve (labels used -> weighted F1)."""
    frame = con.execute(
        """
        SELECT language AS code, arg_max(model_version, trained_at) AS model_version,
               max(trained_at) AS trained_at,
               arg_max(training_rows, trained_at) AS labels,
               arg_max(promoted, trained_at) AS promoted,
               arg_max(metrics->>'$.model.candidate', trained_at) AS candidate,
               arg_max((metrics->>'$.model.weighted_f1')::DOUBLE, trained_at) AS weighted_f1,
               arg_max((metrics->>'$.vader.weighted_f1')::DOUBLE, trained_at) AS lexicon_f1,
               arg_max(coalesce(metrics->>'$.learning_curve', '[]'), trained_at) AS curve
        FROM sentiment_models GROUP BY language ORDER BY language
        """
    ).df()
    frame.insert(0, "language", frame.pop("code").map(lambda c: LANGUAGE_NAMES.get(c, c.upper())))
    frame["curve"] = frame["curve"].map(json.loads)
    return frame
