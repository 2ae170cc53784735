"""The expert finder: who in the organisation knows about a topic, with the posts that show it.

A person's score on a topic adds up, over the internal posts they wrote whose text contains every
word of the query (whole words, any case), questions they asked excepted:

    POST_POINTS + REPLY_POINTS x replies from others + REACTION_POINTS x reactions from others

plus ANSWER_POINTS for each question on the topic they answered: a reply of theirs in a thread
whose opening post asks something (contains "?") and contains every query word. What others
responded to, and questions answered, weigh more than volume: writing a lot about the ERP does not
make an ERP expert, being the one people thank does.

Posts in channels whose sensitivity is ``restricted`` (executive, crisis) are left out of the
score and the evidence: an expert list must not leak what was said there. Departments and
locations are folded by the privacy floor like every other internal figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from analysis.privacy_floor import filter_condition, folded_directory, folding
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

POST_POINTS = 1.0
REPLY_POINTS = 1.0
REACTION_POINTS = 0.5
ANSWER_POINTS = 2.0
EVIDENCE_POSTS = 3
SNIPPET_CHARS = 80

COLUMNS = [
    "person_id",
    "person",
    "department",
    "location",
    "score",
    "posts",
    "replies_received",
    "reactions_received",
    "answers",
    "evidence",
]

# Letters and digits in any script: DuckDB's regular expressions (RE2) read ``\b`` as ASCII only,
# which would find "équipe" inside "coéquipe".
_WORD_EDGE = r"[^\pL\pN_]"


def query_words(query: str) -> list[str]:
    """The distinct words of ``query``, lower-cased, in order."""
    return list(dict.fromkeys(re.findall(r"\w+", query.lower())))


def _word_patterns(words: list[str]) -> list[str]:
    """One case-insensitive whole-word pattern per word; every one is a query parameter."""
    return [f"(?i)(^|{_WORD_EDGE}){re.escape(word)}({_WORD_EDGE}|$)" for word in words]


def _moment(day: date | datetime | None, next_day: bool = False) -> datetime | None:
    """A date as the midnight that starts it (or, ``next_day``, ends it); a datetime as is."""
    if day is None or isinstance(day, datetime):
        return day
    return datetime.combine(day + timedelta(days=1 if next_day else 0), datetime.min.time())


# One statement for the whole ranking. Filled in per call: ``matches`` (every query word, as
# ``$wordN`` patterns), ``chosen`` (the people a filter keeps, or nothing); the weights below.
_EXPERTS = """
WITH visible AS (
    SELECT p.post_id, p.author_id, p.text, p.created_at, p.parent_id,
           coalesce(p.thread_id, p.parent_id) AS root_id
    FROM posts p JOIN channels c USING (channel_id)
    WHERE c.scope = 'internal' AND c.sensitivity <> 'restricted'
      AND p.author_id IS NOT NULL
),
topic_posts AS (  -- asking about a topic is not knowing it: questions only count
    SELECT * FROM visible   -- for the people who answer them
    WHERE ({matches}) AND ($since::TIMESTAMP IS NULL OR created_at >= $since)
      AND ($until::TIMESTAMP IS NULL OR created_at < $until)
      AND NOT (parent_id IS NULL AND strpos(text, '?') > 0)
),
replies AS (
    SELECT t.post_id, count(*) AS replies FROM topic_posts t
    JOIN posts r ON r.parent_id = t.post_id AND r.author_id <> t.author_id
     AND ($until::TIMESTAMP IS NULL OR r.created_at < $until)
    GROUP BY t.post_id
),
reactions AS (
    SELECT t.post_id, count(*) AS reactions FROM topic_posts t
    JOIN interactions i ON i.post_id = t.post_id AND i.kind = 'reaction'
     AND i.actor_id <> t.author_id
     AND ($until::TIMESTAMP IS NULL OR i.created_at < $until)
    GROUP BY t.post_id
),
scored AS (
    SELECT t.*, coalesce(r.replies, 0) AS replies,
           coalesce(x.reactions, 0) AS reactions,
           {post_points} + {reply_points} * coalesce(r.replies, 0)
               + {reaction_points} * coalesce(x.reactions, 0) AS points
    FROM topic_posts t LEFT JOIN replies r USING (post_id)
    LEFT JOIN reactions x USING (post_id)
),
questions AS (
    SELECT post_id, author_id FROM visible
    WHERE parent_id IS NULL AND strpos(text, '?') > 0 AND ({matches})
),
answers AS (
    SELECT a.post_id, a.author_id, a.text, a.created_at, q.post_id AS question_id
    FROM visible a JOIN questions q ON q.post_id = a.root_id
    WHERE a.parent_id IS NOT NULL AND a.author_id <> q.author_id
      AND ($since::TIMESTAMP IS NULL OR a.created_at >= $since)
      AND ($until::TIMESTAMP IS NULL OR a.created_at < $until)
    QUALIFY row_number() OVER (PARTITION BY a.author_id, q.post_id
                               ORDER BY a.created_at, a.post_id) = 1
),
evidence_items AS (
    SELECT author_id, post_id, any_value(text) AS text,
           any_value(created_at) AS created_at, sum(points) AS points
    FROM (SELECT author_id, post_id, text, created_at, points FROM scored
          UNION ALL
          SELECT author_id, post_id, text, created_at, {answer_points} FROM answers)
    GROUP BY author_id, post_id
),
evidence AS (
    SELECT author_id, list({{'post_id': post_id, 'snippet':
               CASE WHEN length(text) > {snippet_chars}
                    THEN left(text, {snippet_cut}) || '…' ELSE text END}}
               ORDER BY points DESC, created_at DESC, post_id
           )[1:{evidence_posts}] AS evidence
    FROM evidence_items GROUP BY author_id
),
per_person AS (
    SELECT author_id, count(*) AS posts, sum(replies) AS replies_received,
           sum(reactions) AS reactions_received, sum(points) AS points
    FROM scored GROUP BY author_id
),
answered AS (
    SELECT author_id, count(*) AS answers FROM answers GROUP BY author_id
)
SELECT e.author_id AS person_id, coalesce(a.display_name, e.author_id) AS person,
       d.reported AS department, l.reported AS location,
       coalesce(p.points, 0) + {answer_points} * coalesce(q.answers, 0) AS score,
       coalesce(p.posts, 0)::BIGINT AS posts,
       coalesce(p.replies_received, 0)::BIGINT AS replies_received,
       coalesce(p.reactions_received, 0)::BIGINT AS reactions_received,
       coalesce(q.answers, 0)::BIGINT AS answers, e.evidence
