"""The demo organisation's enterprise social network: Northwind's employees talking to each other.

About 600 employees in 10 departments (one, Legal, smaller than the privacy floor), 5 locations
and 3 employee types, on Slack, Teams and Viva Engage. Participation grows over the year as
people adopt the network; a third never post (the lurkers every network has). Announcements are
pushed to everyone; during the crisis one check-in pulls answers back from part of the audience.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.calendar import DAY, HOUR, DemoCalendar
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
TOPICS = ("ask-it", "trail-testers", "ideas-lab")
REACTIONS = ("thumbsup", "heart", "tada", "eyes", "raised_hands", "pray")
DEMO_KEY = b"socialpulse-demo-organisation"
ANNOUNCEMENTS_PER_YEAR = 24


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


def _slug(name: str) -> str:
    return name.lower().replace(" & ", "-").replace(" ", "-")


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


def build_channels(org: Organisation) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Channels per department, location and employee type, topic communities, the company-wide
    announcement and continuity channels, and restricted executive and crisis channels."""
    everyone = np.arange(len(org.person))
    rows, members = [], {}

    def add(channel_id, platform, name, segment, value, sensitivity, restricted_to, purpose, who):
        rows.append(
            (
                channel_id,
                platform,
                name,
                segment,
                value,
                sensitivity,
                restricted_to,
                purpose,
                len(who),
            )
        )
        members[channel_id] = who

    for dept, _ in DEPARTMENTS:
        who = everyone[org.department == dept]
        add(
            f"slack:dept-{_slug(dept)}",
            "slack",
            f"dept-{_slug(dept)}",
            "department",
            dept,
            "internal",
            None,
            "general",
            who,
        )
    for loc, _ in LOCATIONS:
        who = everyone[org.location == loc]
        add(
            f"slack:loc-{_slug(loc)}",
            "slack",
            f"loc-{_slug(loc)}",
            "location",
            loc,
            "internal",
            None,
            "general",
            who,
        )
    add(
        "slack:frontline-hub",
        "slack",
        "frontline-hub",
        "employee_type",
        "frontline",
        "internal",
        None,
        "general",
        everyone[org.employee_type == "frontline"],
    )
    for topic in TOPICS:
        add(
            f"viva_engage:{topic}",
            "viva_engage",
            topic,
            "topic",
            topic,
            "internal",
            None,
            "community",
            everyone,
        )
    add(
        "viva_engage:announcements",
        "viva_engage",
        "announcements",
        "company",
        "all",
        "internal",
        None,
        "announcements",
        everyone,
    )
    add(
        "teams:continuity-updates",
        "teams",
        "continuity-updates",
        "company",
        "all",
        "internal",
        None,
        "business_continuity",
        everyone,
    )
    add(
        "slack:exec-leadership",
        "slack",
        "exec-leadership",
        None,
        None,
        "restricted",
        "executives",
        "leadership",
        everyone[org.executive],
    )
    add(
        "teams:crisis-response",
        "teams",
        "crisis-response",
        None,
        None,
        "restricted",
        "crisis_team",
        "crisis",
        everyone[org.crisis_team],
    )
    channels = pd.DataFrame(
        rows,
        columns=[
            "channel_id",
            "platform",
            "name",
            "segment_type",
            "segment_value",
            "sensitivity",
            "restricted_to",
            "purpose",
            "audience_size",
        ],
    ).assign(scope="internal")
    return channels, members


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


def _by_channel(rng, org, members, channel, seconds) -> np.ndarray:
    author = np.empty(len(channel), dtype=np.int64)
    for channel_id in np.unique(channel):
        rows = np.flatnonzero(channel == channel_id)
        author[rows] = _pick_members(rng, org, members[channel_id], seconds[rows])
    return author


