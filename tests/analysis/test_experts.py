"""The expert finder on a hand-built forum where the expected order is plain to see.

On "vpn" (whole word, any case), in the open channel:
    q1  e4 asks "How do I reset the VPN token?"; e1 and e2 answer (e1 twice), e4 thanks e1
    p1  e1 explains the VPN outage (long text): e3 and e4 reply, e2, e3 and e4 react (e1 also
        replies to and reacts to his own post, which counts for nothing)
    p2  e2: "vpn client update tonight": e3 reacts
    p3  e3: "The VPNs list" (VPNs is not the word vpn)
    p5  e4: "Vpn is slow today"
and in the restricted board channel p4, e3: "VPN keys for the board", with three reactions.

Scores (post 1 + reply 1 + reaction 0.5 each; answered question 2; a question asked counts
for the people who answer it, not for the asker):
    e1 = p1 (1 + 2 + 1.5) + one question answered (2)  = 6.5
    e2 = p2 (1 + 0.5) + one question answered (2)       = 3.5
    e4 = p5 (1); q1 is his question                     = 1.0
    e3 = nothing visible
"""

from datetime import date, datetime

import pandas as pd
import pytest

from analysis.experts import find_experts, query_words
from socialpulse.warehouse import connect, upsert

LONG = (
    "VPN outage fixed: the gateway certificate had expired, so I renewed it and restarted "
    "both concentrators; details in the runbook"
)
# post id, channel, author, day, parent, text
POSTS = [
    ("q1", "general", "e4", 1, None, "How do I reset the VPN token?"),
    ("a1", "general", "e1", 1, "q1", "Use the self-service portal, then sign in again."),
    ("a2", "general", "e1", 2, "q1", "Also clear the old token from the app."),
    ("a3", "general", "e2", 2, "q1", "Ask IT."),
    ("a4", "general", "e4", 2, "q1", "Thanks!"),
    ("p1", "general", "e1", 5, None, LONG),
    ("r1", "general", "e3", 5, "p1", "Thank you!"),
    ("r2", "general", "e4", 6, "p1", "Works again here."),
    ("r3", "general", "e1", 6, "p1", "Let me know if not."),
    ("p2", "general", "e2", 10, None, "vpn client update tonight"),
    ("p3", "general", "e3", 11, None, "The VPNs list"),
    ("p4", "board", "e3", 11, None, "VPN keys for the board"),
    ("p5", "general", "e4", 12, None, "Vpn is slow today"),
]
REACTIONS = [
    ("p1", "e2"),
    ("p1", "e3"),
    ("p1", "e4"),
    ("p1", "e1"),
    ("p2", "e3"),
    ("p4", "e1"),
    ("p4", "e2"),
    ("p4", "e4"),
]
# person: department (IT 6 people, Ops 5, Legal 1: below a floor of 5, Legal and then Ops fold)
DIRECTORY = {
    "e1": "IT",
    "e2": "Legal",
    "e3": "IT",
    "e4": "IT",
    "f1": "IT",
    "f2": "IT",
    "f3": "IT",
    **{f"o{n}": "Ops" for n in range(5)},
}


