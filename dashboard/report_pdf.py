"""The executive report as a PDF, for the inboxes and printers that want one: the same sections,
figures and sentences as the HTML report, laid out with fpdf2, the charts drawn to PNG by
vl-convert.

The PDF's built-in fonts know Latin-1 only, so the few typographic characters the app writes
(arrows, curly quotes, dashes) are spelled in plain ASCII here rather than shipping a font.
"""

from __future__ import annotations

import io
from datetime import datetime

import altair as alt
import pandas as pd
from fpdf import FPDF

from dashboard import data
from dashboard.components import executive_charts
from dashboard.crisis_story import crisis_stories
from dashboard.data import Filters
from dashboard.report import _number

PLAIN = str.maketrans(
    {"→": "->", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "·": "-", "×": "x"}
)


def _plain(text: object) -> str:
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _png(chart: alt.TopLevelMixin) -> bytes | None:
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert.vegalite_to_png(chart.properties(width=420).to_json(), scale=2)


class _Report(FPDF):
    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("helvetica", "B", 13)
        self.cell(0, 8, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", size=9)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 4.5, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def rows(self, header: list[str], body: list[list[object]]) -> None:
        with self.table(text_align="LEFT", line_height=5, first_row_as_headings=True) as table:
            for values in [header, *body]:
                row = table.row()
                for value in values:
                    row.cell(_plain(value))

    def chart(self, chart: alt.TopLevelMixin, summary: str) -> None:
        drawn = _png(chart)
        if drawn:
            self.image(io.BytesIO(drawn), w=150)
        self.set_font("helvetica", "I", 8)
        self.paragraph(summary)
        self.set_font("helvetica", size=9)


def build_pdf(f: Filters, now: datetime | None = None) -> bytes:
    """The report of ``f``'s dates as PDF bytes."""
    kpis = data.kpis(f)
    card = data.maturity_scorecard(f.db)
    roi = data.roi_report(f)
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 10, "SocialPulse: executive report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    stamp = (now or datetime.now()).strftime("%-d %b %Y %H:%M")
    pdf.paragraph(f"{f.start:%-d %b %Y} to {f.end:%-d %b %Y} - generated {stamp}")

    pdf.heading("KPIs against targets")
    pdf.rows(
        ["KPI", "Value (%)", "Target (%)", "Status"],
        [
            [
                r.kpi,
                _number(r.value),
                _number(r.target),
                executive_charts.STATUS_NAMES.get(
                    "no data" if r.status is None or pd.isna(r.status) else r.status
                ),
            ]
            for r in kpis.itertuples()
        ],
    )
    pdf.chart(*executive_charts.kpi_traffic_lights(kpis))

    pdf.heading("Crises")
    stories = crisis_stories(f)
    if not stories:
        pdf.paragraph("No crisis alert in the period.")
    for story in stories:
        pdf.set_font("helvetica", "B", 10)
        pdf.paragraph(story["title"])
        pdf.set_font("helvetica", size=9)
        pdf.paragraph(story["text"])
        pdf.rows(["Figure", "Value"], [list(item) for item in story["figures"].items()])

    stage = card["current_stage"]
    pdf.heading(f"Maturity: stage {stage} - {card['current_stage_name'] or 'none'}")
    pdf.rows(
        ["Stage", "Score", ""],
        [
            [f"{s['stage']}. {s['name']}", f"{s['score']:.2f}", "reached" if s["reached"] else ""]
            for s in card["stages"]
        ],
    )
    if card["blocking"]:
        pdf.paragraph(
            f"Blocking stage {card['next_stage']} - {card['next_stage_name'] or ''}: "
            + "; ".join(b["description"] for b in card["blocking"])
        )
    pdf.chart(*executive_charts.stage_scores(card))

    pdf.heading(f"Return on investment: {_number(roi['roi_pct'], '{:+.0f}%')} (base)")
    pdf.rows(
        ["Scenario", "Benefits", "Costs", "ROI"],
        [
            [
                case.capitalize(),
                f"{s['benefits']:,.0f} {roi['currency']}",
                f"{s['costs']:,.0f} {roi['currency']}",
                _number(s["roi_pct"], "{:+.0f}%"),
            ]
            for case, s in roi["scenarios"].items()
        ],
    )
    pdf.chart(*executive_charts.roi_range(roi))
    return bytes(pdf.output())
