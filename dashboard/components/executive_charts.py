"""Charts of the executive pages and the one-page report, each with its one-sentence summary."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.components.theme import PRIMARY

REACHED_COLORS = {"Reached": "#2e7d32", "Not reached": "#9e9e9e"}
STATUS_COLORS = {"met": "#2e7d32", "near": "#f9a825", "missed": "#c62828", "no data": "#cfd8dc"}
STATUS_NAMES = {"met": "Met", "near": "Near", "missed": "Missed", "no data": "No data"}
SCENARIOS = ("low", "base", "high")


def stage_scores(card: dict) -> tuple[alt.LayerChart, str]:
    """The six stage scores as bars, the 0.7 bar a stage must reach as a rule."""
    frame = pd.DataFrame(card["stages"]).assign(
        label=lambda df: df["stage"].astype(str) + ". " + df["name"],
        status=lambda df: df["reached"].map({True: "Reached", False: "Not reached"}),
    )
    bars = (
        alt.Chart(frame, title="Maturity: score of each stage")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None),
            x=alt.X("score:Q", title="Score (0 to 1)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=list(REACHED_COLORS), range=list(REACHED_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Stage"),
                alt.Tooltip("motto:N", title="Motto"),
                alt.Tooltip("score:Q", title="Score", format=".2f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [0.7]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = alt.layer(bars, rule).properties(height=240)
    stage = card["current_stage"]
    now = f"stage {stage}, {card['current_stage_name']}" if stage else "below stage 1 (Planning)"
    blocking = ", ".join(b["description"] for b in card["blocking"])
    summary = f"As of {pd.Timestamp(card['as_of']):%-d %b %Y} the organisation stands at {now}"
    summary += f"; stage {card['next_stage']} is blocked by: {blocking}." if blocking else "."
    return chart, summary


def maturity_trend(history: pd.DataFrame) -> tuple[alt.Chart, str]:
    """The current stage at each month end."""
    chart = (
        alt.Chart(history, title="Maturity stage by month")
        .mark_line(point=True, interpolate="step-after", color=PRIMARY)
        .encode(
            x=alt.X("as_of:T", title=None),
            y=alt.Y("current_stage:Q", title="Stage reached", scale=alt.Scale(domain=[0, 6])),
            tooltip=[
                alt.Tooltip("as_of:T", title="Month end"),
                alt.Tooltip("current_stage:Q", title="Stage"),
                alt.Tooltip("current_stage_name:N", title="Name"),
            ],
        )
        .properties(height=220)
    )
    if history.empty:
        return chart, "No monthly scores stored yet: run `pulse analyze`."
    first, last = history.iloc[0], history.iloc[-1]
    return chart, (
        f"The stage reached went from {int(first['current_stage'])} at "
        f"{pd.Timestamp(first['as_of']):%b %Y} to {int(last['current_stage'])} at "
        f"{pd.Timestamp(last['as_of']):%b %Y}."
    )


def roi_range(report: dict) -> tuple[alt.LayerChart, str]:
    """ROI % of the low, base and high scenarios, around zero."""
    frame = pd.DataFrame(
        [{"scenario": case.capitalize(), **report["scenarios"][case]} for case in SCENARIOS]
    )
    bars = (
        alt.Chart(frame, title="ROI: low, base and high scenarios")
        .mark_bar()
        .encode(
            x=alt.X(
                "scenario:N",
                title=None,
                sort=[case.capitalize() for case in SCENARIOS],
                axis=alt.Axis(labelAngle=0),  # three short names: read level, not rotated
            ),
            y=alt.Y("roi_pct:Q", title="ROI (%)"),
            color=alt.condition("datum.roi_pct >= 0", alt.value("#2e7d32"), alt.value("#c62828")),
            tooltip=[
                "scenario:N",
                "rule:N",
                alt.Tooltip("benefits:Q", title="Benefits", format=",.0f"),
                alt.Tooltip("costs:Q", title="Costs", format=",.0f"),
                alt.Tooltip("roi_pct:Q", title="ROI (%)", format="+.0f"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#9e9e9e").encode(y="y:Q")
    chart = alt.layer(bars, zero).properties(height=260)
    low, base, high = (report["scenarios"][c]["roi_pct"] for c in SCENARIOS)

    def pct(value) -> str:
        return "n/a" if value is None else f"{value:+.0f}%"

    payback = report["payback_months"]
    return chart, (
        f"Base ROI is {pct(base)} over {report['period']['days']} days (range "
        f"{pct(low)} to {pct(high)}); "
        + (
            f"the one-off costs pay back in {payback:.1f} months."
            if payback
            else "the one-off costs do not pay back at the base values."
        )
    )


def kpi_traffic_lights(scorecard: pd.DataFrame) -> tuple[alt.LayerChart, str]:
    """Each KPI's value against its target (black tick), coloured met / near / missed."""
    frame = scorecard.assign(light=scorecard["status"].fillna("no data").map(STATUS_NAMES))
    bars = (
        alt.Chart(frame, title="KPIs against targets")
        .mark_bar()
        .encode(
            y=alt.Y("kpi:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("value:Q", title="Value (%)"),
            color=alt.Color(
                "light:N",
                title=None,
                scale=alt.Scale(
                    domain=list(STATUS_NAMES.values()), range=list(STATUS_COLORS.values())
                ),
            ),
            tooltip=[
                "kpi:N",
                alt.Tooltip("value:Q", format=".1f"),
                alt.Tooltip("target:Q", format=".1f"),
                alt.Tooltip("light:N", title="Status"),
            ],
        )
    )
    ticks = (
        alt.Chart(frame)
        .mark_tick(color="black", thickness=3, size=24)
        .encode(y=alt.Y("kpi:N", sort=None), x="target:Q", tooltip=["kpi:N", "target:Q"])
    )
    chart = alt.layer(bars, ticks).properties(height=alt.Step(48))
    counts = frame["status"].value_counts()
    with_data = int(frame["status"].notna().sum())
    summary = (
        f"{int(counts.get('met', 0))} of {with_data} KPIs with data meet their target, "
        f"{int(counts.get('near', 0))} are near it and {int(counts.get('missed', 0))} "
        "missed it"
    )
    missed = frame.loc[frame["status"] == "missed", "kpi"].tolist()
    return chart, summary + (f" ({', '.join(missed)})." if missed else ".")
