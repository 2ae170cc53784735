"""Stop a collector the way Ctrl-C does, right after the runner has stored a given page."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.base import Collector, Page


def interrupted_after(collector: Collector, pages: int) -> Collector:
    """The same collector, whose run raises ``KeyboardInterrupt`` when it asks for the page
    after ``pages``: those pages are committed, the rest of the run never happens."""
    fetch = collector.fetch

    def fetch_then_stop(cursors) -> Iterator[Page]:
        for number, page in enumerate(fetch(cursors), start=1):
            yield page
            if number == pages:
                raise KeyboardInterrupt

    collector.fetch = fetch_then_stop
    return collector
