"""The demo organisation's channels: one per department, location and employee type, topic
communities, the company-wide announcement and continuity channels, and restricted executive
and crisis channels.

Every kind of segment the analysis reports on has a channel, and the restricted ones exist so
that access rules have something to hide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo.organisation import DEPARTMENTS, LOCATIONS, Organisation

TOPICS = ("ask-it", "trail-testers", "ideas-lab")
COLUMNS = [
    "channel_id",
    "platform",
    "name",
    "segment_type",
    "segment_value",
    "sensitivity",
    "restricted_to",
    "purpose",
    "audience_size",
]


@dataclass(frozen=True)
class Channel:
    """One channel and the employees in it; restricted when it names who it is restricted to."""

    platform: str
    name: str
    segment_type: str | None
    segment_value: str | None
    purpose: str
    members: np.ndarray
    restricted_to: str | None = None

    @property
    def channel_id(self) -> str:
        return f"{self.platform}:{self.name}"

    def row(self) -> tuple:
        sensitivity = "restricted" if self.restricted_to else "internal"
        return (
            self.channel_id,
            self.platform,
            self.name,
            self.segment_type,
            self.segment_value,
            sensitivity,
            self.restricted_to,
            self.purpose,
            len(self.members),
        )


def _slug(name: str) -> str:
    return name.lower().replace(" & ", "-").replace(" ", "-")


def _segment_channels(org: Organisation, everyone: np.ndarray) -> list[Channel]:
    """Slack channels for each department and location, and the frontline hub."""

    def segment(name: str, segment_type: str, value: str, who: np.ndarray) -> Channel:
        return Channel("slack", name, segment_type, value, "general", who)

    return (
        [
            segment(f"dept-{_slug(dept)}", "department", dept, everyone[org.department == dept])
            for dept, _ in DEPARTMENTS
        ]
        + [
            segment(f"loc-{_slug(loc)}", "location", loc, everyone[org.location == loc])
            for loc, _ in LOCATIONS
        ]
        + [
            segment(
                "frontline-hub",
                "employee_type",
                "frontline",
                everyone[org.employee_type == "frontline"],
            )
        ]
    )


def _company_channels(everyone: np.ndarray) -> list[Channel]:
    """Channels everyone is in: topic communities, announcements and business continuity."""
    return [
        Channel("viva_engage", topic, "topic", topic, "community", everyone) for topic in TOPICS
    ] + [
        Channel("viva_engage", "announcements", "company", "all", "announcements", everyone),
        Channel("teams", "continuity-updates", "company", "all", "business_continuity", everyone),
    ]


def _restricted_channels(org: Organisation, everyone: np.ndarray) -> list[Channel]:
    """The executives' channel and the crisis team's, closed to everyone else."""
    return [
        Channel(
            "slack",
            "exec-leadership",
            None,
            None,
            "leadership",
            everyone[org.executive],
            restricted_to="executives",
        ),
        Channel(
            "teams",
            "crisis-response",
            None,
            None,
            "crisis",
            everyone[org.crisis_team],
            restricted_to="crisis_team",
        ),
    ]


def build_channels(org: Organisation) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The ``channels`` rows and each channel's members, in one fixed order (the order in which
    messages are later spread over channels)."""
    everyone = np.arange(len(org.person))
    channels = (
        _segment_channels(org, everyone)
        + _company_channels(everyone)
        + _restricted_channels(org, everyone)
    )
    frame = pd.DataFrame([c.row() for c in channels], columns=COLUMNS).assign(scope="internal")
    return frame, {c.channel_id: c.members for c in channels}
