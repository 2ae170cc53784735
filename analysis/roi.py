"""Return on investment of the social programme: ROI = (benefits - costs) / costs over a period.

Every figure must be traceable, so each cost and benefit line is a product of named inputs: a
volume counted in the warehouse (mentions the brand answered, internal questions answered,
potential reach) or an editable assumption with a low / base / high range
(``analysis.roi_assumptions``). The volumes come from SQL (answers from
``analysis.answered_posts``); the rest is a few multiplications.

Earned media value is left out unless ``include_emv`` is true, and then labelled: the AMEC
Barcelona Principles reject advertising-value equivalents.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd
from dateutil.relativedelta import relativedelta

from analysis.period import Period
from analysis.roi_assumptions import ASSUMPTIONS, in_force
from socialpulse.config import Settings

EMV_LABEL = "indicative only (AMEC Barcelona Principles reject AVE)"
TRACED = ("value", "low", "base", "high", "unit", "source")
SCENARIO_RULES = {
    "low": "low benefits + high costs",
    "base": "base values",
    "high": "high benefits + low costs",
}


@dataclass(frozen=True)
class Line:
    """A cost or benefit: the product of its factors divided by ``divisor``."""

    name: str
    label: str
    kind: str  # cost or benefit
    factors: tuple[str, ...]
    divisor: float = 1
    one_off: bool = False


LINES: tuple[Line, ...] = (
    Line("licences", "Licences", "cost", ("licence_per_seat_month", "seats", "months")),
    Line("tools", "Tools", "cost", ("tools_per_month", "months")),
    Line("staff_time", "Staff time", "cost", ("staff_hours_per_month", "hourly_rate", "months")),
    Line("training", "Training (one-off)", "cost", ("training_one_off",), one_off=True),
    Line(
        "support_deflection",
        "Support deflection",
        "benefit",
        ("answered_mentions", "cost_per_ticket"),
    ),
    Line(
        "search_time_saved",
        "Search time saved",
        "benefit",
        ("questions_answered", "minutes_saved_per_answer", "hourly_rate"),
        divisor=60,
    ),
    Line(
        "recruiting",
        "Recruiting",
        "benefit",
        ("hires_per_year", "saving_per_hire", "months"),
        divisor=12,
    ),
    Line(
        "attributed_revenue",
        "Attributed revenue",
        "benefit",
        ("attributed_revenue_per_month", "months"),
    ),
    Line(
        "earned_media_value",
        f"Earned media value, {EMV_LABEL}",
        "benefit",
        ("potential_reach", "cpm"),
        divisor=1000,
    ),
)

# What each factor is called where people read a formula (the ids stay in ``formula``).
FACTOR_NAMES = {
    "licence_per_seat_month": "Licence per seat and month",
    "seats": "Seats",
    "months": "Months",
    "tools_per_month": "Tools per month",
    "staff_hours_per_month": "Staff hours per month",
    "hourly_rate": "Hourly rate",
    "training_one_off": "Training (one-off)",
    "cost_per_ticket": "Cost per support ticket",
    "minutes_saved_per_answer": "Minutes saved per answer",
    "hires_per_year": "Hires per year",
    "saving_per_hire": "Saving per hire",
    "attributed_revenue_per_month": "Attributed revenue per month",
    "cpm": "Cost per 1,000 reach (CPM)",
    "answered_mentions": "Answered mentions",
    "questions_answered": "Questions answered",
    "potential_reach": "Potential reach",
}

VOLUMES = {
    "answered_mentions": (
        "mentions",
        "warehouse: external posts by others (reposts excluded) created in the period "
        "that an owned account replied to by the period's end",
    ),
    "questions_answered": (
        "questions",
        "warehouse: internal top-level posts (not announcements or check-ins) "
        "containing '?' created in the period "
        "that someone other than the asker replied to by the period's end",
    ),
    "potential_reach": (
        "potential reach",
        "warehouse: sum of brand_daily.reach of own brands over the period "
        "(unknown reach counts as nothing)",
    ),
}


def assumptions(con: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    """The assumptions in force, each with its unit, the lines that use it and its source, so a
    reader can check the inputs beside the result."""
    used_in = {
        name: ", ".join(line.label for line in LINES if name in line.factors)
        for name in ASSUMPTIONS
    }
    frame = pd.DataFrame.from_dict(in_force(con, settings), orient="index")
    frame.index.name = "name"
    frame = frame.reset_index()
    frame.insert(1, "label", frame["name"].map(FACTOR_NAMES))
    frame.insert(6, "used_in", frame["name"].map(used_in))
    return frame


def count_volumes(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, float]:
    """The counted inputs of the benefit lines, over the period: the posts of the period
    answered before its end (from what `pulse analyze` stored), and the potential reach."""
    answered, questions, reach = con.execute(
        """
        SELECT
          (SELECT count(*) FROM answered_posts WHERE kind = 'mention'
             AND created_at >= $since AND created_at < $until AND answered_at < $until),
          (SELECT count(*) FROM answered_posts WHERE kind = 'question'
             AND created_at >= $since AND created_at < $until AND answered_at < $until),
          (SELECT coalesce(sum(reach), 0) FROM brand_daily
           WHERE NOT is_competitor AND day BETWEEN $start AND $end)
        """,
        {"since": period.since, "until": period.until, "start": period.start, "end": period.end},
    ).fetchall()[0]
    return {
        "answered_mentions": answered,
        "questions_answered": questions,
        "potential_reach": float(reach),
    }


def default_period(con: duckdb.DuckDBPyConnection, months: int = 12) -> Period:
    """The last ``months`` months of data, ending on the newest post's day and starting no
    earlier than the oldest, so costs are never counted for months without data."""
    first, last = con.execute(
        "SELECT min(created_at)::DATE, max(created_at)::DATE FROM posts"
    ).fetchall()[0]
    if last is None:
        raise ValueError("the warehouse has no posts: load data first (pulse demo, pulse import)")
    return Period(max(first, last - relativedelta(months=months) + timedelta(days=1)), last)


def parse_period(con: duckdb.DuckDBPyConnection, text: str | None) -> Period:
    """``START:END`` (ISO dates, both included) or ``last-Nm``; None means the last 12 months."""
    if text is None:
        return default_period(con)
    if match := re.fullmatch(r"last-(\d+)m", text.strip()):
        if int(match[1]) < 1:
            raise ValueError(f"period {text!r}: expected at least one month")
        return default_period(con, int(match[1]))
    start, sep, end = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return Period(date.fromisoformat(start.strip()), date.fromisoformat(end.strip()))
    except ValueError as error:
        reason = f": {error}" if str(error) else ""
        raise ValueError(
            f"period {text!r}: expected START:END as YYYY-MM-DD:YYYY-MM-DD or last-12m{reason}"
        ) from None


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _compute(line: Line, inputs: dict[str, dict], case: str) -> float:
    """The line's value with every assumption at ``case`` (volumes do not vary)."""
    return math.prod(inputs[f].get(case, inputs[f].get("value")) for f in line.factors) / (
        line.divisor
    )