FROM evidence e
LEFT JOIN per_person p USING (author_id) LEFT JOIN answered q USING (author_id)
LEFT JOIN authors a ON a.author_id = e.author_id
LEFT JOIN _expert_departments d ON d.value = coalesce(a.department, 'Unknown')
LEFT JOIN _expert_locations l ON l.value = coalesce(a.location, 'Unknown')
{chosen}
ORDER BY score DESC, person_id LIMIT $limit
"""
_WEIGHTS = {
    "post_points": POST_POINTS,
    "reply_points": REPLY_POINTS,
    "reaction_points": REACTION_POINTS,
    "answer_points": ANSWER_POINTS,
    "snippet_chars": SNIPPET_CHARS,
    "snippet_cut": SNIPPET_CHARS - 1,
    "evidence_posts": EVIDENCE_POSTS,
}


def find_experts(
    con: duckdb.DuckDBPyConnection,
    query: str,
    limit: int = 10,
    since: date | datetime | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    until: date | datetime | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    every_word: bool = True,
) -> pd.DataFrame:
    """People ranked by what they wrote on ``query`` and the questions on it they answered.
    A post is on the topic when it holds every word of ``query`` (or, ``every_word=False``, any
    of them: what a search that found nobody falls back to).

    Columns: person_id (pseudonym), person (display name when stored, else the pseudonym),
    department and location (privacy floor applied), score, posts, replies_received,
    reactions_received, answers, evidence (up to three ``{post_id, snippet}``, strongest first).
    Only posts (and answers) written on or after ``since`` count, when given, and only posts,
    answers, replies and reactions before ``until`` (a date includes that whole day), so a
    period's experts are those of what was said in it. ``filters`` (department, location,
    employee type: the reported values ``privacy_floor.selectable_values`` offers) keep the people
    they select.
    """
    patterns = _word_patterns(query_words(query))
    if not patterns:
        return pd.DataFrame(columns=COLUMNS)
    joined = " AND " if every_word else " OR "
    matches = joined.join(f"regexp_matches(text, $word{i})" for i in range(len(patterns)))
    filters = {name: list(values) for name, values in (filters or {}).items() if values}
    condition, condition_params = filter_condition(filters)
    params = {
        "since": _moment(since),
        "until": _moment(until, next_day=True),
        "limit": limit,
        **{f"word{i}": pattern for i, pattern in enumerate(patterns)},
        **condition_params,
    }
    con.register("_expert_departments", folding(con, min_group_size, ("department",)))
    con.register("_expert_locations", folding(con, min_group_size, ("location",)))
    try:
        with folded_directory(con, min_group_size) as people_sql:
            chosen = (
                f"WHERE e.author_id IN (SELECT person FROM ({people_sql}) WHERE {condition})"
                if filters
                else ""
            )
            experts = con.execute(
                _EXPERTS.format(matches=matches, chosen=chosen, **_WEIGHTS),
                params,
            ).df()
    finally:
        con.unregister("_expert_departments")
        con.unregister("_expert_locations")
    experts["evidence"] = experts["evidence"].map(list)  # plain lists: JSON and tables read them
    for column in ("department", "location"):  # a withheld group is None, not NaN, in JSON
        experts[column] = experts[column].astype(object).where(experts[column].notna(), None)
    return experts
