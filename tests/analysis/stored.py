"""What `pulse analyze` stores that the response figures read, for tests that load posts by
hand: the mention index and the answered posts."""

import duckdb

from analysis.answered_posts import refresh_answered_posts
from analysis.mention_index import refresh_mention_index


def analysed(con: duckdb.DuckDBPyConnection) -> None:
    refresh_mention_index(con)
    refresh_answered_posts(con)
