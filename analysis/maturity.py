"""The maturity scorecard: where the organisation stands on Solis' six stages, and why.

Each criterion (see ``analysis.maturity_criteria``) scores 0, 0.5 or 1 with its evidence; a
stage's score is the mean of its criteria. A stage is reached when its score is at least 0.7 and
every earlier stage is reached, because a strong later stage built on a missing earlier one is
not maturity: the organisation stands at the highest stage reached. The questionnaire's answers
are kept with their history, so any past month can be scored as it was known then.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from analysis.maturity_criteria import BY_ID, CRITERIA
from analysis.maturity_grading import STAGES, Criterion, evidence
from analysis.period import Period
from socialpulse.config import Settings
from socialpulse.warehouse import transaction, upsert

REACHED_AT = 0.7
ANSWER_SCORES = {"yes": 1.0, "partly": 0.5, "no": 0.0}
# MIT Sloan / Deloitte ask people to rate their company's social business maturity 1-10.
PEER_BANDS = (("early", 1, 3), ("developing", 4, 6), ("maturing", 7, 10))
STAGE_BAND = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2}
BLOCKING = 3


def questions() -> list[dict]:
    """The questionnaire: one yes / partly / no question per questionnaire criterion."""
    return [
        {"id": c.id, "stage": c.stage, "stage_name": STAGES[c.stage - 1][1], "question": c.question}
        for c in CRITERIA
        if c.source == "questionnaire"
    ]


def check_answer(question_id: str, answer: str, answered_by: str = "?") -> None:
    """Raise ValueError, in one line, for an unknown question or answer, or no author."""
    criterion = BY_ID.get(question_id)
    if criterion is None or criterion.source != "questionnaire":
        raise ValueError(f"unknown question {question_id!r}: `pulse maturity questions` lists them")
    if answer not in ANSWER_SCORES:
        raise ValueError(f"unknown answer {answer!r}: expected yes, partly or no")
    if not answered_by.strip():
        raise ValueError("say who answers (answered_by)")


def record_answer(
    con: duckdb.DuckDBPyConnection,
    question_id: str,
    answer: str,
    answered_by: str,
    note: str | None = None,
    answered_at: datetime | None = None,
) -> int:
    """Store a new answer (older ones stay, so past months keep the answer they had); return
    its id. Raise ValueError, in one line, for an unknown question or answer."""
    check_answer(question_id, answer, answered_by)
    return con.execute(
        "INSERT INTO maturity_answers (question_id, answer, answered_by, answered_at, note) "
        "VALUES (?, ?, ?, coalesce(?, now()::TIMESTAMP), ?) RETURNING answer_id",
        [question_id, answer, answered_by, answered_at, note],
    ).fetchall()[0][0]


def answers_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, dict]:
    """Each question's newest answer given on or before ``as_of``."""
    frame = con.execute(
        """
        SELECT question_id, answer, answered_by, answered_at::VARCHAR AS answered_at, note
        FROM maturity_answers WHERE answered_at < ?
        QUALIFY row_number() OVER (PARTITION BY question_id
                                   ORDER BY answered_at DESC, answer_id DESC) = 1
        """,
        [Period(as_of, as_of).until],
    ).df()
    frame["note"] = frame["note"].astype(object).where(frame["note"].notna(), None)
    return {row["question_id"]: row for row in frame.to_dict(orient="records")}


def questionnaire_evidence(criterion: Criterion, answer: dict | None) -> dict:
    """A questionnaire criterion's score and evidence from the answer in force (None: not
    answered yet, which scores 0); the scorecard page applies a new answer with it at once."""
    if answer is None:
        return evidence(0.0, None, "not answered yet", question=criterion.question, answer=None)
    return evidence(
        ANSWER_SCORES[answer["answer"]],
        None,
        answer["note"],
        question=criterion.question,
        answer=answer["answer"],
        answered_by=answer["answered_by"],
        answered_at=answer["answered_at"],
    )


