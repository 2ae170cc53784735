"""The demo organisation's maturity questionnaire, answered through its year.

Only the questionnaire's part of the scorecard lives here: what Northwind's communications lead
and COO said, and when. Everything the warehouse can show (listening, owned posts, replies,
participation, the crisis check-in) comes from the demo's generated data, never from here.
The story: listening goals set from the start, the social-media policy published in February,
rules of engagement written for the April launch and audited in June, a sponsor named in July,
the board looking at the September crisis response; the CoE only partly in place and social
KPIs not yet linked to business metrics.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from collectors.demo.calendar import DemoCalendar

COMMS = "head-of-communications"
COO = "coo"
# (day of the demo year, question, answer, who, note)
ANSWERS = (
    (
        2,
        "planning.goals_defined",
        "yes",
        COMMS,
        "listening brief: product feedback, competitor moves, early crisis warning",
    ),
    (2, "planning.insights_shared", "partly", COMMS, "ad-hoc e-mails to marketing"),
    (2, "presence.policy_published", "partly", COMMS, "draft policy circulated"),
    (2, "presence.objectives_linked", "no", COMMS, None),
    (2, "engagement.rules_and_audits", "no", COMMS, None),
    (2, "formalized.coe_named", "no", COMMS, None),
    (2, "formalized.executive_sponsor", "no", COMMS, None),
    (2, "formalized.business_metrics", "no", COMMS, None),
    (2, "strategic.board_reviews", "no", COMMS, None),
    (2, "converged.predictive_decisions", "no", COMMS, None),
    (2, "converged.incentives_aligned", "no", COMMS, None),
    (
        72,
        "planning.insights_shared",
        "yes",
        COMMS,
        "monthly listening report to marketing, product and support",
    ),
    (
        72,
        "presence.objectives_linked",
        "partly",
        COMMS,
        "X account: customer care and launches; the others to follow",
    ),
    (
        107,
        "presence.policy_published",
        "yes",
        COMMS,
        "published on the intranet and acknowledged by employees",
    ),
    (128, "presence.objectives_linked", "yes", COMMS, "every owned account has an objective"),
    (
        170,
        "engagement.rules_and_audits",
        "partly",
        COMMS,
        "launch playbook: reply rules and escalation to support",
    ),
    (226, "engagement.rules_and_audits", "yes", COMMS, "first yearly audit of owned accounts"),
    (226, "formalized.executive_sponsor", "partly", COO, "sponsoring the launch follow-up"),
    (247, "formalized.executive_sponsor", "yes", COO, "named sponsor of social business"),
    (247, "formalized.coe_named", "partly", COO, "social team of three; role being defined"),
    (331, "strategic.board_reviews", "partly", COO, "the board reviewed the crisis response"),
)


def demo_answers(calendar: DemoCalendar | None = None) -> pd.DataFrame:
    """The answers, dated within the demo year (10:00 on their day)."""
    calendar = calendar or DemoCalendar()
    frame = pd.DataFrame(ANSWERS, columns=["day", "question_id", "answer", "answered_by", "note"])
    start = calendar.start.astype("datetime64[D]")
    frame["answered_at"] = (
        start + frame["day"].to_numpy() * np.timedelta64(1, "D") + np.timedelta64(10, "h")
    ).astype("datetime64[us]")
    return frame.drop(columns="day")


def save_answers(con: duckdb.DuckDBPyConnection, answers: pd.DataFrame) -> int:
    """Insert the answers not stored yet; an answer is the same when its question, author and
    time are, so loading the demo twice adds nothing. Return the rows inserted."""
    con.register("_demo_answers", answers)
    try:
        return con.execute(
            """
            INSERT INTO maturity_answers (question_id, answer, answered_by, answered_at, note)
            SELECT question_id, answer, answered_by, answered_at, note FROM _demo_answers d
            WHERE NOT EXISTS (
                SELECT 1 FROM maturity_answers m
                WHERE m.question_id = d.question_id AND m.answered_by = d.answered_by
                  AND m.answered_at = d.answered_at)
            """
        ).fetchall()[0][0]
    finally:
        con.unregister("_demo_answers")
