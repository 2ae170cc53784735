"""The reads behind the executive pages (KPI scorecard, maturity scorecard, return on
investment), from what `pulse analyze` stored (maturity_scores, the daily roll-ups) and the
settings' targets and assumptions."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.period import Period
from dashboard.data import session
from dashboard.data.cache import QUERIES, query
from dashboard.data.session import Filters
from socialpulse.config import Settings

EVER = date(9999, 12, 30)  # "as of" that includes every answer given so far

NEWEST_SCORES = (
    "SELECT as_of, criterion_id AS id, stage, description, source, score, evidence "
    "FROM maturity_scores WHERE as_of = (SELECT max(as_of) FROM maturity_scores) "
    "ORDER BY stage, criterion_id"
)

# The analysis modules are imported where they are used, so the other pages keep working while
# an executive module is being changed.


def _maturity(con, settings_: Settings) -> dict:
    """The scorecard of the newest stored month end, with the questionnaire's answers as they
    stand now (an answer given on the page shows at once); computed live only before the first
    `pulse analyze` has stored any score."""
    import json

    from analysis import maturity

    stored = con.execute(NEWEST_SCORES).df()
    if stored.empty:
        return {**maturity.scorecard(con, settings_), "stored": False}
    as_of = pd.Timestamp(stored["as_of"].iloc[0]).date()
    criteria = stored.drop(columns="as_of").to_dict("records")
    answers = maturity.answers_as_of(con, EVER)
    for criterion in criteria:
        criterion["evidence"] = json.loads(criterion["evidence"])
        if criterion["source"] == "questionnaire":
            found = maturity.questionnaire_evidence(
                maturity.BY_ID[criterion["id"]], answers.get(criterion["id"])
            )
            criterion.update(score=found["score"], evidence=found)
    return {**maturity.summarise(as_of, criteria), "stored": True}


def _maturity_history(con) -> pd.DataFrame:
    from analysis.maturity import history

    return history(con)


def _answers(con) -> pd.DataFrame:
    from analysis.maturity import answers_as_of

    return pd.DataFrame(
        list(answers_as_of(con, EVER).values()),
        columns=["question_id", "answer", "answered_by", "answered_at", "note"],
    )


def _roi(con, start: date, end: date, settings_: Settings) -> dict:
    from analysis.roi import roi_report

    return roi_report(con, settings_, Period(start, end))


def _roi_assumptions(con, settings_: Settings) -> pd.DataFrame:
    from analysis.roi import assumptions

    return assumptions(con, settings_)


def _kpis_from_rollups(con, start: date, end: date, targets) -> pd.DataFrame:
    from analysis.kpis import kpi_scorecard_from_rollups

    return kpi_scorecard_from_rollups(con, Period(start, end), targets)


QUERIES.update(
    {
        "maturity": _maturity,
        "maturity_history": _maturity_history,
        "answers": _answers,
        "roi": _roi,
        "roi_assumptions": _roi_assumptions,
        "kpis_from_rollups": _kpis_from_rollups,
    }
)


def maturity_scorecard(db: str) -> dict:
    return query("maturity", db, session.settings())


def maturity_history(db: str) -> pd.DataFrame:
    return query("maturity_history", db)


def maturity_answers(db: str) -> pd.DataFrame:
    """Each question's answer in force now."""
    return query("answers", db)


def maturity_questions() -> list[dict]:
    from analysis.maturity import questions

    return questions()


def roi_report(f: Filters) -> dict:
    return query("roi", f.db, f.start, f.end, session.settings())


def roi_assumptions(db: str) -> pd.DataFrame:
    return query("roi_assumptions", db, session.settings())


def kpis(f: Filters) -> pd.DataFrame:
    """The KPI scorecard read from the stored roll-ups, with its traffic lights."""
    return query("kpis_from_rollups", f.db, f.start, f.end, session.settings().kpi_targets)


def kpis_with_trend(f: Filters, periods: int = 6) -> pd.DataFrame:
    """The scorecard with each KPI's ``previous`` value (the period of the same length before,
    NaN without data) and ``trend`` (its values over the last ``periods`` such periods that have
    data, oldest first). Each period is one cached read of roll-ups."""
    views = [f]
    for _ in range(max(periods, 2) - 1):
        views.append(views[-1].previous())
    scorecard = kpis(f)
    values = [kpis(view).set_index("kpi")["value"] for view in reversed(views[1:])]
    history = pd.concat([*values, scorecard.set_index("kpi")["value"]], axis=1)
    return scorecard.assign(
        previous=scorecard["kpi"].map(values[-1]),
        # Periods without data are left out of the line rather than drawn as gaps.
        trend=scorecard["kpi"].map(lambda kpi: [float(v) for v in history.loc[kpi].dropna()]),
    )