def score_criteria(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> list[dict]:
    """Every criterion as of ``as_of``: id, stage, description, source, score, evidence."""
    answers = answers_as_of(con, as_of)
    rows = []
    for criterion in CRITERIA:
        found = (
            criterion.measure(con, settings, as_of)
            if criterion.source == "warehouse"
            else questionnaire_evidence(criterion, answers.get(criterion.id))
        )
        rows.append(
            {
                "id": criterion.id,
                "stage": criterion.stage,
                "description": criterion.description,
                "source": criterion.source,
                "score": found["score"],
                "evidence": found,
            }
        )
    return rows


def current_stage(stage_scores: list[float]) -> int:
    """The highest stage reached: stages count only in order, each at ``REACHED_AT`` or more."""
    reached = 0
    for score in stage_scores:
        if score < REACHED_AT:
            break
        reached += 1
    return reached


def peer_band(stage: int) -> dict:
    band, low, high = PEER_BANDS[STAGE_BAND[stage]]
    return {"band": band, "low": low, "high": high}


def summarise(as_of: date, criteria: list[dict]) -> dict:
    """Stage scores, the current stage, and the unmet criteria that block the next one."""
    frame = pd.DataFrame(criteria)
    means = frame.groupby("stage")["score"].mean().reindex(range(1, 7), fill_value=0.0)
    stage_scores = [round(float(means[n]), 2) for n, _, _ in STAGES]
    current = current_stage(stage_scores)
    next_stage = current + 1 if current < len(STAGES) else None
    blocking = []
    if next_stage:
        unmet = frame[(frame["stage"] == next_stage) & (frame["score"] < 1)]
        blocking = unmet.sort_values("score", kind="stable").head(BLOCKING).to_dict("records")
    return {
        "as_of": as_of.isoformat(),
        "stages": [
            {"stage": n, "name": name, "motto": motto, "score": score, "reached": n <= current}
            for (n, name, motto), score in zip(STAGES, stage_scores, strict=True)
        ],
        "current_stage": current,
        "current_stage_name": STAGES[current - 1][1] if current else None,
        "next_stage": next_stage,
        "next_stage_name": STAGES[next_stage - 1][1] if next_stage else None,
        "blocking": blocking,
        "peer_band": peer_band(current),
        "criteria": criteria,
    }


def latest_date(con: duckdb.DuckDBPyConnection) -> date:
    """The newest day with data (today for an empty warehouse), so "now" means the same thing
    on a demo year as on live collection."""
    newest = con.execute("SELECT max(created_at)::DATE FROM posts").fetchall()[0][0]
    return newest or datetime.now(UTC).date()


def scorecard(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None = None
) -> dict:
    """The scorecard as of a date (default: the newest day with data), computed live."""
    as_of = as_of or latest_date(con)
    return summarise(as_of, score_criteria(con, settings, as_of))


def month_ends(con: duckdb.DuckDBPyConnection, until: date | None = None) -> list[date]:
    """The last day of every month the data covers, and the newest day (or ``until``) when it
    is not a month end."""
    first = con.execute("SELECT min(created_at)::DATE FROM posts").fetchall()[0][0]
    last = until or latest_date(con)
    if first is None or first > last:
        return [last]
    ends = pd.date_range(first, last, freq="ME").date.tolist()
    return ends if ends and ends[-1] == last else [*ends, last]


def compute_scores(
    con: duckdb.DuckDBPyConnection, settings: Settings, dates: list[date]
) -> pd.DataFrame:
    """Criterion scores per date, shaped like ``maturity_scores``."""
    computed_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    rows = [
        {
            "as_of": as_of,
            "stage": row["stage"],
            "criterion_id": row["id"],
            "description": row["description"],
            "source": row["source"],
            "score": row["score"],
            "evidence": json.dumps(row["evidence"]),
            "computed_at": computed_at,
        }
        for as_of in dates
        for row in score_criteria(con, settings, as_of)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "as_of",
            "stage",
            "criterion_id",
            "description",
            "source",
            "score",
            "evidence",
            "computed_at",
        ],
    )


def refresh_maturity(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Score every month end in the data (and the newest day) into ``maturity_scores``; return
    the rows written. Every month is recomputed: late imports and answers change old months."""
    scores = compute_scores(con, settings, month_ends(con))
    with transaction(con):
        upsert(con, "maturity_scores", scores)
    return len(scores)


def history_of(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per date: each stage's score, the current stage and its name."""
    columns = [name.lower() for _, name, _ in STAGES]
    if scores.empty:
        return pd.DataFrame(columns=["as_of", *columns, "current_stage", "current_stage_name"])
    wide = (
        scores.groupby(["as_of", "stage"])["score"]
        .mean()
        .round(2)
        .unstack("stage")
        .reindex(columns=range(1, 7), fill_value=0.0)
    )
    reached = (wide >= REACHED_AT).cumprod(axis=1)
    wide.columns = columns
    wide["current_stage"] = reached.sum(axis=1).astype(int)
    names = {0: None, **{n: name for n, name, _ in STAGES}}
    wide["current_stage_name"] = wide["current_stage"].map(names).astype(object)
    wide["current_stage_name"] = wide["current_stage_name"].where(
        wide["current_stage_name"].notna(), None
    )
    result = wide.reset_index()
    result["as_of"] = pd.to_datetime(result["as_of"]).dt.date
    return result


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored trend (what `refresh_maturity` wrote): one row per month end."""
    return history_of(
        con.execute("SELECT as_of, stage, score FROM maturity_scores ORDER BY as_of").df()
    )


def live_history(
    con: duckdb.DuckDBPyConnection, settings: Settings, until: date | None = None
) -> pd.DataFrame:
    """The trend computed from the warehouse now, for a read-only reader."""
    return history_of(compute_scores(con, settings, month_ends(con, until)))


def evidence_text(found: dict) -> str:
    """One line for a person: the answer, or the figures, then the note."""
    numbers = found["numbers"]
    if "question" in numbers:
        parts = [numbers["answer"] or "not answered"]
        parts += (
            [f"by {numbers['answered_by']} on {numbers['answered_at'][:10]}"]
            if (numbers["answer"])
            else []
        )
    else:
        parts = [
            f"{name.removesuffix('_pct').replace('_', ' ')} {value}"
            + ("%" if name.endswith("_pct") else "")
            for name, value in numbers.items()
            if value is not None and value != []
        ]
    if found.get("note") and found["note"] != "not answered yet":
        parts.append(found["note"])
    return "; ".join(parts)
