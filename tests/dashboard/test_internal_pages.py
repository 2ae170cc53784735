"""The Internal communications pages run headless (AppTest) on the analysed demo warehouse with
its internal roll-ups: charts with their summaries, downloads, the privacy floor, and the names
of non-responders only for the roles allowed to see them."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analysis.period import Period
from analysis.push_pull import non_responders
from socialpulse.warehouse import open_warehouse
from tests.dashboard.test_pages import chart_data, summaries

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = {
    "internal_engagement": "Internal engagement",
    "internal_network": "Network and silos",
    "push_pull": "Announcements and check-ins",
    "expert_finder": "Expert finder",
}
QUARTER = {"from": "2026-08-01", "to": "2026-10-31"}


def run_page(
    name: str, db: Path, monkeypatch, query: dict | None = None, role: str | None = None, setup=None
) -> AppTest:
    monkeypatch.setenv("SOCIALPULSE_DB", str(db))
    app = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=90)
    app.query_params = dict(query or {})
    if role:
        app.session_state["role"] = role
        app.session_state["user"] = f"{role}-user"
    app.run()
    if setup:
        setup(app)
    return app


def everything_shown(app: AppTest) -> str:
    """All the text a reader could see: titles, captions, metrics, tables, chart data."""
    parts = [
        e.value
        for kind in (
            "title",
            "subheader",
            "caption",
            "markdown",
            "info",
            "error",
            "warning",
            "success",
        )
        for e in getattr(app, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [t.value.to_csv() for t in app.dataframe]
    for chart in app.get("vega_lite_chart"):
        parts.append(chart.proto.spec)
        parts += [
            pa.ipc.open_stream(d.data.data).read_all().to_pandas().to_csv()
            for d in chart.proto.datasets
        ]
    return "\n".join(map(str, parts))


def ask_experts(app: AppTest) -> None:
    app.text_input(key="expert_query").set_value("inventory").run()


SETUPS = {"expert_finder": ask_experts}


@pytest.mark.parametrize(("name", "title"), INTERNAL.items())
def test_internal_page_draws_charts_each_with_its_summary_and_downloads(
    name, title, internal_db, monkeypatch
):
    app = run_page(name, internal_db, monkeypatch, QUARTER, role="admin", setup=SETUPS.get(name))
    assert not app.exception and not app.error
    assert app.title[0].value == title
    drawn = app.get("vega_lite_chart")
    assert drawn
    for chart in drawn:  # the sentence beside each chart is its screen-reader text too
        assert chart.proto.alt and chart.proto.alt in summaries(app)
        assert "tooltip" in chart.proto.spec
    keys = [b.key for b in app.download_button]
    assert app.dataframe
    assert sum(k.startswith("csv-") for k in keys) == len(app.dataframe)
    assert sum(k.startswith("parquet-") for k in keys) == len(app.dataframe)
    assert "Legal" not in everything_shown(app)


def test_engagement_charts_show_the_stored_weeks_of_the_chosen_department(internal_db, monkeypatch):
    app = run_page(
        "internal_engagement", internal_db, monkeypatch, {**QUARTER, "departments": ["Engineering"]}
    )
    app.segmented_control(key="breakdown").set_value("department").run()
    assert not app.exception and not app.error
    active = chart_data(app.get("vega_lite_chart")[0])
    with duckdb.connect(str(internal_db), read_only=True) as con:
        stored = con.execute(
            "SELECT period_start, value FROM internal_metrics WHERE metric = 'wau' AND grain = "
            "'week' AND segment_type = 'department' AND segment_value = 'Engineering' AND "
            "period_start BETWEEN DATE '2026-07-27' AND DATE '2026-10-31' ORDER BY 1"
        ).df()
    assert set(active["group"]) == {"Engineering"}
    assert active["value"].tolist() == stored["value"].tolist()
    assert summaries(app)[1].startswith(
        f"Active employees went from {stored['value'].iloc[0]:,.1f} in the week of"
    )


def test_heatmap_withholds_every_cell_under_the_privacy_floor(internal_db, monkeypatch):
    app = run_page("internal_engagement", internal_db, monkeypatch, QUARTER)
    assert not app.exception and not app.error
    cells = next(t.value for t in app.dataframe if "people" in t.value.columns)
    with duckdb.connect(str(internal_db), read_only=True) as con:
        sizes = con.execute(
            "SELECT department, location, count(*) AS people FROM authors WHERE scope = "
            "'internal' AND in_directory GROUP BY ALL"
        ).df()
    named = cells[cells["department"] != "Other"].merge(
        sizes, on=["department", "location"], how="left", suffixes=("", "_dir")
    )
    named["people_dir"] = named["people_dir"].fillna(0)
    small = named[named["people_dir"] < 5]
    assert len(small) > 0  # the demo has such cells: the check below is not empty
    assert (small["value"] == "Withheld").all() and (small["people"] == "–").all()
    shown = named[named["value"] != "Withheld"]
    people = shown["people"].str.replace(",", "").astype(int)
    assert (people == shown["people_dir"]).all()
    assert (people >= 5).all()
    assert shown["value"].str.fullmatch(r"\d+\.\d%").all()
    drawn = chart_data(
        next(c for c in app.get("vega_lite_chart") if "by department and location" in c.proto.spec)
    )
    assert "value" not in drawn.columns and "people" not in drawn.columns
    assert drawn.loc[drawn["withheld"], "shown"].isna().all()


def test_a_table_downloads_as_csv_and_parquet(internal_db, monkeypatch, downloaded):
    app = run_page("internal_network", internal_db, monkeypatch, QUARTER)
    shown = app.dataframe[0].value
    csv = pd.read_csv(
        io.BytesIO(
            downloaded(next(b for b in app.download_button if b.key == "csv-department-flow"))
        )
    )
    parquet = pd.read_parquet(
        io.BytesIO(
            downloaded(next(b for b in app.download_button if b.key == "parquet-department-flow"))
        )
    )
    assert csv["edges"].tolist() == shown["edges"].tolist() and len(csv) > 10
    pd.testing.assert_frame_equal(parquet, shown.reset_index(drop=True))
    with duckdb.connect(str(internal_db), read_only=True) as con:
        total = con.execute(
            "SELECT sum(edges) FROM network_flow WHERE segment_type = "
            "'department' AND period_start BETWEEN '2026-08-01' AND "
            "'2026-10-31'"
        ).fetchall()[0][0]
    assert csv["edges"].sum() == total


@pytest.mark.parametrize("role", [None, "marketing", "executive"])
def test_non_responders_are_hidden_without_an_allowed_role(role, internal_db, monkeypatch):
    app = run_page("push_pull", internal_db, monkeypatch, QUARTER, role=role)
    assert not app.exception and not app.error
    assert not [b for b in app.download_button if b.key == "csv-non-responders"]
    assert not [s for s in app.selectbox if s.key == "check_in"]
    assert not any(t.value.columns.tolist()[:1] == ["pseudonym"] for t in app.dataframe)
    assert any("shown only to the roles allowed" in s for s in summaries(app))


@pytest.mark.parametrize("role", ["internal-comms", "admin"])
def test_non_responders_are_listed_for_an_allowed_role(role, internal_db, monkeypatch):
    app = run_page("push_pull", internal_db, monkeypatch, QUARTER, role=role)
    assert not app.exception and not app.error
    post_id = app.selectbox(key="check_in").value
    listed = next(t.value for t in app.dataframe if "pseudonym" in t.value.columns)
    with open_warehouse(internal_db, read_only=True) as con:
        expected = non_responders(con, post_id)
    assert listed["pseudonym"].tolist() == expected["pseudonym"].tolist()
    assert len(listed) > 0
    assert f"{len(expected):,} people of the audience have not answered." in summaries(app)
    assert "Legal" not in set(listed["department"])


def test_expert_finder_ranks_the_analysis_layers_experts(internal_db, monkeypatch):
    from analysis.experts import find_experts

    app = run_page("expert_finder", internal_db, monkeypatch, QUARTER, setup=ask_experts)
    shown = app.dataframe[0].value
    with open_warehouse(internal_db, read_only=True) as con:
        expected = find_experts(con, "inventory", 10, date(2026, 8, 1), 5, until=date(2026, 10, 31))
    assert shown["person_id"].tolist() == expected["person_id"].tolist()
    assert summaries(app)[0].startswith(f"Of the {len(expected)} people with the highest score")


# --- The sidebar's departments, locations and employee types change what every chart shows ----


def charts(app: AppTest) -> dict[str, pd.DataFrame]:
    """Each chart's data by its title."""
    drawn = {}
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title") or spec.get("layer", [{}])[0].get("title")
        drawn[title] = chart_data(chart)
    return drawn


