"""Which posts were answered, and when: the ``answered_posts`` table the ROI's support-deflection
and search-time lines count, rewritten by ``pulse analyze``."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.loader import transaction

# What an answer is (the metric reference): an external mention (not a repost, not by an owned
# account) with a reply by an owned account, not a repost; an internal question (a top-level
# post with a "?") with a reply in its thread by someone else. ``answered_at`` is the first one.
_ANSWERED = """
WITH owned AS (SELECT author_id FROM authors WHERE is_owned)
SELECT m.post_id, 'mention' AS kind, m.created_at, min(r.created_at) AS answered_at
FROM posts m
JOIN channels c ON c.channel_id = m.channel_id AND c.scope = 'external'
JOIN posts r ON r.parent_id = m.post_id AND r.kind <> 'share'
WHERE coalesce(m.author_id NOT IN (SELECT author_id FROM owned), true) AND m.kind <> 'share'
  AND r.author_id IN (SELECT author_id FROM owned)
GROUP BY m.post_id, m.created_at
UNION ALL
SELECT q.post_id, 'question', q.created_at, min(r.created_at)
FROM posts q
JOIN channels c ON c.channel_id = q.channel_id AND c.scope = 'internal'
JOIN posts r ON coalesce(r.thread_id, r.parent_id) = q.post_id AND r.post_id <> q.post_id
            AND r.author_id <> q.author_id
WHERE q.parent_id IS NULL AND q.kind = 'post' AND contains(q.text, '?')
GROUP BY q.post_id, q.created_at
"""


def refresh_answered_posts(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite ``answered_posts`` from the posts (about a second at ten million mentions);
    return how many posts were answered."""
    with transaction(con):
        con.execute("DELETE FROM answered_posts")
        return con.execute(f"INSERT INTO answered_posts {_ANSWERED}").fetchall()[0][0]
