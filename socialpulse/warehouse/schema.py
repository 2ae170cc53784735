"""The one owner of the warehouse schema: every table is created here, by ordered migrations.

Each migration is a plain function registered in order by the ``@migration`` decorator. It runs in
one transaction together with the row that records it in ``schema_migrations``, so a crash never
leaves a half-applied step and applying twice is a no-op. An older warehouse file is upgraded in
place by running the migrations it has not seen yet.

Other modules never write DDL: they add a migration here. ``TABLE_KEYS`` tells the loader each
table's primary key so that every load is an idempotent upsert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    apply: Migration


MIGRATIONS: list[Step] = []


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register ``fn`` as migration ``version``; versions must be added in increasing order."""

    def register(fn: Migration) -> Migration:
        expected = len(MIGRATIONS) + 1
        if version != expected:
            raise ValueError(f"migration {fn.__name__} has version {version}, expected {expected}")
        MIGRATIONS.append(Step(version, fn.__name__, fn))
        return fn

    return register


# Primary keys of the upsertable tables: the loader's contract with the schema.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "channels": ("channel_id",),
    "authors": ("author_id",),
    "posts": ("post_id",),
    "engagement_snapshots": ("post_id", "taken_at"),
    "interactions": ("kind", "post_id", "actor_id", "target_id", "detail"),
    "brand_matches": ("post_id", "brand"),
    "sentiment_scores": ("post_id", "method"),
    "collector_state": ("collector", "key"),
    "post_channels": ("post_id", "channel_id"),
    "person_aliases": ("alias_id",),
    "sentiment_corrections": ("post_id",),
    "sentiment_models": ("model_version",),
    "topics": ("topic_id",),
    "post_topics": ("post_id", "topic_id"),
    "brand_daily": ("day", "brand", "platform"),
    "internal_metrics": ("grain", "period_start", "segment_type", "segment_value", "metric"),
    "network_flow": ("period_start", "segment_type", "source_value", "target_value"),
    "network_people": ("person_id",),
    "push_pull": ("post_id", "segment_type", "segment_value"),
    "maturity_scores": ("as_of", "criterion_id"),
}

# Columns that the primary key already determines: an upsert never rewrites them, because DuckDB
# turns an update of a uniquely indexed column into a much slower delete and insert.
KEY_DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"posts": ("platform", "native_id")}

# The tables users query, in the order the README documents them.
DOCUMENTED_TABLES: tuple[str, ...] = (
    "channels",
    "authors",
    "posts",
    "post_channels",
    "engagement_snapshots",
    "interactions",
    "brand_matches",
    "sentiment_scores",
    "collection_runs",
    "collector_state",
    "alerts",
    "audit_log",
    "internal_metrics",
    "network_flow",
    "network_people",
    "push_pull",
    "maturity_answers",
    "maturity_scores",
    "roi_assumptions",
    "legal_holds",
    "erasures",
)


