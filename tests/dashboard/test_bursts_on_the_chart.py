"""Every spike on the mentions chart is explained: the demo's July spike (reposts of one post,
bigger than the launch and with no alert) is labelled with its terms, the crisis with its alert."""

import re
from datetime import date

import duckdb
import pyarrow as pa

from analysis.bursts import daily_bursts
from analysis.period import Period
from socialpulse.config import load_settings
from tests.dashboard.test_pages import run_page, summaries

YEAR = Period(date(2025, 11, 1), date(2026, 10, 31))


def test_the_july_spike_is_a_burst_bigger_than_the_launch_with_its_terms(analysed_db):
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        bursts = daily_bursts(con, YEAR, load_settings().alerts, ["Northwind"])
        launch = con.execute(
            "SELECT window_start::DATE FROM alerts WHERE kind = 'peak' AND brand = 'Northwind'"
        ).fetchall()[0][0]
    by_day = bursts.set_index(bursts["day"].dt.date)
    july = by_day[[d.month == 7 for d in by_day.index]]
    assert len(july) == 1
    assert july["mentions"].iloc[0] > by_day.loc[by_day.index >= launch, "mentions"].iloc[-1]
    assert {"canyon", "shoes"} <= set(july["top_terms"].iloc[0])


def test_the_chart_labels_each_burst_with_its_alert_or_its_terms(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch, {"period": "year"})
    assert not app.exception
    chart = next(c for c in app.get("vega_lite_chart") if "Mentions per day" in c.proto.spec)
    spec = chart.proto.spec
    assert '"triangle-down"' in spec
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    labels = [label for frame in frames if "label" in frame for label in frame["label"]]
    assert any(label.startswith("Crisis: trailhead") for label in labels)
    assert any(re.match(r"\d+ Jul: .*canyon", label) for label in labels)  # no alert: terms
    assert "The biggest burst was Northwind on 15 Sep 2026" in summaries(app)[0]
