"""The demo year: when it starts, when the product launches, when the crisis hits.

Fixed dates, not "today", so the same seed builds the same warehouse on any day and the tests
can point at the launch and the crisis by date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SECOND = np.timedelta64(1, "s")
HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class DemoCalendar:
    end: np.datetime64 = np.datetime64("2026-11-01T00:00:00", "s")
    days: int = 365
    launch: np.datetime64 = np.datetime64("2026-04-14T15:00:00", "s")
    launch_days: int = 5
    crisis: np.datetime64 = np.datetime64("2026-09-15T08:00:00", "s")
    crisis_hours: int = 48

    @property
    def start(self) -> np.datetime64:
        return self.end - np.timedelta64(self.days, "D")

    def at(self, seconds: np.ndarray) -> np.ndarray:
        """Timestamps from seconds since the start of the demo year."""
        return self.start + seconds.astype("int64") * SECOND

    def seconds_of(self, moment: np.datetime64) -> int:
        return int((moment - self.start) / SECOND)

    def day_weights(self, growth: float) -> np.ndarray:
        """Relative volume per day: quieter weekends, ``growth`` more by the end of the year."""
        day = np.arange(self.days)
        weekday = (self.start.astype("datetime64[D]").view("int64") + day + 3) % 7  # 0 = Monday
        weekend = np.where(weekday >= 5, 0.7, 1.0)
        return (1.0 + growth * day / self.days) * weekend

    def random_seconds(self, rng: np.random.Generator, n: int, growth: float = 0.5) -> np.ndarray:
        """``n`` moments of the year, more by day than by night, weighted by ``day_weights``."""
        weights = self.day_weights(growth)
        day = rng.choice(self.days, size=n, p=weights / weights.sum())
        hour_weights = np.array(
            [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 2, 1], dtype=float
        )
        hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
        return day * DAY + hour * HOUR + rng.integers(0, HOUR, n)
