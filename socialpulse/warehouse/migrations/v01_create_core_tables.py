"""Migration 1: create core tables."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


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
