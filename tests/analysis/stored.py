"""What `pulse analyze` stores that the response figures read, for tests that load posts by
hand: the answered posts and the mentions needing a reply."""

import duckdb

from analysis.answered_posts import refresh_answered_posts
from analysis.response import refresh_inbound_mentions


def analysed(con: duckdb.DuckDBPyConnection) -> None:
    refresh_answered_posts(con)
    refresh_inbound_mentions(con)
