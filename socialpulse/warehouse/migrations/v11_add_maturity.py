"""Migration 11: add maturity."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


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
