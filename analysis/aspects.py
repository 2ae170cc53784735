"""Aspects: what people are positive and negative *about*, per brand and period.

A topic's top terms name what its mentions discuss ("zipper", "delivery", "trailhead"); the
sentences that name such a term carry the judgement of it. Each sentence is scored on its own
(a post praising the shell and cursing the zipper is one positive and one negative sentence, not
one neutral post), and terms that are opinions themselves ("awful", "great": in the lexicon) are
left out, since "people are negative about awful" says nothing. Splitting, word matching and
counting are SQL; only the distinct sentences that name a term go through the lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import date

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.sentiment import LEXICONS, NEGATIVE_AT, POSITIVE_AT, analyzer, score_texts
from socialpulse.warehouse import transaction

MIN_SENTENCES = 3  # fewer sentences than this is an anecdote, not an aspect
SENTENCE_BREAKS = r"[.!?;]+\s+|\n+"
WORDS = r"[\p{L}\p{N}#@'']+"  # '' is a quote inside the SQL literal


def _opinion_words() -> pd.DataFrame:
    words = {word for language in LEXICONS for word in analyzer(language).lexicon}
    return pd.DataFrame({"word": sorted(words)})


def _recomputed_since(con: duckdb.DuckDBPyConnection, periods: int | None) -> date | None:
    """The first period to recompute: all of them the first time (or when asked), else the
    newest ``periods`` topic periods, the ones `pulse analyze` just recomputed."""
    first_time = con.execute("SELECT count(*) FROM topic_aspects").fetchall()[0][0] == 0
    starts = con.execute(
        "SELECT DISTINCT period_start FROM topics ORDER BY period_start DESC"
    ).fetchall()
    if not starts:
        return None
    if first_time or periods is None:
        return starts[-1][0]
    return starts[min(periods, len(starts)) - 1][0]


def _store_sentences(con: duckdb.DuckDBPyConnection, since: date) -> None:
    """``_aspect_sentences``: each sentence of a topic's post that names one of its terms."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _aspect_sentences AS
        WITH sentences AS (
            SELECT t.brand, t.period_start, t.top_terms, p.post_id,
                   coalesce(p.language, 'und') AS language,
                   trim(unnest(string_split_regex(p.text, '{SENTENCE_BREAKS}'))) AS sentence
            FROM topics t
            JOIN post_topics pt ON pt.topic_id = t.topic_id
            JOIN posts p ON p.post_id = pt.post_id
            WHERE t.period_start >= $since AND coalesce(p.language, 'und') IN $lexicons
        ),
        words AS (
            SELECT DISTINCT brand, period_start, top_terms, post_id, language, sentence,
                   unnest(regexp_extract_all(lower(sentence), '{WORDS}')) AS word
            FROM sentences
        )
        SELECT brand, period_start, word AS term, post_id, language, sentence
        FROM words
        WHERE list_contains(top_terms, word)
          AND word NOT IN (SELECT word FROM _opinion_words)
        """,
        {"since": since, "lexicons": sorted(LEXICONS)},
    )


def _scored_sentences(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    distinct = con.execute("SELECT DISTINCT sentence, language FROM _aspect_sentences").df()
    frames = [
        score_texts(group["sentence"], language)[["compound"]]
        .rename_axis("sentence")
        .reset_index()
        .assign(language=language)
        for language, group in distinct.groupby("language")
    ]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["sentence", "compound", "language"])
    )


def refresh_aspects(con: duckdb.DuckDBPyConnection, periods: int | None = 2) -> int:
    """Recompute the aspects of the periods whose topics were just recomputed; return how many
    aspects are stored for them."""
    since = _recomputed_since(con, periods)
    if since is None:
        return 0
    con.register("_opinion_words", _opinion_words())
    try:
        _store_sentences(con, since)
        con.register("_sentence_scores", _scored_sentences(con))
        with transaction(con):  # the months are replaced whole, or kept as they were
            con.execute("DELETE FROM topic_aspects WHERE period_start >= ?", [since])
            return con.execute(
                """
                INSERT INTO topic_aspects BY NAME
                SELECT brand, period_start, term, count(DISTINCT post_id) AS mentions,
                       count(*) AS sentences,
                       count(*) FILTER (WHERE compound >= $positive) AS positive,
                       count(*) FILTER (WHERE compound <= $negative) AS negative,
                       round(100.0 * (count(*) FILTER (WHERE compound >= $positive)
                                      - count(*) FILTER (WHERE compound <= $negative))
                                     / count(*), 1)
                           AS net_sentiment,
                       arg_min(post_id, compound) FILTER (WHERE compound <= $negative)
                           AS most_negative_post_id,
                       arg_max(post_id, compound) FILTER (WHERE compound >= $positive)
                           AS most_positive_post_id,
                       now()::TIMESTAMP AS computed_at
                FROM _aspect_sentences JOIN _sentence_scores USING (sentence, language)
                GROUP BY brand, period_start, term
                HAVING count(*) >= $min_sentences
                """,
                {"positive": POSITIVE_AT, "negative": NEGATIVE_AT, "min_sentences": MIN_SENTENCES},
            ).fetchall()[0][0]
    finally:
        con.execute("DROP TABLE IF EXISTS _aspect_sentences")
        for name in ("_opinion_words", "_sentence_scores"):
            with suppress(duckdb.Error):
                con.unregister(name)


def aspects_in_period(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    limit: int = 8,
) -> pd.DataFrame:
    """Per brand, the aspects of the stored periods overlapping ``period``, summed over them:
    the ``limit`` most criticised (net negative, most negative sentences first) and most praised
    (net positive, most positive sentences first), each with its net sentiment and the change
    against the period before (the same term, the month before the first one chosen)."""
    return con.execute(
        """
        WITH chosen AS (
            SELECT brand, term, sum(mentions)::BIGINT AS mentions,
                   sum(sentences)::BIGINT AS sentences, sum(positive)::BIGINT AS positive,
                   sum(negative)::BIGINT AS negative,
                   min(period_start) AS first_start,
                   arg_max(most_negative_post_id, negative) AS most_negative_post_id,
                   arg_max(most_positive_post_id, positive) AS most_positive_post_id
            FROM topic_aspects
            WHERE period_start BETWEEN date_trunc('month', $start::DATE) AND $end
              AND ($brands::VARCHAR[] IS NULL OR list_contains($brands::VARCHAR[], brand))
            GROUP BY brand, term
        ),
        measured AS (
            SELECT c.*, round(100.0 * (c.positive - c.negative) / c.sentences, 1)
                       AS net_sentiment,
                   round(100.0 * (b.positive - b.negative) / b.sentences, 1) AS previous_net
            FROM chosen c LEFT JOIN topic_aspects b
              ON b.brand = c.brand AND b.term = c.term
             AND b.period_start = c.first_start - INTERVAL 1 MONTH
        ),
        sided AS (
            SELECT *, CASE WHEN net_sentiment < 0 THEN 'criticised' ELSE 'praised' END AS side
            FROM measured WHERE net_sentiment <> 0
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                       PARTITION BY brand, side
                       ORDER BY CASE WHEN side = 'criticised' THEN negative ELSE positive END DESC,
                                term) AS rank
            FROM sided
        )
        SELECT brand, side, term, mentions, sentences, positive, negative, net_sentiment,
               net_sentiment - previous_net AS net_change,
               CASE WHEN side = 'criticised' THEN most_negative_post_id
                    ELSE most_positive_post_id END AS example_post_id
        FROM ranked WHERE rank <= $limit
        ORDER BY brand, side, rank
        """,
        {
            "start": period.start,
            "end": period.end,
            "brands": list(brands) if brands else None,
            "limit": limit,
        },
    ).df()