TRENDS = (
    "Active employees per week",
    "Stickiness (DAU / MAU) per week",
    "Threads answered per week",
    "Median time to first reply",
)
HEATMAP = "Interactive users by department and location"
PARTICIPATION = "Participation inequality (share of the directory)"


def test_every_engagement_chart_follows_a_department_filter(internal_db, monkeypatch):
    everyone = charts(run_page("internal_engagement", internal_db, monkeypatch, QUARTER))
    app = run_page(
        "internal_engagement", internal_db, monkeypatch, {**QUARTER, "departments": ["Engineering"]}
    )
    assert not app.exception and not app.error
    chosen = charts(app)
    assert set(chosen) == set(everyone) == {*TRENDS, HEATMAP, PARTICIPATION}
    for title in TRENDS:
        assert set(everyone[title]["group"]) == {"All employees"}
        assert set(chosen[title]["group"]) == {"Engineering"}, title
        assert not chosen[title]["value"].equals(everyone[title]["value"]), title
    assert set(chosen[PARTICIPATION]["segment_value"]) == {"Engineering"}
    assert set(chosen[HEATMAP]["department"]) == {"Engineering"}
    assert len(set(everyone[HEATMAP]["department"])) > 5
    with duckdb.connect(str(internal_db), read_only=True) as con:
        stored = con.execute(
            "SELECT value FROM internal_metrics WHERE metric = 'reply_rate' AND grain = 'week' "
            "AND segment_type = 'department' AND segment_value = 'Engineering' AND "
            "period_start BETWEEN DATE '2026-07-27' AND DATE '2026-10-31' ORDER BY period_start"
        ).df()
    assert chosen["Threads answered per week"]["value"].tolist() == pytest.approx(
        stored["value"].tolist()
    )
    assert "Each line is one chosen department." in summaries(app)