@migration(1)
def create_core_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Where posts live, who wrote them, what they said and how they were collected."""
    con.execute(
        """
        CREATE TABLE channels (
            channel_id     VARCHAR PRIMARY KEY,
            platform       VARCHAR NOT NULL,
            scope          VARCHAR NOT NULL CHECK (scope IN ('external', 'internal')),
            name           VARCHAR NOT NULL,
            segment_type   VARCHAR CHECK (segment_type IN
                               ('company', 'department', 'location', 'employee_type', 'topic')),
            segment_value  VARCHAR,
            sensitivity    VARCHAR NOT NULL DEFAULT 'public'
                               CHECK (sensitivity IN ('public', 'internal', 'restricted')),
            restricted_to  VARCHAR,
            purpose        VARCHAR NOT NULL DEFAULT 'general',
            audience_size  BIGINT,
            url            VARCHAR
        );

        CREATE TABLE authors (
            author_id      VARCHAR PRIMARY KEY,
            platform       VARCHAR NOT NULL,
            scope          VARCHAR NOT NULL CHECK (scope IN ('external', 'internal')),
            handle         VARCHAR NOT NULL,
            followers      BIGINT,
            is_owned       BOOLEAN NOT NULL DEFAULT false,
            department     VARCHAR,
            location       VARCHAR,
            employee_type  VARCHAR,
            is_executive   BOOLEAN NOT NULL DEFAULT false,
            in_directory   BOOLEAN NOT NULL DEFAULT false
        );

        CREATE TABLE posts (
            post_id        VARCHAR PRIMARY KEY,
            platform       VARCHAR NOT NULL,
            native_id      VARCHAR NOT NULL,
            channel_id     VARCHAR NOT NULL,
            author_id      VARCHAR,
            created_at     TIMESTAMP NOT NULL,
            text           VARCHAR NOT NULL,
            language       VARCHAR,
            url            VARCHAR,
            parent_id      VARCHAR,
            thread_id      VARCHAR,
            kind           VARCHAR NOT NULL DEFAULT 'post' CHECK (kind IN
                               ('post', 'reply', 'share', 'announcement', 'check-in', 'answer')),
            country        VARCHAR,
            city           VARCHAR,
            lat            DOUBLE,
            lon            DOUBLE,
            raw            JSON,
            collected_at   TIMESTAMP NOT NULL,
            UNIQUE (platform, native_id)
        );

        CREATE TABLE engagement_snapshots (
            post_id          VARCHAR NOT NULL,
            taken_at         TIMESTAMP NOT NULL,
            likes            BIGINT,
            shares           BIGINT,
            replies          BIGINT,
            quotes           BIGINT,
            views            BIGINT,
            author_followers BIGINT,
            PRIMARY KEY (post_id, taken_at)
        );

        CREATE TABLE interactions (
            kind        VARCHAR NOT NULL CHECK (kind IN ('reply', 'reaction', 'mention')),
            post_id     VARCHAR NOT NULL,
            actor_id    VARCHAR NOT NULL,
            target_id   VARCHAR NOT NULL,
            detail      VARCHAR NOT NULL DEFAULT '',
            platform    VARCHAR NOT NULL,
            created_at  TIMESTAMP NOT NULL,
            PRIMARY KEY (kind, post_id, actor_id, target_id, detail)
        );

        CREATE TABLE brand_matches (
            post_id        VARCHAR NOT NULL,
            brand          VARCHAR NOT NULL,
            is_competitor  BOOLEAN NOT NULL,
            rule           VARCHAR NOT NULL,
            PRIMARY KEY (post_id, brand)
        );

        CREATE TABLE sentiment_scores (
            post_id        VARCHAR NOT NULL,
            method         VARCHAR NOT NULL,
            model_version  VARCHAR NOT NULL,
            compound       DOUBLE,
            positive       DOUBLE,
            neutral        DOUBLE,
            negative       DOUBLE,
            label          VARCHAR CHECK (label IN ('positive', 'neutral', 'negative', 'unscored')),
            human_label    VARCHAR CHECK (human_label IN ('positive', 'neutral', 'negative')),
            scored_at      TIMESTAMP NOT NULL,
            PRIMARY KEY (post_id, method)
        );

        CREATE SEQUENCE collection_run_ids;
        CREATE TABLE collection_runs (
            run_id          BIGINT PRIMARY KEY DEFAULT nextval('collection_run_ids'),
            source          VARCHAR NOT NULL,
            started_at      TIMESTAMP NOT NULL,
            finished_at     TIMESTAMP,
            status          VARCHAR NOT NULL
                                CHECK (status IN ('running', 'ok', 'partial', 'failed')),
            items_seen      BIGINT NOT NULL DEFAULT 0,
            items_inserted  BIGINT NOT NULL DEFAULT 0,
            items_updated   BIGINT NOT NULL DEFAULT 0,
            error           VARCHAR
        );

        CREATE TABLE collector_state (
            collector   VARCHAR NOT NULL,
            key         VARCHAR NOT NULL,
            cursor      VARCHAR,
            updated_at  TIMESTAMP NOT NULL,
            PRIMARY KEY (collector, key)
        );
        """
    )


@migration(2)
def create_alerts_and_audit_log(con: duckdb.DuckDBPyConnection) -> None:
    """Crisis alerts and the append-only audit trail; later features fill them."""
    con.execute(
        """
        CREATE SEQUENCE alert_ids;
        CREATE TABLE alerts (
            alert_id         BIGINT PRIMARY KEY DEFAULT nextval('alert_ids'),
            brand            VARCHAR NOT NULL,
            kind             VARCHAR NOT NULL,
            episode_key      VARCHAR NOT NULL UNIQUE,
            window_start     TIMESTAMP NOT NULL,
            window_end       TIMESTAMP NOT NULL,
            observed         DOUBLE NOT NULL,
            expected         DOUBLE NOT NULL,
            top_terms        VARCHAR[],
            example_post_ids VARCHAR[],
            created_at       TIMESTAMP NOT NULL,
            status           VARCHAR NOT NULL DEFAULT 'open'
        );

        CREATE SEQUENCE audit_event_ids;
        CREATE TABLE audit_log (
            event_id   BIGINT PRIMARY KEY DEFAULT nextval('audit_event_ids'),
            occurred_at TIMESTAMP NOT NULL,
            actor      VARCHAR NOT NULL,
            role       VARCHAR,
            action     VARCHAR NOT NULL,
            target     VARCHAR,
            filters    JSON,
            detail     VARCHAR
        );
        """
    )


@migration(3)
def add_collection_details(con: duckdb.DuckDBPyConnection) -> None:
    """What collectors learn beyond the post itself.

    ``content_hash``: a hash of the normalised text, to recognise the same story syndicated
    under different addresses. ``match_status``: whether a mention fetched by a brand query
    matched a brand rule (kept either way, so rules can be fixed and re-run).
    ``created_at_estimated``: the source gave no date and the fetch time stands in.
    ``post_channels``: every channel that carried a post, because one story arrives through
    several feeds but is stored once.
    """
    con.execute(
        """
        ALTER TABLE posts ADD COLUMN match_status VARCHAR;
        ALTER TABLE posts ADD COLUMN created_at_estimated BOOLEAN NOT NULL DEFAULT false;
        ALTER TABLE posts ADD COLUMN content_hash VARCHAR;
        CREATE TABLE post_channels (
            post_id     VARCHAR NOT NULL,
            channel_id  VARCHAR NOT NULL,
            seen_at     TIMESTAMP NOT NULL,
            PRIMARY KEY (post_id, channel_id)
        );
        """
    )


@migration(4)
def add_people_links(con: duckdb.DuckDBPyConnection) -> None:
    """Who reports to whom, which platform identities are the same person, and a display name
    (kept only when configuration allows it).

    Slack and Viva Engage exports name people by email, Teams by an Azure AD object id: the
    directory can list those ids, and ``person_aliases`` maps each alias pseudonym to the
    person's pseudonym so one employee is one author whatever the platform.
    """
    con.execute(
        """
        ALTER TABLE authors ADD COLUMN manager_id VARCHAR;
        ALTER TABLE authors ADD COLUMN display_name VARCHAR;
        CREATE TABLE person_aliases (
            alias_id   VARCHAR PRIMARY KEY,
            person_id  VARCHAR NOT NULL
        );
        """
    )


@migration(5)
def add_listening_analytics(con: duckdb.DuckDBPyConnection) -> None:
    """What `pulse analyze` stores so pages only read: human sentiment corrections (kept as
    training labels), trained sentiment models, topics, and the life of an alert episode."""
    con.execute(
        """
        CREATE TABLE sentiment_corrections (
            post_id       VARCHAR PRIMARY KEY,
            label         VARCHAR NOT NULL CHECK (label IN ('positive', 'neutral', 'negative')),
            corrected_by  VARCHAR NOT NULL,
            corrected_at  TIMESTAMP NOT NULL
        );
        CREATE TABLE sentiment_models (
            model_version  VARCHAR PRIMARY KEY,
            trained_at     TIMESTAMP NOT NULL,
            training_rows  BIGINT NOT NULL,
            metrics        JSON NOT NULL,
            promoted       BOOLEAN NOT NULL,
            path           VARCHAR NOT NULL
        );
        CREATE TABLE topics (
            topic_id          VARCHAR PRIMARY KEY,
            brand             VARCHAR NOT NULL,
            period_start      DATE NOT NULL,
            period_end        DATE NOT NULL,
            label             VARCHAR NOT NULL,
            top_terms         VARCHAR[] NOT NULL,
            posts             BIGINT NOT NULL,
            net_sentiment     DOUBLE,
            previous_posts    BIGINT,
            growth            DOUBLE,
            emerging          BOOLEAN NOT NULL DEFAULT false,
            example_post_ids  VARCHAR[],
            computed_at       TIMESTAMP NOT NULL
        );
        CREATE TABLE post_topics (
            post_id   VARCHAR NOT NULL,
            topic_id  VARCHAR NOT NULL,
            weight    DOUBLE NOT NULL,
            PRIMARY KEY (post_id, topic_id)
        );
        ALTER TABLE alerts ADD COLUMN closed_at TIMESTAMP;
        ALTER TABLE alerts ADD COLUMN notified_at TIMESTAMP;
        ALTER TABLE alerts ADD COLUMN notification_error VARCHAR;
        """
    )


@migration(6)
def add_post_sentiment_view(con: duckdb.DuckDBPyConnection) -> None:
    """One answer per post to "what is its sentiment?": a human correction, else the promoted
    trained model, else the lexicon. Every analysis reads this view, so the precedence lives in
    one place."""
    con.execute(
        """
        CREATE VIEW post_sentiment AS
        SELECT p.post_id,
               coalesce(c.label, m.label, v.label) AS label,
               coalesce(m.compound, v.compound) AS compound,
               CASE WHEN c.label IS NOT NULL THEN 'human'
                    ELSE coalesce(m.model_version, v.model_version) END AS source
        FROM posts p
        LEFT JOIN sentiment_corrections c ON c.post_id = p.post_id
        LEFT JOIN sentiment_scores m ON m.post_id = p.post_id AND m.method = 'model'
        LEFT JOIN sentiment_scores v ON v.post_id = p.post_id AND v.method = 'vader'
        """
    )


@migration(7)
def add_brand_daily(con: duckdb.DuckDBPyConnection) -> None:
    """Daily roll-up of brand mentions per platform, so listening pages read thousands of rows
    instead of scanning millions of posts. Each figure keeps its parts (the engagement counts,
    the reach and the method behind it) because vendors define them differently."""
    con.execute(
        """
        CREATE TABLE brand_daily (
            day             DATE NOT NULL,
            brand           VARCHAR NOT NULL,
            is_competitor   BOOLEAN NOT NULL,
            platform        VARCHAR NOT NULL,
            mentions        BIGINT NOT NULL,
            likes           BIGINT NOT NULL,
            shares          BIGINT NOT NULL,
            replies         BIGINT NOT NULL,
            quotes          BIGINT NOT NULL,
            views           BIGINT NOT NULL,
            engagements     BIGINT NOT NULL,
            reach           BIGINT,
            reach_method    VARCHAR NOT NULL,
            positive        BIGINT NOT NULL,
            neutral         BIGINT NOT NULL,
            negative        BIGINT NOT NULL,
            PRIMARY KEY (day, brand, platform)
        );
        """
    )


@migration(8)
def add_internal_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """Employee-network figures per week and month, overall and per segment, stored by
    `pulse analyze` so pages and the scorecard only read. Each keeps its numerator and
    denominator; ``segment_value`` is already folded by the privacy floor ("Other")."""
    con.execute(
        """
        CREATE TABLE internal_metrics (
            grain          VARCHAR NOT NULL CHECK (grain IN ('week', 'month')),
            period_start   DATE NOT NULL,
            segment_type   VARCHAR NOT NULL CHECK (segment_type IN
                               ('all', 'department', 'location', 'employee_type', 'channel')),
            segment_value  VARCHAR NOT NULL,
            metric         VARCHAR NOT NULL,
            numerator      DOUBLE,
            denominator    DOUBLE,
            value          DOUBLE,
            computed_at    TIMESTAMP NOT NULL,
            PRIMARY KEY (grain, period_start, segment_type, segment_value, metric)
        );
        """
    )


@migration(9)
def add_network(con: duckdb.DuckDBPyConnection) -> None:
    """Who talks to whom: reply, reaction and mention edges between segments per month, and each
    person's place in the network (centrality, persona, whether they bridge silos)."""
    con.execute(
        """
        CREATE TABLE network_flow (
            period_start   DATE NOT NULL,
            segment_type   VARCHAR NOT NULL CHECK (segment_type IN ('department', 'location')),
            source_value   VARCHAR NOT NULL,
            target_value   VARCHAR NOT NULL,
            edges          BIGINT NOT NULL,
            PRIMARY KEY (period_start, segment_type, source_value, target_value)
        );
        CREATE TABLE network_people (
            person_id           VARCHAR PRIMARY KEY,
            window_start        DATE NOT NULL,
            window_end          DATE NOT NULL,
            degree              DOUBLE NOT NULL,
            betweenness         DOUBLE NOT NULL,
            betweenness_method  VARCHAR NOT NULL,
            contributions       BIGINT NOT NULL,
            threads_started     BIGINT NOT NULL,
            responses_received  BIGINT NOT NULL,
            departments_linked  INTEGER NOT NULL,
            persona             VARCHAR NOT NULL CHECK (persona IN
                                    ('Engager', 'Catalyst', 'Responder', 'Broadcaster',
                                     'Observer')),
            is_bridge           BOOLEAN NOT NULL,
            computed_at         TIMESTAMP NOT NULL
        );
        """
    )


