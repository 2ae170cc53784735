"""The evidence of an alert: its top terms and example posts, read from the posts it counted.

A number alone ("120 negative mentions") tells no one what happened; the words the burst's posts
use most and a few of its most engaged posts do. Both come from the same posts the scan counted
(only the negative ones for a crisis, reposts only when they were counted), so the evidence never
shows what the alert did not measure. A brand's own words are left out of the terms: every
mention contains them. Texts that differ only by handles and links are one example, so three
copies of a repost never fill the list.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from analysis.stop_words import stop_words

TOP_TERMS = 5
EXAMPLES = 3

# Terms by how many of the episode's posts use them; examples the most engaged posts saying
# different things, originals before reposts.
_EVIDENCE = r"""
WITH posts_of AS (
    SELECT e.episode_key, e.brand, p.post_id, p.kind, p.created_at,
           trim(regexp_replace(regexp_replace(lower(p.text),
               '(https?://|www\.)\S+|@[\pL\pN_]+', ' ', 'g'), '[^\pL\pN]+', ' ', 'g'))
               AS doc
    FROM _episodes e JOIN brand_matches m ON m.brand = e.brand
    JOIN posts p ON p.post_id = m.post_id
         AND p.created_at >= e.window_start AND p.created_at < e.window_end
         AND p.created_at >= $first AND p.created_at < $last
    LEFT JOIN post_sentiment s ON s.post_id = p.post_id
    WHERE (e.kind <> 'crisis' OR s.label = 'negative')
      AND ($reposts OR p.kind <> 'share')
),
terms AS (
    SELECT episode_key, term, count(*) AS n
    FROM posts_of d,
         unnest(string_split(d.doc, ' ')) AS t(term)
    WHERE length(term) >= 3 AND NOT regexp_matches(term, '^\d+$')
      AND NOT list_contains($stop, term)
      AND NOT EXISTS (SELECT 1 FROM _brand_words w
                      WHERE w.brand = d.brand AND w.word = term)
    GROUP BY ALL
),
engaged AS (
    SELECT post_id, arg_max(coalesce(likes, 0) + coalesce(shares, 0)
           + coalesce(replies, 0) + coalesce(quotes, 0), taken_at) AS engagements
    FROM engagement_snapshots
    WHERE post_id IN (SELECT post_id FROM posts_of) GROUP BY post_id
),
examples AS (
    SELECT episode_key, post_id, kind = 'share' AS is_share,
           coalesce(g.engagements, 0) AS engagements, created_at
    FROM posts_of LEFT JOIN engaged g USING (post_id)
    QUALIFY row_number() OVER (PARTITION BY episode_key, doc
                               ORDER BY is_share, engagements DESC, created_at) = 1
)
SELECT e.episode_key,
       coalesce((SELECT list(term ORDER BY n DESC, term)[1:$terms] FROM terms t
                 WHERE t.episode_key = e.episode_key), []) AS top_terms,
       coalesce((SELECT list(post_id ORDER BY is_share, engagements DESC,
                             created_at, post_id)[1:$examples]
                 FROM examples x WHERE x.episode_key = e.episode_key), [])
           AS example_post_ids
FROM _episodes e
"""


def _brand_words(con: duckdb.DuckDBPyConnection, brands: list[str]) -> pd.DataFrame:
    """Each brand's own words (its name and the terms of the rules that matched it): every
    mention contains them, so as top terms they would say nothing."""
    rules = con.execute(
        "SELECT DISTINCT brand, rule FROM brand_matches WHERE list_contains(?, brand)", [brands]
    ).fetchall()
    words = set()
    for brand, rule in [*((b, "") for b in brands), *rules]:
        for form in (brand, (rule or "").partition(":")[2]):
            parts = re.findall(r"[^\W_]+", form.lower())
            words.update((brand, w) for w in [*parts, "".join(parts)] if w)
    return pd.DataFrame(sorted(words), columns=["brand", "word"])


def add_evidence(
    con: duckdb.DuckDBPyConnection, episodes: pd.DataFrame, reposts: bool
) -> pd.DataFrame:
    """``episodes`` with the ``top_terms`` and ``example_post_ids`` of the posts each counted
    (``reposts``: whether the scan counted reposts)."""
    con.register(
        "_episodes", episodes[["episode_key", "brand", "kind", "window_start", "window_end"]]
    )
    con.register("_brand_words", _brand_words(con, sorted(episodes["brand"].unique())))
    try:
        described = con.execute(
            _EVIDENCE,
            {
                "stop": stop_words(),
                "terms": TOP_TERMS,
                "examples": EXAMPLES,
                "reposts": reposts,
                "first": episodes["window_start"].min(),
                "last": episodes["window_end"].max(),
            },
        ).df()
    finally:
        con.unregister("_episodes")
        con.unregister("_brand_words")
    return episodes.merge(described, on="episode_key")
