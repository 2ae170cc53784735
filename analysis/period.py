"""The reporting period every analysis function takes: whole days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def since(self) -> datetime:
        """The first instant inside the period (UTC)."""
        return datetime.combine(self.start, time.min)

    @property
    def until(self) -> datetime:
        """The first instant after the period (UTC), so ``created_at < until`` keeps the end day."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