def generate_network(
    rng: np.random.Generator, messages: int, employees: int, cal: DemoCalendar
) -> dict[str, pd.DataFrame]:
    """``messages`` internal posts, replies, announcements, one check-in and its answers."""
    org = build_organisation(rng, employees, cal)
    channels, members = build_channels(org)
    n_people = len(org.person)
    everyone = np.arange(n_people)
    end = cal.days * DAY - 1

    # The check-in and who answers it: more in stores, fewer among contractors and in Lyon.
    check_in_second = cal.seconds_of(cal.crisis) + 6 * HOUR
    check_in_author = int(np.flatnonzero(org.executive)[0])
    answer_p = (
        0.78
        + np.where(org.department == "Retail Operations", 0.12, 0)
        - np.where(org.department == "Engineering", 0.15, 0)
        - np.where(org.location == "Lyon", 0.15, 0)
        - np.where(org.employee_type == "contractor", 0.2, 0)
    )
    answerers = everyone[(rng.random(n_people) < answer_p) & (everyone != check_in_author)]
    answerers = answerers[: max(0, messages // 5)]
    announcements = min(ANNOUNCEMENTS_PER_YEAR, messages // 50)
    rest = messages - len(answerers) - announcements - 1
    top, replies = round(rest * 0.45), rest - round(rest * 0.45)

    # Top-level posts: channel by activity, time growing over the year, author among members.
    weight = {
        cid: len(who) * (1.0 if cid.startswith("slack:dept") else 0.5)
        for cid, who in members.items()
    }
    for cid in ("viva_engage:announcements", "teams:continuity-updates"):
        weight[cid] = 0.0
    for cid in ("slack:exec-leadership", "teams:crisis-response"):
        weight[cid] = 25.0
    channel_ids = np.asarray(list(weight), dtype=object)
    p = np.asarray(list(weight.values()))
    top_channel = channel_ids[rng.choice(len(channel_ids), top, p=p / p.sum())]
    top_seconds = cal.random_seconds(rng, top, growth=2.0)
    top_author = _by_channel(rng, org, members, top_channel, top_seconds)

    # Replies join threads; a quarter of threads never get one.
    thread_weight = rng.lognormal(0, 1.0, top) * (rng.random(top) > 0.25)
    parent = rng.choice(top, replies, p=thread_weight / thread_weight.sum())
    reply_seconds = np.minimum(
        top_seconds[parent] + rng.lognormal(np.log(40 * 60), 1.5, replies).astype(int), end
    )
    reply_channel = top_channel[parent]
    reply_author = _by_channel(rng, org, members, reply_channel, reply_seconds)

    announcement_seconds = (
        np.linspace(10, cal.days - 5, announcements).astype(int) * DAY + 10 * HOUR
    )
    announcement_author = np.flatnonzero(org.executive | (org.department == "People & HR"))[
        rng.integers(0, 8, announcements)
    ]
    answer_seconds = check_in_second + rng.lognormal(np.log(50 * 60), 1.0, len(answerers)).astype(
        int
    )

    author = np.concatenate(
        [top_author, reply_author, announcement_author, [check_in_author], answerers]
    )
    seconds = np.concatenate(
        [top_seconds, reply_seconds, announcement_seconds, [check_in_second], answer_seconds]
    )
    channel = np.concatenate(
        [
            top_channel,
            reply_channel,
            np.full(announcements, "viva_engage:announcements", dtype=object),
            np.full(1 + len(answerers), "teams:continuity-updates", dtype=object),
        ]
    )
    kind = np.concatenate(
        [
            np.full(top, "post", dtype=object),
            np.full(replies, "reply", dtype=object),
            np.full(announcements, "announcement", dtype=object),
            ["check-in"],
            np.full(len(answerers), "answer", dtype=object),
        ]
    )
    total = len(author)
    check_in_row = top + replies + announcements
    parent_row = np.concatenate(
        [
            np.full(top, -1),
            parent,
            np.full(announcements + 1, -1),
            np.full(len(answerers), check_in_row),
        ]
    )

    platform = np.asarray([c.split(":", 1)[0] for c in channel], dtype=object)
    native_id = (np.arange(total) + 1_700_000_000).astype(str).astype(object)
    post_id = np.char.add(np.char.add(platform.astype(str), ":"), native_id.astype(str)).astype(
        object
    )
    parent_id = np.where(parent_row >= 0, post_id[np.maximum(parent_row, 0)], None)
    thread_id = np.where(parent_row >= 0, parent_id, post_id)

    text, language = _texts(rng, org, channel, kind, author, top, replies, members, seconds)
    created = cal.at(seconds)
    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "platform": platform,
            "native_id": native_id,
            "channel_id": channel,
            "author_id": org.person[author],
            "created_at": created,
            "text": text,
            "language": language,
            "parent_id": parent_id,
            "thread_id": thread_id,
            "kind": kind,
            "collected_at": created + np.timedelta64(1, "D"),
        }
    )
    interactions = _interactions(rng, org, members, posts, author, parent_row, seconds, end)
    authors = pd.DataFrame(
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
    return {"channels": channels, "authors": authors, "posts": posts, "interactions": interactions}


def _texts(rng, org, channel, kind, author, top, replies, members, seconds):
    """Message bodies: English, French in Lyon's channel, and an @mention in one in ten."""
    total = len(channel)
    text = np.empty(total, dtype=object)
    language = np.full(total, "en", dtype=object)
    french = (channel == "slack:loc-lyon") & (rng.random(total) < 0.6)
    slots = dict(
        metric=texts.METRICS,
        place=tuple(loc for loc, _ in LOCATIONS),
        project=texts.PROJECTS,
        system=texts.SYSTEMS,
        product=texts.PRODUCTS,
    )
    for group, templates in (
        ("post", "post"),
        ("reply", "reply"),
        ("announcement", "announcement"),
        ("answer", "answer"),
    ):
        for is_french in (False, True):
            rows = np.flatnonzero((kind == group) & (french == is_french))
            if not len(rows):
                continue
            key = (
                f"{templates}_fr"
                if is_french and f"{templates}_fr" in texts.INTERNAL
                else (templates)
            )
            text[rows] = texts.fill(rng, texts.INTERNAL[key], len(rows), **slots)
            if key.endswith("_fr"):
                language[rows] = "fr"
    text[kind == "check-in"] = texts.CHECK_IN_TEXT
    return text, language


def _interactions(rng, org, members, posts, author, parent_row, seconds, end) -> pd.DataFrame:
    """Replies, reactions and @mentions as edges between people."""
    person = org.person
    reply_rows = np.flatnonzero(parent_row >= 0)
    edges = [
        pd.DataFrame(
            {
                "kind": "reply",
                "post_id": posts.post_id.to_numpy()[reply_rows],
                "actor_id": person[author[reply_rows]],
                "target_id": person[author[parent_row[reply_rows]]],
                "created_at": posts.created_at.to_numpy()[reply_rows],
            }
        )
    ]

    kind = posts.kind.to_numpy()
    channel = posts.channel_id.to_numpy()
    per_post = np.floor(rng.lognormal(0, 1.0, len(posts))).astype(np.int64)
    announcement = kind == "announcement"
    reach = 0.2 + 0.35 * seconds[announcement] / end
    per_post[announcement] = (reach * len(person)).astype(np.int64)
    per_post[(kind == "answer") | (kind == "check-in")] = 0
    reactor_post = np.repeat(np.arange(len(posts)), per_post)
    reaction_seconds = np.minimum(
        seconds[reactor_post] + rng.exponential(3 * HOUR, len(reactor_post)).astype(int), end
    )
    reactor = _by_channel(rng, org, members, channel[reactor_post], reaction_seconds)
    emoji = np.asarray(REACTIONS, dtype=object)[rng.integers(0, len(REACTIONS), len(reactor))]
    edges.append(
        pd.DataFrame(
            {
                "kind": "reaction",
                "post_id": posts.post_id.to_numpy()[reactor_post],
                "actor_id": person[reactor],
                "target_id": person[author[reactor_post]],
                "detail": emoji,
                "created_at": posts.created_at.to_numpy()[reactor_post]
                + (reaction_seconds - seconds[reactor_post]) * np.timedelta64(1, "s"),
            }
        )
    )

    mentioning = np.flatnonzero((kind == "post") | (kind == "reply"))
    mentioning = mentioning[rng.random(len(mentioning)) < 0.1]
    mentioned = _by_channel(rng, org, members, channel[mentioning], seconds[mentioning])
    text = posts.text.to_numpy()
    text[mentioning] = np.char.add(
        np.char.add("@", person[mentioned].astype(str)),
        np.char.add(" ", text[mentioning].astype(str)),
    )
    posts["text"] = text
    edges.append(
        pd.DataFrame(
            {
                "kind": "mention",
                "post_id": posts.post_id.to_numpy()[mentioning],
                "actor_id": person[author[mentioning]],
                "target_id": person[mentioned],
                "created_at": posts.created_at.to_numpy()[mentioning],
            }
        )
    )
    result = pd.concat(edges, ignore_index=True)
    result["detail"] = result["detail"].fillna("")
    result["platform"] = result.post_id.str.split(":", n=1).str[0]
    result = result[result.actor_id != result.target_id]
    return result.drop_duplicates(["kind", "post_id", "actor_id", "target_id", "detail"])
