"""The brand's own accounts among a page's authors.

A reply counts as the brand's answer when its author is owned (``authors.is_owned``), which is
what response rate and time measure. The configuration names the accounts; every collector that
may see them marks them, so the brand's replies found by a search count the same as those read
from its own timeline.
"""

from __future__ import annotations

from collections.abc import Iterable

from collectors.base import Rows


def mark_owned(rows: Rows, handles: Iterable[str]) -> Rows:
    """Rows whose authors say which of them are the brand's (handles compare without case and
    without a leading ``@``). With no handles configured the rows are left as they are, so an
    ownership set elsewhere is never overwritten."""
    owned = {handle.lstrip("@").casefold() for handle in handles}
    authors = rows.get("authors")
    if not owned or authors is None or authors.empty:
        return rows
    flags = authors["handle"].fillna("").str.lstrip("@").str.casefold().isin(owned)
    return {**rows, "authors": authors.assign(is_owned=flags)}
