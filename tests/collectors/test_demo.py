import pandas as pd
import pytest

from collectors.demo import LOAD_ORDER, generate_demo, load_demo
from socialpulse.warehouse import open_warehouse
from tests.conftest import DEMO_SIZE

INTERNAL_PLATFORMS = ("slack", "teams", "viva_engage")


def test_same_seed_gives_identical_rows(demo_tables):
    again = generate_demo(**DEMO_SIZE)
    for table in LOAD_ORDER:
        pd.testing.assert_frame_equal(demo_tables[table], again[table], obj=table)


def test_another_seed_gives_other_rows(demo_tables):
    other = generate_demo(**{**DEMO_SIZE, "seed": DEMO_SIZE["seed"] + 1})
    assert not demo_tables["posts"]["text"].equals(other["posts"]["text"])


def test_sizes_are_as_requested(demo_tables):
    posts = demo_tables["posts"]
    internal = posts["platform"].isin(INTERNAL_PLATFORMS)
    assert (~internal).sum() == DEMO_SIZE["mentions"]
    assert internal.sum() == DEMO_SIZE["messages"]
    assert posts["post_id"].is_unique
    assert set(posts.loc[~internal, "platform"]) == {"x", "reddit", "rss"}


def test_the_organisation_has_departments_locations_types_and_a_small_group(demo_tables):
    people = demo_tables["authors"].query("scope == 'internal'")
    assert len(people) == DEMO_SIZE["employees"]
    assert people["department"].nunique() == 10
    assert people["location"].nunique() == 5
    assert people["employee_type"].nunique() == 3
    assert people["department"].value_counts().min() < 5  # exercises the privacy floor
    assert 5 <= people["is_executive"].sum() <= 12


def test_restricted_channels_exist_for_executives_and_the_crisis_team(demo_tables):
    restricted = demo_tables["channels"].query("sensitivity == 'restricted'")
    assert set(restricted["restricted_to"]) == {"executives", "crisis_team"}
    segments = set(demo_tables["channels"]["segment_type"].dropna())
    assert {"department", "location", "employee_type", "company"} <= segments


def test_employee_identities_are_pseudonyms(demo_tables):
    people = demo_tables["authors"].query("scope == 'internal'")
    assert people["author_id"].str.fullmatch(r"emp_[0-9a-f]{16}").all()
    everything = pd.concat([demo_tables["posts"]["text"], demo_tables["authors"]["handle"]])
    assert not everything.str.contains("northwind.example|employee-", regex=True).any()


def test_reposts_repeat_their_original_text(demo_tables):
    posts = demo_tables["posts"].set_index("post_id")
    shares = posts[posts["kind"] == "share"]
    assert len(shares) == pytest.approx(0.3 * DEMO_SIZE["mentions"], rel=0.01)
    assert (shares["text"].to_numpy() == posts.loc[shares["parent_id"], "text"].to_numpy()).all()
    assert (
        shares["created_at"].to_numpy() >= posts.loc[shares["parent_id"], "created_at"].to_numpy()
    ).all()


def test_engagement_and_followers_are_heavy_tailed(demo_tables):
    likes = demo_tables["engagement_snapshots"]["likes"].dropna().astype(float)
    followers = demo_tables["authors"]["followers"].dropna().astype(float)
    assert likes.max() > 20 * likes.median()
    assert followers.max() > 100 * followers.median()


def test_engagement_grows_between_snapshots(demo_tables):
    snaps = demo_tables["engagement_snapshots"].sort_values(["post_id", "taken_at"])
    first = snaps.groupby("post_id")["likes"].first()
    last = snaps.groupby("post_id")["likes"].last()
    assert (last.dropna() >= first.dropna()).all() and (last.dropna() > first.dropna()).any()


def test_the_crisis_is_a_sharp_negative_spike(demo_db):
    with open_warehouse(demo_db, read_only=True) as con:
        daily = con.execute(
            """
            SELECT created_at::DATE AS day, count(*) AS negative
            FROM posts JOIN brand_matches USING (post_id) JOIN sentiment_scores USING (post_id)
            WHERE brand = 'Northwind' AND label = 'negative'
            GROUP BY ALL ORDER BY day
            """
        ).df()
    daily = daily.set_index(pd.to_datetime(daily["day"]))["negative"]
    crisis = daily.loc["2026-09-15":"2026-09-16"]
    before = daily.loc["2026-08-15":"2026-09-13"]
    assert len(crisis) == 2
    assert crisis.min() > 10 * before.median()


def test_the_check_in_pulls_answers_from_part_of_its_audience(demo_tables):
    posts = demo_tables["posts"]
    check_in = posts[posts["kind"] == "check-in"]
    assert len(check_in) == 1
    answers = posts[posts["parent_id"] == check_in["post_id"].iloc[0]]
    assert (answers["kind"] == "answer").all()
    assert 0.5 < answers["author_id"].nunique() / DEMO_SIZE["employees"] < 0.95
    assert (answers["created_at"] > check_in["created_at"].iloc[0]).all()


def test_participation_grows_over_the_year(demo_tables):
    posts = demo_tables["posts"]
    internal = posts[posts["kind"].isin(["post", "reply"])]
    month = internal["created_at"].dt.to_period("M")
    active = internal.groupby(month)["author_id"].nunique()
    assert len(active) == 12
    assert active.iloc[-2:].mean() > 1.5 * active.iloc[:2].mean()


def test_replies_reactions_and_mentions_are_edges_between_people(demo_tables):
    edges = demo_tables["interactions"]
    assert set(edges["kind"]) == {"reply", "reaction", "mention"}
    assert (edges["actor_id"] != edges["target_id"]).all()
    people = set(demo_tables["authors"].query("scope == 'internal'")["author_id"])
    assert set(edges["actor_id"]) <= people and set(edges["target_id"]) <= people


def test_loading_the_demo_twice_changes_nothing(demo_tables, empty_db):
    with open_warehouse(empty_db) as con:
        first = load_demo(con, demo_tables)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in LOAD_ORDER}
        second = load_demo(con, demo_tables)
        again = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in LOAD_ORDER}
        runs = con.execute("SELECT status, items_seen FROM collection_runs").fetchall()
    assert first.inserted == len(demo_tables["posts"]) and second.inserted == 0
    assert counts == again
    assert runs == [("ok", len(demo_tables["posts"]))] * 2