def test_filters_on_two_segment_types_show_each_chosen_value_and_say_so(internal_db, monkeypatch):
    app = run_page(
        "internal_engagement",
        internal_db,
        monkeypatch,
        {**QUARTER, "departments": ["Engineering"], "locations": ["Lyon"]},
    )
    assert not app.exception and not app.error
    drawn = charts(app)
    for title in TRENDS:
        assert set(drawn[title]["group"]) == {"Department: Engineering", "Location: Lyon"}
    assert set(drawn[PARTICIPATION]["segment_value"]) == {
        "Department: Engineering",
        "Location: Lyon",
    }
    assert set(zip(drawn[HEATMAP]["department"], drawn[HEATMAP]["location"], strict=True)) == {
        ("Engineering", "Lyon")
    }
    assert any(
        s.startswith("The stored weekly and monthly figures hold one segment at a time")
        for s in summaries(app)
    )
    app.segmented_control(key="breakdown").set_value("location").run()
    assert set(charts(app)["Active employees per week"]["group"]) == {
        "Department: Engineering",
        "Location: Lyon",
    }


def test_push_pull_follows_every_internal_filter(internal_db, monkeypatch):
    from analysis.push_pull import selected_rates

    everyone = run_page("push_pull", internal_db, monkeypatch, QUARTER, role="admin")
    app = run_page(
        "push_pull", internal_db, monkeypatch, {**QUARTER, "types": ["frontline"]}, role="admin"
    )
    assert not app.exception and not app.error
    period = Period(date(2026, 8, 1), date(2026, 10, 31))
    with open_warehouse(internal_db, read_only=True) as con:
        reach = selected_rates(
            con,
            "announcement",
            period,
            "department",
            {"employee_type": ["frontline"]},
            5,
            role="admin",
        )
        overall = selected_rates(
            con, "announcement", period, "all", {"employee_type": ["frontline"]}, 5, role="admin"
        )
    drawn = charts(app)["Announcement reach by department"]
    before = charts(everyone)["Announcement reach by department"]
    assert drawn["audience"].sum() == reach["audience"].sum() < before["audience"].sum()
    table_ = next(t.value for t in app.dataframe if "reach" in t.value.columns)
    assert table_["audience"].tolist() == overall["audience"].tolist()
    assert (
        table_["audience"].sum()
        < next(t.value for t in everyone.dataframe if "reach" in t.value.columns)["audience"].sum()
    )
    # the department filter holds whichever segment the chart is by
    app = run_page("push_pull", internal_db, monkeypatch, {**QUARTER, "departments": ["Sales"]})
    app.segmented_control(key="push_segment").set_value("location").run()
    by_location = charts(app)["Announcement reach by location"]
    with open_warehouse(internal_db, read_only=True) as con:
        sales = selected_rates(
            con, "announcement", period, "location", {"department": ["Sales"]}, 5
        )
    assert by_location["audience"].sum() == sales["audience"].sum()
    assert by_location["audience"].sum() < before["audience"].sum()


