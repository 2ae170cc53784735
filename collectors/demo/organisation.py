"""The demo organisation's people: about 600 employees in 10 departments (one, Legal, smaller
than the privacy floor), 5 locations and 3 employee types, and who of them speaks when.

Participation grows over the year as people adopt the network and a third never post (the
lurkers every network has), so adoption and reach figures have a shape to find.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo.calendar import DAY, DemoCalendar
from socialpulse.privacy import pseudonymise

DEPARTMENTS = (
    ("Engineering", 110),
    ("Sales", 90),
    ("Customer Support", 80),
    ("Retail Operations", 120),
    ("Marketing", 45),
    ("Finance", 30),
    ("People & HR", 25),
    ("Product", 50),
    ("Supply Chain", 46),
    ("Legal", 4),
)
LOCATIONS = (
    ("Portland", 0.40),
    ("Denver", 0.20),
    ("Chicago", 0.15),
    ("Toronto", 0.15),
    ("Lyon", 0.10),
)
EMPLOYEE_TYPES = ("full-time", "frontline", "contractor")
DEMO_KEY = b"socialpulse-demo-organisation"


@dataclass
class Organisation:
    """The people, one row each, as arrays indexed by employee number."""

    person: np.ndarray
    department: np.ndarray
    location: np.ndarray
    employee_type: np.ndarray
    executive: np.ndarray
    crisis_team: np.ndarray
    propensity: np.ndarray
    adoption_second: np.ndarray  # when they start contributing; +inf for lurkers


def build_organisation(rng: np.random.Generator, employees: int, cal: DemoCalendar) -> Organisation:
    sizes = np.array([size for _, size in DEPARTMENTS], dtype=float)
    counts = np.maximum(np.round(sizes / sizes.sum() * employees).astype(int), 1)
    counts[3] += employees - counts.sum()  # Retail Operations absorbs rounding
    department = np.repeat(np.asarray([d for d, _ in DEPARTMENTS], dtype=object), counts)
    location = np.asarray([loc for loc, _ in LOCATIONS], dtype=object)[
        rng.choice(len(LOCATIONS), employees, p=[w for _, w in LOCATIONS])
    ]
    location[department == "Legal"] = "Portland"
    frontline_share = np.where(department == "Retail Operations", 0.7, 0.08)
    draw = rng.random(employees)
    employee_type = np.where(
        draw < frontline_share, "frontline", np.where(draw > 0.9, "contractor", "full-time")
    ).astype(object)
    executive = np.zeros(employees, dtype=bool)
    executive[np.cumsum(counts)[:8] - counts[:8]] = True  # the head of each large department
    employee_type[executive] = "full-time"
    crisis_team = executive.copy()
    for dept in ("Customer Support", "Retail Operations", "Marketing", "People & HR"):
        members = np.flatnonzero(department == dept)
        crisis_team[members[:3]] = True
    lurker = (rng.random(employees) < 0.3) & ~executive
    adoption_day = np.where(
        rng.random(employees) < 0.2, 0.0, rng.beta(1.2, 1.6, employees) * cal.days
    )
    adoption_second = np.where(lurker, np.inf, adoption_day * DAY)
    adoption_second[executive] = 0.0
    person = np.asarray(
        [pseudonymise(f"employee-{i}@northwind.example", DEMO_KEY) for i in range(employees)],
        dtype=object,
    )
    return Organisation(
        person,
        department,
        location,
        employee_type,
        executive,
        crisis_team,
        rng.lognormal(0, 1.3, employees),
        adoption_second,
    )


def _pick_members(
    rng: np.random.Generator, org: Organisation, who: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    """For each moment, a member of ``who`` who had adopted the network by then, chosen in
    proportion to how much they contribute (the earliest adopter when nobody had)."""
    order = who[np.argsort(org.adoption_second[who], kind="stable")]
    adopted = org.adoption_second[order]
    weights = np.cumsum(org.propensity[order])
    available = np.maximum(np.searchsorted(adopted, seconds, side="right"), 1)
    draw = rng.random(len(seconds)) * weights[available - 1]
    return order[np.minimum(np.searchsorted(weights, draw, side="right"), len(order) - 1)]


def by_channel(
    rng: np.random.Generator,
    org: Organisation,
    members: dict[str, np.ndarray],
    channel: np.ndarray,
    seconds: np.ndarray,
) -> np.ndarray:
    """For each message, an employee who can speak in its channel at its moment."""
    author = np.empty(len(channel), dtype=np.int64)
    for channel_id in np.unique(channel):
        rows = np.flatnonzero(channel == channel_id)
        author[rows] = _pick_members(rng, org, members[channel_id], seconds[rows])
    return author


def directory_rows(org: Organisation) -> pd.DataFrame:
    """The ``authors`` rows: every employee, by pseudonym, with the attributes segments use."""
    return pd.DataFrame(
        {
            "author_id": org.person,
            "platform": "internal",
            "scope": "internal",
            "handle": org.person,
            "department": org.department,
            "location": org.location,
            "employee_type": org.employee_type,
            "is_executive": org.executive,
            "in_directory": True,
            "is_owned": False,
        }
    )
