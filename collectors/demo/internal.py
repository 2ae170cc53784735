"""The demo organisation's enterprise social network: Northwind's employees talking to each other.

Employees post and reply on Slack, Teams and Viva Engage in the channels they belong to.
Announcements are pushed to everyone; during the crisis one check-in pulls answers back from
part of the audience. The people are in ``organisation``, the channels in ``internal_channels``.

The steps below draw in a fixed order from the one generator; reordering them changes every row
after the first moved draw, so a new step belongs at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.calendar import DAY, HOUR, DemoCalendar
from collectors.demo.internal_channels import build_channels
from collectors.demo.organisation import (
    LOCATIONS,
    Organisation,
    build_organisation,
    by_channel,
    directory_rows,
)

REACTIONS = ("thumbsup", "heart", "tada", "eyes", "raised_hands", "pray")
ANNOUNCEMENTS_PER_YEAR = 24


@dataclass(frozen=True)
class Conversation:
    """Messages people start and answer of their own accord: top-level posts and replies."""

    top_channel: np.ndarray
    top_seconds: np.ndarray
    top_author: np.ndarray
    parent: np.ndarray  # each reply's top-level post
    reply_channel: np.ndarray
    reply_seconds: np.ndarray
    reply_author: np.ndarray


@dataclass(frozen=True)
class Broadcasts:
    """What the company pushes (announcements) and the one check-in that pulls answers back."""

    announcement_seconds: np.ndarray
    announcement_author: np.ndarray
    check_in_second: int
    check_in_author: int
    answerers: np.ndarray
    answer_seconds: np.ndarray


def _check_in_answerers(
    rng: np.random.Generator, org: Organisation, messages: int
) -> tuple[int, np.ndarray]:
    """Who sends the check-in and who answers it: more in stores, fewer among contractors and
    in Lyon."""
    everyone = np.arange(len(org.person))
    check_in_author = int(np.flatnonzero(org.executive)[0])
    answer_p = (
        0.78
        + np.where(org.department == "Retail Operations", 0.12, 0)
        - np.where(org.department == "Engineering", 0.15, 0)
        - np.where(org.location == "Lyon", 0.15, 0)
        - np.where(org.employee_type == "contractor", 0.2, 0)
    )
    answerers = everyone[(rng.random(len(everyone)) < answer_p) & (everyone != check_in_author)]
    return check_in_author, answerers[: max(0, messages // 5)]


def _channel_weights(members: dict[str, np.ndarray]) -> dict[str, float]:
    """How busy each channel is: departments by headcount, others at half, the restricted
    ones small but steady, and none for the broadcast-only channels."""
    weight = {
        cid: len(who) * (1.0 if cid.startswith("slack:dept") else 0.5)
        for cid, who in members.items()
    }
    for cid in ("viva_engage:announcements", "teams:continuity-updates"):
        weight[cid] = 0.0
    for cid in ("slack:exec-leadership", "teams:crisis-response"):
        weight[cid] = 25.0
    return weight


def _conversation(
    rng: np.random.Generator,
    org: Organisation,
    members: dict[str, np.ndarray],
    cal: DemoCalendar,
    top: int,
    replies: int,
) -> Conversation:
    """Top-level posts by channel activity, more as the year goes on, by members who had
    adopted the network; replies join threads, and a quarter of threads never get one."""
    weight = _channel_weights(members)
    channel_ids = np.asarray(list(weight), dtype=object)
    p = np.asarray(list(weight.values()))
    top_channel = channel_ids[rng.choice(len(channel_ids), top, p=p / p.sum())]
    top_seconds = cal.random_seconds(rng, top, growth=2.0)
    top_author = by_channel(rng, org, members, top_channel, top_seconds)

    thread_weight = rng.lognormal(0, 1.0, top) * (rng.random(top) > 0.25)
    parent = rng.choice(top, replies, p=thread_weight / thread_weight.sum())
    reply_seconds = np.minimum(
        top_seconds[parent] + rng.lognormal(np.log(40 * 60), 1.5, replies).astype(int),
        cal.days * DAY - 1,
    )
    reply_channel = top_channel[parent]
    reply_author = by_channel(rng, org, members, reply_channel, reply_seconds)
    return Conversation(
        top_channel, top_seconds, top_author, parent, reply_channel, reply_seconds, reply_author
    )


def _broadcasts(
    rng: np.random.Generator,
    org: Organisation,
    cal: DemoCalendar,
    announcements: int,
    check_in: tuple[int, np.ndarray],
) -> Broadcasts:
    """Announcements spread over the year by executives and HR; the check-in six hours into
    the crisis, answered within the hour or so."""
    check_in_author, answerers = check_in
    check_in_second = cal.seconds_of(cal.crisis) + 6 * HOUR
    announcement_seconds = (
        np.linspace(10, cal.days - 5, announcements).astype(int) * DAY + 10 * HOUR
    )
    announcement_author = np.flatnonzero(org.executive | (org.department == "People & HR"))[
        rng.integers(0, 8, announcements)
    ]
    answer_seconds = check_in_second + rng.lognormal(np.log(50 * 60), 1.0, len(answerers)).astype(
        int
    )
    return Broadcasts(
        announcement_seconds,
        announcement_author,
        check_in_second,
        check_in_author,
        answerers,
        answer_seconds,
    )


def _messages(talk: Conversation, pushed: Broadcasts) -> dict[str, np.ndarray]:
    """Every message in row order (posts, replies, announcements, the check-in, its answers):
    author, seconds, channel, kind and the row it answers (-1 for none)."""
    top, replies = len(talk.top_seconds), len(talk.reply_seconds)
    announcements, answers = len(pushed.announcement_seconds), len(pushed.answerers)
    check_in_row = top + replies + announcements
    return {
        "author": np.concatenate(
            [
                talk.top_author,
                talk.reply_author,
                pushed.announcement_author,
                [pushed.check_in_author],
                pushed.answerers,
            ]
        ),
        "seconds": np.concatenate(
            [
                talk.top_seconds,
                talk.reply_seconds,
                pushed.announcement_seconds,
                [pushed.check_in_second],
                pushed.answer_seconds,
            ]
        ),
        "channel": np.concatenate(
            [
                talk.top_channel,
                talk.reply_channel,
                np.full(announcements, "viva_engage:announcements", dtype=object),
                np.full(1 + answers, "teams:continuity-updates", dtype=object),
            ]
        ),
        "kind": np.concatenate(
            [
                np.full(top, "post", dtype=object),
                np.full(replies, "reply", dtype=object),
                np.full(announcements, "announcement", dtype=object),
                ["check-in"],
                np.full(answers, "answer", dtype=object),
            ]
        ),
        "parent_row": np.concatenate(
            [
                np.full(top, -1),
                talk.parent,
                np.full(announcements + 1, -1),
                np.full(answers, check_in_row),
            ]
        ),
    }


def _post_rows(
    rng: np.random.Generator, org: Organisation, cal: DemoCalendar, msg: dict[str, np.ndarray]
) -> pd.DataFrame:
    """The ``posts`` rows, with ids in each platform's shape, collected a day after posting."""
    channel, parent_row = msg["channel"], msg["parent_row"]
    platform = np.asarray([c.split(":", 1)[0] for c in channel], dtype=object)
    native_id = (np.arange(len(channel)) + 1_700_000_000).astype(str).astype(object)
    post_id = np.char.add(np.char.add(platform.astype(str), ":"), native_id.astype(str)).astype(
        object
    )
    parent_id = np.where(parent_row >= 0, post_id[np.maximum(parent_row, 0)], None)
    thread_id = np.where(parent_row >= 0, parent_id, post_id)
    text, language = _texts(rng, channel, msg["kind"])
    created = cal.at(msg["seconds"])
    return pd.DataFrame(
        {
            "post_id": post_id,
            "platform": platform,
            "native_id": native_id,
            "channel_id": channel,
            "author_id": org.person[msg["author"]],
            "created_at": created,
            "text": text,
            "language": language,
            "parent_id": parent_id,
            "thread_id": thread_id,
            "kind": msg["kind"],
            "collected_at": created + np.timedelta64(1, "D"),
        }
    )