@migration(10)
def add_push_pull(con: duckdb.DuckDBPyConnection) -> None:
    """Each announcement's reach and each check-in's answers, overall and per department and
    location, so the crisis team sees at a glance who the message did not reach."""
    con.execute(
        """
        CREATE TABLE push_pull (
            post_id         VARCHAR NOT NULL,
            kind            VARCHAR NOT NULL CHECK (kind IN ('announcement', 'check-in')),
            created_at      TIMESTAMP NOT NULL,
            channel         VARCHAR NOT NULL,
            segment_type    VARCHAR NOT NULL CHECK (segment_type IN
                                ('all', 'department', 'location')),
            segment_value   VARCHAR NOT NULL,
            audience        BIGINT NOT NULL,
            responded       BIGINT NOT NULL,
            rate            DOUBLE,
            median_minutes  DOUBLE,
            PRIMARY KEY (post_id, segment_type, segment_value)
        );
        """
    )


@migration(11)
def add_maturity(con: duckdb.DuckDBPyConnection) -> None:
    """The maturity scorecard: questionnaire answers kept with their history (a new answer is a
    new row), and each month's criterion scores with the evidence behind them."""
    con.execute(
        """
        CREATE SEQUENCE maturity_answer_ids;
        CREATE TABLE maturity_answers (
            answer_id    BIGINT PRIMARY KEY DEFAULT nextval('maturity_answer_ids'),
            question_id  VARCHAR NOT NULL,
            answer       VARCHAR NOT NULL CHECK (answer IN ('yes', 'partly', 'no')),
            answered_by  VARCHAR NOT NULL,
            answered_at  TIMESTAMP NOT NULL,
            note         VARCHAR
        );
        CREATE TABLE maturity_scores (
            as_of         DATE NOT NULL,
            stage         INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 6),
            criterion_id  VARCHAR NOT NULL,
            description   VARCHAR NOT NULL,
            source        VARCHAR NOT NULL CHECK (source IN ('warehouse', 'questionnaire')),
            score         DOUBLE NOT NULL CHECK (score IN (0, 0.5, 1)),
            evidence      JSON NOT NULL,
            computed_at   TIMESTAMP NOT NULL,
            PRIMARY KEY (as_of, criterion_id)
        );
        """
    )