def _number(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{round(value, 4)}"


def _spelled(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _describe(line: Line, inputs: dict[str, dict], value: float) -> dict:
    """The formula twice: with the factors' ids and exact inputs (for a reader checking the
    sum), and in words with rounded inputs (for the page and the report)."""
    bases = [inputs[f].get("base", inputs[f].get("value")) for f in line.factors]
    divide = f" / {line.divisor:g}" if line.divisor != 1 else ""
    words = " × ".join(FACTOR_NAMES[f] for f in line.factors)
    return {
        "formula": " x ".join(line.factors) + divide,
        "calculation": " x ".join(map(_number, bases)) + f"{divide} = {value:,.2f}",
        "in_words": f"{words}{divide.replace('/', '÷')} = "
        + " × ".join(map(_spelled, bases))
        + f"{divide.replace('/', '÷')} = {_spelled(round(value, 2))}",
    }


def _summary(benefits: float, costs: float, one_off: float, months: float) -> dict:
    monthly_net = (benefits - (costs - one_off)) / months
    return {
        "benefits": _round(benefits),
        "costs": _round(costs),
        "net_benefit": _round(benefits - costs),
        "roi_pct": _round(100 * (benefits - costs) / costs) if costs else None,
        "payback_months": _round(one_off / monthly_net) if monthly_net > 0 else None,
    }


def roi_report(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: Period,
    include_emv: bool | None = None,
) -> dict:
    """Every cost and benefit line with its inputs, formula and low / base / high values; the
    totals, ROI %, payback in months (one-off costs / monthly net benefit, where the monthly net
    benefit is benefits less recurring costs per month; None when it is not positive) and the
    three scenarios (low = low benefits + high costs, high = the reverse).

    ``include_emv`` overrides ``[roi] include_emv``."""
    include_emv = settings.roi.include_emv if include_emv is None else include_emv
    months = period.days * 12 / 365
    inputs: dict[str, dict] = dict(in_force(con, settings))
    for name, value in count_volumes(con, period).items():
        unit, source = VOLUMES[name]
        inputs[name] = {"value": value, "unit": unit, "source": source}
    inputs["months"] = {
        "value": months,
        "unit": "months",
        "source": f"period: {period.days} days x 12 / 365",
    }
    lines = {"cost": [], "benefit": []}
    for line in LINES:
        if line.name == "earned_media_value" and not include_emv:
            continue
        values = {case: _compute(line, inputs, case) for case in ("low", "base", "high")}
        entry = {
            "name": line.name,
            "label": line.label,
            **_describe(line, inputs, values["base"]),
            "inputs": {
                f: {k: v for k, v in inputs[f].items() if k in TRACED} for f in line.factors
            },
            **{case: _round(v) for case, v in values.items()},
            "one_off": line.one_off,
        }
        if line.name == "earned_media_value":
            entry["note"] = EMV_LABEL
        lines[line.kind].append((entry, values))
    scenarios = {}
    for case, cost_case in (("low", "high"), ("base", "base"), ("high", "low")):
        benefits = sum(values[case] for _, values in lines["benefit"])
        costs = sum(values[cost_case] for _, values in lines["cost"])
        one_off = sum(values[cost_case] for entry, values in lines["cost"] if entry["one_off"])
        scenarios[case] = {
            "rule": SCENARIO_RULES[case],
            **_summary(benefits, costs, one_off, months),
        }
    base = scenarios["base"]
    one_off = sum(values["base"] for entry, values in lines["cost"] if entry["one_off"])
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "days": period.days,
            "months": _round(months, 4),
        },
        "currency": settings.roi.currency,
        "definition": "ROI = (benefits - costs) / costs x 100 over the period",
        "benefits": [entry for entry, _ in lines["benefit"]],
        "costs": [entry for entry, _ in lines["cost"]],
        "totals": {
            "benefits": base["benefits"],
            "costs": base["costs"],
            "one_off_costs": _round(one_off),
            "recurring_costs": _round(base["costs"] - one_off),
            "net_benefit": base["net_benefit"],
        },
        "roi_pct": base["roi_pct"],
        "payback_months": base["payback_months"],
        "scenarios": scenarios,
        "emv_included": include_emv,
    }