def generate_network(
    rng: np.random.Generator, messages: int, employees: int, cal: DemoCalendar
) -> dict[str, pd.DataFrame]:
    """``messages`` internal posts, replies, announcements, one check-in and its answers."""
    org = build_organisation(rng, employees, cal)
    channels, members = build_channels(org)
    check_in = _check_in_answerers(rng, org, messages)
    announcements = min(ANNOUNCEMENTS_PER_YEAR, messages // 50)
    rest = messages - len(check_in[1]) - announcements - 1
    top, replies = round(rest * 0.45), rest - round(rest * 0.45)
    talk = _conversation(rng, org, members, cal, top, replies)
    pushed = _broadcasts(rng, org, cal, announcements, check_in)
    msg = _messages(talk, pushed)
    posts = _post_rows(rng, org, cal, msg)
    interactions = _interactions(rng, org, members, posts, msg, cal.days * DAY - 1)
    return {
        "channels": channels,
        "authors": directory_rows(org),
        "posts": posts,
        "interactions": interactions,
    }


def _texts(
    rng: np.random.Generator, channel: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Message bodies: English, and French for most messages in Lyon's channel."""
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


def _interactions(
    rng: np.random.Generator,
    org: Organisation,
    members: dict[str, np.ndarray],
    posts: pd.DataFrame,
    msg: dict[str, np.ndarray],
    end: int,
) -> pd.DataFrame:
    """Replies, reactions and @mentions as edges between people (the @mentions are written
    into ``posts`` text too, so the edge and the text agree)."""
    author, parent_row, seconds = msg["author"], msg["parent_row"], msg["seconds"]
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
    reactor = by_channel(rng, org, members, channel[reactor_post], reaction_seconds)
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
    mentioned = by_channel(rng, org, members, channel[mentioning], seconds[mentioning])
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