def load_forum(con) -> None:
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {
                    "channel_id": "slack:general",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "general",
                    "sensitivity": "internal",
                },
                {
                    "channel_id": "slack:board",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "board",
                    "sensitivity": "restricted",
                    "restricted_to": "executives",
                },
            ]
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            [
                {
                    "author_id": f"emp_{p}",
                    "platform": "internal",
                    "scope": "internal",
                    "handle": f"emp_{p}",
                    "department": dept,
                    "location": "Paris",
                    "in_directory": True,
                    "display_name": "Erin Four" if p == "e4" else None,
                }
                for p, dept in DIRECTORY.items()
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                {
                    "post_id": f"slack:{post}",
                    "platform": "slack",
                    "native_id": post,
                    "channel_id": f"slack:{channel}",
                    "author_id": f"emp_{author}",
                    "created_at": datetime(2026, 3, day, 9),
                    "text": text,
                    "parent_id": parent and f"slack:{parent}",
                    "thread_id": f"slack:{parent or post}",
                    "kind": "reply" if parent else "post",
                    "collected_at": datetime(2026, 3, day, 9),
                }
                for post, channel, author, day, parent, text in POSTS
            ]
        ),
    )
    authors = {post: author for post, _, author, *_ in POSTS}
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            [
                {
                    "kind": "reaction",
                    "post_id": f"slack:{post}",
                    "actor_id": f"emp_{actor}",
                    "target_id": f"emp_{authors[post]}",
                    "detail": "👍",
                    "platform": "slack",
                    "created_at": datetime(2026, 3, 20),
                }
                for post, actor in REACTIONS
            ]
        ),
    )


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "experts.duckdb")
    load_forum(connection)
    yield connection
    connection.close()


def test_ranking_by_posts_responses_and_answers(con):
    experts = find_experts(con, "vpn", min_group_size=1)
    assert experts["person_id"].tolist() == ["emp_e1", "emp_e2", "emp_e4"]
    assert experts["score"].tolist() == [6.5, 3.5, 1.0]
    assert experts["posts"].tolist() == [1, 1, 1]
    assert experts["replies_received"].tolist() == [2, 0, 0]
    assert experts["reactions_received"].tolist() == [3, 1, 0]
    assert experts["answers"].tolist() == [1, 1, 0]
    assert experts["person"].tolist() == ["emp_e1", "emp_e2", "Erin Four"]
    assert experts["department"].tolist() == ["IT", "Legal", "IT"]
    assert experts["location"].tolist() == ["Paris"] * 3


def test_evidence_is_the_strongest_posts_with_short_snippets(con):
    experts = find_experts(con, "VPN", min_group_size=1).set_index("person_id")
    e1 = experts.loc["emp_e1", "evidence"]
    assert [item["post_id"] for item in e1] == ["slack:p1", "slack:a1"]  # 4.5, then the answer
    assert e1[0]["snippet"] == LONG[:79] + "…" and len(e1[0]["snippet"]) == 80
    assert e1[1]["snippet"] == "Use the self-service portal, then sign in again."
    e4 = experts.loc["emp_e4", "evidence"]
    assert [item["post_id"] for item in e4] == ["slack:p5"]  # not his question q1


def test_all_words_must_match_in_any_order(con):
    experts = find_experts(con, "Token VPN", min_group_size=1)
    assert experts["person_id"].tolist() == ["emp_e1", "emp_e2"]  # who answered the question
    assert experts["score"].tolist() == [2.0, 2.0]
    assert find_experts(con, "vpn token", min_group_size=1).equals(experts)
    assert find_experts(con, "vpn printer", min_group_size=1).empty
    assert query_words("  VPN, vpn token? ") == ["vpn", "token"]


def test_whole_words_only(con):
    assert find_experts(con, "vpns", min_group_size=1)["person_id"].tolist() == ["emp_e3"]
    assert find_experts(con, "vp", min_group_size=1).empty


def test_restricted_channels_count_for_nothing(con):
    experts = find_experts(con, "vpn keys board", min_group_size=1)
    assert experts.empty
    everyone = find_experts(con, "vpn", limit=50, min_group_size=1)
    assert "emp_e3" not in set(everyone["person_id"])
    evidence = {item["post_id"] for items in everyone["evidence"] for item in items}
    assert "slack:p4" not in evidence


def test_since_keeps_later_posts_and_answers_only(con):
    experts = find_experts(con, "vpn", since=date(2026, 3, 6), min_group_size=1)
    assert experts["person_id"].tolist() == ["emp_e2", "emp_e4"]
    assert experts["score"].tolist() == [1.5, 1.0]
    assert experts["answers"].tolist() == [0, 0]


