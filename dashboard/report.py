"""The one-page executive report: a self-contained HTML file an executive downloads and forwards.

Self-contained means nothing is fetched when it is opened: the charts are drawn to SVG here, with
vl-convert (Vega-Lite rendered without a browser), and inlined; the styles are inline too. Without
vl-convert each chart is replaced by its one-sentence summary, which every chart has anyway.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import executive_charts
from dashboard.crisis_story import crisis_stories
from dashboard.data import Filters

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;color:#263238;max-width:960px;margin:24px auto}
h1{font-size:22px;margin:0}h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #cfd8dc}
h3{font-size:13px;margin:10px 0 4px}
.sub{color:#607d8b;font-size:12px}table{border-collapse:collapse;font-size:12px;width:100%}
td,th{border-bottom:1px solid #eceff1;padding:3px 6px;text-align:left}
.grid{display:flex;gap:16px}.grid>div{flex:1}.summary{font-size:12px;margin:4px 0}
.light{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
"""


def svg(chart: alt.TopLevelMixin) -> str | None:
    """The chart as inline SVG, or None when vl-convert is not installed."""
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert.vegalite_to_svg(chart.properties(width=420).to_json())


def _figure(chart: alt.TopLevelMixin, summary: str) -> str:
    drawn = svg(chart)
    body = drawn if drawn else ""
    return f'<figure>{body}<figcaption class="summary">{html.escape(summary)}</figcaption></figure>'


def _light(status: str | None) -> str:
    key = "no data" if status is None or pd.isna(status) else status
    return (
        f'<span class="light" style="background:{executive_charts.STATUS_COLORS[key]}">'
        f"</span>{executive_charts.STATUS_NAMES[key]}"
    )


def _number(value, fmt: str = "{:.1f}") -> str:
    return "n/a" if value is None or pd.isna(value) else fmt.format(value)


def _kpi_rows(kpis: pd.DataFrame) -> str:
    return "".join(
        f"<tr><td>{html.escape(r.kpi)}</td><td>{_number(r.value)}</td><td>{_number(r.target)}"
        f"</td><td>{_light(r.status)}</td></tr>"
        for r in kpis.itertuples()
    )


def _stage_rows(card: dict) -> str:
    return "".join(
        f"<tr><td>{s['stage']}. {html.escape(s['name'])}</td><td>{s['score']:.2f}</td>"
        f"<td>{'reached' if s['reached'] else ''}</td></tr>"
        for s in card["stages"]
    )


def _crisis_section(stories: list[dict]) -> str:
    if not stories:
        return "<h2>Crises</h2><p class='summary'>No crisis alert in the period.</p>"
    parts = ["<h2>Crises</h2>"]
    for story in stories:
        rows = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"
            for label, value in story["figures"].items()
        )
        parts.append(
            f"<h3>{html.escape(story['title'])}</h3><div class='grid'><div>"
            f"<p class='summary'>{html.escape(story['text'])}</p></div><div>"
            f"<table>{rows}</table></div></div>"
        )
    return "".join(parts)


def build_report(f: Filters, now: datetime | None = None) -> str:
    """The report of the sidebar's dates as one HTML document: KPIs with their traffic lights,
    each crisis with its figures and story, the maturity stage scores, the stage reached and
    what blocks the next, the ROI and its range."""
    kpis = data.kpis(f)
    card = data.maturity_scorecard(f.db)
    roi = data.roi_report(f)
    stamp = (now or datetime.now()).strftime("%-d %b %Y %H:%M")
    stage = card["current_stage"]
    blocking = "".join(f"<li>{html.escape(b['description'])}</li>" for b in card["blocking"])
    roi_pct = _number(roi["roi_pct"], "{:+.0f}%")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>SocialPulse executive report {f.start} to {f.end}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>SocialPulse: executive report</h1>",
        f"<p class='sub'>{f.start:%-d %b %Y} to {f.end:%-d %b %Y} · generated {stamp} · "
        "figures from the last <code>pulse analyze</code></p>",
        "<h2>KPIs against targets</h2><div class='grid'><div>",
        "<table><tr><th>KPI</th><th>Value (%)</th><th>Target (%)</th><th>Status</th></tr>",
        _kpi_rows(kpis),
        "</table></div><div>",
        _figure(*executive_charts.kpi_traffic_lights(kpis)),
        "</div></div>",
        _crisis_section(crisis_stories(f)),
        f"<h2>Maturity: stage {stage} · {html.escape(card['current_stage_name'] or 'none')}"
        "</h2><div class='grid'><div>",
        "<table><tr><th>Stage</th><th>Score</th><th></th></tr>",
        _stage_rows(card),
        "</table>",
        (
            f"<p class='summary'>Blocking stage {card['next_stage']} · "
            f"{html.escape(card['next_stage_name'] or '')}:</p><ul class='summary'>"
            f"{blocking}</ul>"
            if blocking
            else ""
        ),
        "</div><div>",
        _figure(*executive_charts.stage_scores(card)),
        "</div></div>",
        f"<h2>Return on investment: {roi_pct} (base)</h2><div class='grid'><div>",
        "<table><tr><th>Scenario</th><th>Benefits</th><th>Costs</th><th>ROI</th></tr>",
        "".join(
            f"<tr><td>{case.capitalize()}</td><td>{s['benefits']:,.0f} {roi['currency']}</td>"
            f"<td>{s['costs']:,.0f} {roi['currency']}</td>"
            f"<td>{_number(s['roi_pct'], '{:+.0f}%')}</td></tr>"
            for case, s in roi["scenarios"].items()
        ),
        "</table></div><div>",
        _figure(*executive_charts.roi_range(roi)),
        "</div></div>",
        "</body></html>",
    ]
    return "".join(parts)


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False, max_entries=50)
def _cached(f: Filters, version: int, kind: str) -> bytes:
    if kind == "pdf":
        from dashboard.report_pdf import build_pdf  # it reads this module's helpers

        return build_pdf(f)
    return build_report(f).encode("utf-8")


def report_builder(
    f: Filters, then: Callable[[], object] | None = None, kind: str = "html"
) -> Callable[[], bytes]:
    """The report (``kind`` "html" or "pdf") as a deferred download: built when the button is
    clicked, on Streamlit's
    download thread, never on a rerun. Building it means the ROI over the period and three
    charts drawn to SVG (about 0.7 s at ten million mentions), which a filter change on the
    page should not pay for. The warehouse version is taken now, so the file matches the page;
    ``then`` (the audit event) runs once the file is built, on the same thread, so its write
    never meets the report's own reads."""
    version = data.warehouse_version(f.db)

    def build() -> bytes:
        body = _cached(f, version, kind)
        if then is not None:
            then()
        return body

    return build


def report_name(f: Filters) -> str:
    return f"socialpulse-report-{f.start}-to-{f.end}.html"