@migration(12)
def add_roi_assumptions(con: duckdb.DuckDBPyConnection) -> None:
    """ROI assumptions as an append-only history: the newest row per name is in force, and
    every figure can be traced to the inputs and the person who set them."""
    con.execute(
        """
        CREATE SEQUENCE roi_change_ids;
        CREATE TABLE roi_assumptions (
            change_id   BIGINT PRIMARY KEY DEFAULT nextval('roi_change_ids'),
            name        VARCHAR NOT NULL,
            low         DOUBLE NOT NULL,
            base        DOUBLE NOT NULL,
            high        DOUBLE NOT NULL,
            changed_by  VARCHAR NOT NULL,
            changed_at  TIMESTAMP NOT NULL,
            note        VARCHAR
        );
        """
    )


@migration(13)
def add_governance(con: duckdb.DuckDBPyConnection) -> None:
    """Legal holds (a held post is never archived or erased until the hold is released) and the
    record of each erasure. Both are kept for good: a hold is released, never deleted."""
    con.execute(
        """
        CREATE SEQUENCE legal_hold_ids;
        CREATE TABLE legal_holds (
            hold_id      BIGINT PRIMARY KEY DEFAULT nextval('legal_hold_ids'),
            scope        VARCHAR NOT NULL CHECK (scope IN ('channel', 'author', 'date_range')),
            value        VARCHAR,
            date_from    DATE,
            date_to      DATE,
            reason       VARCHAR NOT NULL,
            custodian    VARCHAR NOT NULL,
            created_at   TIMESTAMP NOT NULL,
            released_at  TIMESTAMP,
            released_by  VARCHAR,
            CHECK ((scope = 'date_range') = (date_from IS NOT NULL AND date_to IS NOT NULL)),
            CHECK ((scope = 'date_range') = (value IS NULL))
        );
        CREATE SEQUENCE erasure_ids;
        CREATE TABLE erasures (
            erasure_id             BIGINT PRIMARY KEY DEFAULT nextval('erasure_ids'),
            pseudonym              VARCHAR NOT NULL,
            erased_by              VARCHAR NOT NULL,
            erased_at              TIMESTAMP NOT NULL,
            posts_erased           BIGINT NOT NULL,
            posts_held             BIGINT NOT NULL,
            archived_posts_erased  BIGINT NOT NULL,
            archived_posts_held    BIGINT NOT NULL,
            interactions_erased    BIGINT NOT NULL,
            identity_erased        BOOLEAN NOT NULL
        );
        """
    )