def test_until_keeps_what_was_said_before_the_end_of_the_period(con):
    # Up to 9 March: p1 (day 5) with its replies r1 and r2 but not its reactions (day 20),
    # and the answers to q1 (days 1 and 2); p2 (day 10) and p5 (day 12) are later.
    experts = find_experts(con, "vpn", min_group_size=1, until=date(2026, 3, 9))
    assert experts["person_id"].tolist() == ["emp_e1", "emp_e2"]
    assert experts["score"].tolist() == [5.0, 2.0]  # e1: 1 + 2 replies + an answer; e2: answer
    assert experts["reactions_received"].tolist() == [0, 0]
    window = find_experts(
        con, "vpn", since=date(2026, 3, 6), until=date(2026, 3, 10), min_group_size=1
    )
    assert window["person_id"].tolist() == ["emp_e2"] and window["score"].tolist() == [1.0]
    assert find_experts(con, "vpn", until=datetime(2026, 3, 5, 9), min_group_size=1)[
        "person_id"
    ].tolist() == ["emp_e1", "emp_e2"]  # the first instant left out: p1's


def test_filters_keep_the_people_they_select(con):
    assert find_experts(con, "vpn", min_group_size=1, filters={"department": ["IT"]})[
        "person_id"
    ].tolist() == ["emp_e1", "emp_e4"]
    # at a floor of 5 Legal (e2) is folded into Other with Ops, and cannot be picked by name
    other = find_experts(con, "vpn", min_group_size=5, filters={"department": ["Other"]})
    assert other["person_id"].tolist() == ["emp_e2"]
    assert find_experts(con, "vpn", min_group_size=5, filters={"department": ["Legal"]}).empty
    assert find_experts(con, "vpn", min_group_size=1, filters={"location": ["Rome"]}).empty


def test_limit(con):
    assert find_experts(con, "vpn", limit=1, min_group_size=1)["person_id"].tolist() == ["emp_e1"]


def test_departments_follow_the_privacy_floor(con):
    experts = find_experts(con, "vpn", min_group_size=5)
    assert experts["department"].tolist() == ["IT", "Other", "IT"]
    assert "Legal" not in set(experts["department"])


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE posts; --", "vpn') OR 1=1 --", "(", "?", "vpn.*", "%"]
)
def test_query_text_is_a_parameter_never_sql(con, query):
    before = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    experts = find_experts(con, query, min_group_size=1)
    assert con.execute("SELECT count(*) FROM posts").fetchall()[0][0] == before == len(POSTS)
    # punctuation is no word; what is left must match whole words like any other query
    words = query_words(query)
    if words == ["vpn"]:
        assert experts["person_id"].tolist() == ["emp_e1", "emp_e2", "emp_e4"]
    else:
        assert experts.empty, query


def test_demo_experts_never_name_legal(demo_db):
    with connect(demo_db, read_only=True) as con:
        experts = find_experts(con, "ERP", limit=600, min_group_size=5)
        restricted = {
            row[0]
            for row in con.execute(
                "SELECT post_id FROM posts JOIN channels USING (channel_id) "
                "WHERE sensitivity = 'restricted'"
            ).fetchall()
        }
        legal = con.execute("SELECT count(*) FROM authors WHERE department = 'Legal'").fetchall()[
            0
        ][0]
    assert len(experts) > 10 and legal > 0
    assert "Legal" not in set(experts["department"])
    assert (experts["score"].diff().dropna() <= 0).all()
    evidence = {item["post_id"] for items in experts["evidence"] for item in items}
    assert evidence and not evidence & restricted


def test_a_topic_nobody_wrote_whole_falls_back_to_any_of_its_words(demo_db):
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        every = find_experts(con, "inventory forecast")
        some = find_experts(con, "inventory forecast", every_word=False)
        inventory = find_experts(con, "inventory")
    assert every.empty
    assert not some.empty
    # "forecast" appears nowhere, so any of the words is "inventory" alone.
    assert some["person_id"].tolist() == inventory["person_id"].tolist()