def test_push_pull_withholds_a_selection_under_the_floor(internal_db, monkeypatch):
    app = run_page(
        "push_pull",
        internal_db,
        monkeypatch,
        {**QUARTER, "departments": ["Finance"], "locations": ["Lyon"]},
    )
    assert not app.exception and not app.error
    assert not app.get("vega_lite_chart") and not app.dataframe
    assert any("withheld" in i.value for i in app.info)


def test_network_follows_the_internal_filters(internal_db, monkeypatch):
    everyone = run_page("internal_network", internal_db, monkeypatch, QUARTER)
    app = run_page(
        "internal_network", internal_db, monkeypatch, {**QUARTER, "departments": ["Sales"]}
    )
    assert not app.exception and not app.error
    matrix = app.dataframe[0].value
    assert (
        set(matrix["source"]) == {"Sales"} and len(set(everyone.dataframe[0].value["source"])) > 5
    )
    full = everyone.dataframe[0].value
    assert matrix["edges"].tolist() == full[full["source"] == "Sales"]["edges"].tolist()
    ei = app.dataframe[1].value
    assert ei["department"].tolist() == ["Sales"]
    everyone_ei = everyone.dataframe[1].value.set_index("department")
    assert ei["ei_index"].iloc[0] == pytest.approx(everyone_ei.loc["Sales", "ei_index"])
    assert app.metric[0].value != everyone.metric[0].value
    bridges = app.dataframe[2].value
    assert set(bridges["department"]) == {"Sales"}
    app = run_page("internal_network", internal_db, monkeypatch, {**QUARTER, "locations": ["Lyon"]})
    assert app.dataframe[0].value["edges"].sum() < full["edges"].sum()


def test_expert_finder_follows_the_filters_and_the_end_date(internal_db, monkeypatch):
    from analysis.experts import find_experts

    app = run_page(
        "expert_finder",
        internal_db,
        monkeypatch,
        {"from": "2026-08-01", "to": "2026-09-30", "departments": ["Engineering"]},
        setup=ask_experts,
    )
    assert not app.exception and not app.error
    shown = app.dataframe[0].value
    with open_warehouse(internal_db, read_only=True) as con:
        expected = find_experts(
            con,
            "inventory",
            10,
            date(2026, 8, 1),
            5,
            until=date(2026, 9, 30),
            filters={"department": ["Engineering"]},
        )
        later = find_experts(
            con, "inventory", 10, date(2026, 8, 1), 5, filters={"department": ["Engineering"]}
        )
    assert shown["person_id"].tolist() == expected["person_id"].tolist()
    assert set(shown["department"]) == {"Engineering"}
    assert 0 < len(shown) < len(later)  # what was said in October counts for nothing


@pytest.mark.parametrize("name", INTERNAL)
def test_no_filtered_view_names_legal(name, internal_db, monkeypatch):
    app = run_page(
        name,
        internal_db,
        monkeypatch,
        {**QUARTER, "departments": ["Other", "Sales"], "types": ["full-time"]},
        role="admin",
        setup=SETUPS.get(name),
    )
    assert not app.exception and not app.error
    assert "Legal" not in everything_shown(app)
