"""Which posts to label next: the ones whose label would teach the model most.

Uncertainty sampling: a promoted model is least sure where its two likeliest labels are nearly
tied (a small margin), the lexicon where its compound is near zero, and a language with neither
is all uncertainty. Suggestions take turns across topics (the most uncertain post of each topic,
then the second of each...), so a few hundred labels cover the whole conversation instead of
one noisy thread, and each text is suggested once however often it was reposted.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.period import Period

DEFAULT_SUGGESTIONS = 20
NO_TOPIC = "No topic"


def suggest_labels(
    con: duckdb.DuckDBPyConnection,
    limit: int = DEFAULT_SUGGESTIONS,
    language: str = "en",
    period: Period | None = None,
) -> pd.DataFrame:
    """Mentions in ``language`` nobody has labelled, most informative first: post_id, topic,
    uncertainty (0 sure .. 1 no idea), the label they have now and the text."""
    return con.execute(
        """
        WITH strongest_topic AS (
            SELECT post_id, arg_max(topic_id, weight) AS topic_id FROM post_topics GROUP BY post_id
        ),
        candidates AS (
            SELECT i.post_id, i.created_at, p.text, coalesce(t.label, $no_topic) AS topic,
                   CASE WHEN m.post_id IS NOT NULL THEN
                            1 - (greatest(m.positive, m.neutral, m.negative)
                                 - (m.positive + m.neutral + m.negative
                                    - greatest(m.positive, m.neutral, m.negative)
                                    - least(m.positive, m.neutral, m.negative)))
                        WHEN v.compound IS NOT NULL THEN 1 - abs(v.compound)
                        ELSE 1.0 END AS uncertainty,
                   coalesce(m.label, v.label, 'unscored') AS label
            FROM mention_index i
            JOIN posts p ON p.post_id = i.post_id
            LEFT JOIN sentiment_scores v ON v.post_id = i.post_id AND v.method = 'vader'
            LEFT JOIN sentiment_scores m ON m.post_id = i.post_id AND m.method = 'model'
            LEFT JOIN strongest_topic s ON s.post_id = i.post_id
            LEFT JOIN topics t ON t.topic_id = s.topic_id
            WHERE coalesce(p.language, 'und') = $language
              AND ($start IS NULL OR i.created_at::DATE BETWEEN $start AND $end)
              AND NOT EXISTS (SELECT 1 FROM sentiment_corrections c WHERE c.post_id = i.post_id)
        ),
        one_per_text AS (
            SELECT * FROM candidates
            QUALIFY row_number() OVER (PARTITION BY text ORDER BY uncertainty DESC, post_id) = 1
        ),
        turns AS (
            SELECT *, row_number() OVER (PARTITION BY topic ORDER BY uncertainty DESC, post_id)
                   AS turn
            FROM one_per_text
        )
        SELECT post_id, topic, round(uncertainty, 4) AS uncertainty, label, text
        FROM turns ORDER BY turn, uncertainty DESC, post_id LIMIT $limit
        """,
        {
            "language": language,
            "limit": limit,
            "no_topic": NO_TOPIC,
            "start": period.start if period else None,
            "end": period.end if period else None,
        },
    ).df()
