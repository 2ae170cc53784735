"""Alerts on arrival: the spike scan runs as new brand mentions land, not at the next analyze.

A crisis "can go full blown in minutes", so waiting for `pulse analyze` (and a poll before it)
costs the half hour that matters. After a turn commits brand mentions, this scores the new posts
(the crisis measure counts negative ones), scans the open window and notifies a new episode at
once. All three steps are the ones `pulse analyze` runs, and each is incremental already: the
lexicon scores only unscored posts, the scan judges the hours since its cursor (a margin before,
for an episode still growing), and a notification goes once per episode whoever finds it first.

The scan covers every brand, not only the ones that just got mentions: its expected counts share
one hour-of-day profile pooled over brands, so scanning a subset would judge those brands by
another baseline than `pulse analyze` does. Its cost is that of the open window, not of history.

At most one scan every ``every_seconds``: under a burst of thousands of posts a second, scanning
each commit would make the writer scan instead of write; a few seconds' wait is the price.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import duckdb
import pandas as pd

from analysis.notify import notify_new_alerts
from analysis.sentiment import score_new_posts
from analysis.spikes import detect_alerts
from socialpulse.config import Settings

log = logging.getLogger(__name__)


class ArrivalScan:
    """The writer's arrival hook: remembers that mentions landed, runs the scan when due."""

    def __init__(
        self,
        settings: Settings,
        every_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_alert: Callable[[pd.DataFrame], None] | None = None,
    ) -> None:
        self.settings = settings
        self.every_seconds = every_seconds
        self.clock = clock
        self.on_alert = on_alert
        self.pending = 0
        self.last_run: float | None = None
        self.scans = 0

    def landed(self, matched: int) -> None:
        self.pending += matched

    def due(self) -> bool:
        if not self.pending:
            return False
        return self.last_run is None or self.clock() - self.last_run >= self.every_seconds

    def run(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """Score, scan and notify; returns the alerts notified by this scan."""
        self.pending, self.last_run = 0, self.clock()
        score_new_posts(con)
        detect_alerts(con, self.settings)
        sent = notify_new_alerts(con, self.settings)
        self.scans += 1
        if len(sent):
            log.warning("alert on arrival: %s episode(s) notified", len(sent))
            if self.on_alert is not None:
                self.on_alert(sent)
        return sent