@migration(14)
def add_mention_index(con: duckdb.DuckDBPyConnection) -> None:
    """One narrow row per brand mention, in time order, written by `pulse analyze`: what the
    mention list, the influencers and the map need without joining the snapshots, the brand
    matches and the scores of millions of posts on every page view. No primary key: an ART
    index over ten million ids costs more to write than the lookups it would save, and
    ``refresh_mention_index`` replaces whole days."""
    con.execute(
        """
        CREATE TABLE mention_index (
            post_id      VARCHAR NOT NULL,
            created_at   TIMESTAMP NOT NULL,
            platform     VARCHAR NOT NULL,
            channel_id   VARCHAR NOT NULL,
            author_id    VARCHAR,
            brands       VARCHAR[] NOT NULL,
            engagements  BIGINT,
            reach        BIGINT,
            label        VARCHAR,
            source       VARCHAR,
            country      VARCHAR,
            city         VARCHAR,
            lat          DOUBLE,
            lon          DOUBLE
        )
        """
    )


@migration(15)
def add_answered_posts(con: duckdb.DuckDBPyConnection) -> None:
    """The external mentions an owned account answered and the internal questions a colleague
    answered, with when the first answer came, written by `pulse analyze`: the ROI's volumes of
    any period are then a count over a small table instead of two joins of every post."""
    con.execute(
        """
        CREATE TABLE answered_posts (
            post_id      VARCHAR NOT NULL,
            kind         VARCHAR NOT NULL CHECK (kind IN ('mention', 'question')),
            created_at   TIMESTAMP NOT NULL,
            answered_at  TIMESTAMP NOT NULL
        )
        """
    )


def latest_version() -> int:
    return MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to this file, 0 for a new file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[str]:
    """Apply every pending migration up to ``target`` (default: all); return the names applied."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
        )
        """
    )
    target = latest_version() if target is None else target
    applied: list[str] = []
    for step in MIGRATIONS:
        if step.version > target or step.version <= current_version(con):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            step.apply(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                [step.version, step.name],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(step.name)
    return applied
