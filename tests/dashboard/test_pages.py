"""Each page run headless with Streamlit's AppTest against the analysed demo warehouse."""

import io
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analysis import search
from analysis.period import Period
from dashboard import data
from tests.dashboard.conftest import signed_in

MARKETING = {
    "brand_conversations": "Brand conversations",
    "topics_alerts": "Topics & alerts",
    "mentions": "Mentions",
}
PAGES = {
    **MARKETING,
    "internal_engagement": "Internal engagement",
    "kpi_scorecard": "KPI scorecard",
}
ROOT = Path(__file__).resolve().parents[2]
SEPTEMBER = {
    "from": "2026-09-01",
    "to": "2026-09-30",
    "brands": ["Northwind", "Summitline"],
    "platforms": ["x", "reddit"],
}


def run_page(
    name: str, db: Path, monkeypatch, query: dict | None = None, tab: str | None = None
) -> AppTest:
    """The page rendered as a browser would first show it, or with the mentions page's ``tab``
    open (only the open tab runs its queries)."""
    monkeypatch.setenv("SOCIALPULSE_DB", str(db))
    app = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=60)
    app.query_params = dict(query or {})
    if tab:
        app.session_state["mentions_tab"] = tab
    return app.run()


# The tab holding each page's charts, where the first one holds none.
CHART_TAB = {"mentions": "Influencers"}


def charts(app: AppTest):
    return app.get("vega_lite_chart")


def chart_data(chart) -> pd.DataFrame:
    """The rows a Vega-Lite chart was given (Streamlit ships them as Arrow IPC)."""
    dataset = chart.proto.datasets[0].data.data
    return pa.ipc.open_stream(dataset).read_all().to_pandas()


def summaries(app: AppTest) -> list[str]:
    return [c.value for c in app.main.caption]


def widget(app: AppTest, kind: str, key: str):
    return next(w for w in getattr(app, kind) if w.key == key)


@pytest.mark.parametrize(("name", "title"), PAGES.items())
def test_page_renders_its_title_and_charts_each_with_a_summary(
    name, title, analysed_db, monkeypatch
):
    app = run_page(name, analysed_db, monkeypatch, tab=CHART_TAB.get(name))
    assert not app.exception
    assert not app.error
    assert app.title[0].value == title
    drawn = charts(app)
    assert len(drawn) >= 1
    if name in MARKETING:
        # The summary sentence is beside the chart and is its text for screen readers.
        for chart in drawn:
            assert chart.proto.alt and chart.proto.alt in summaries(app)
    else:
        assert summaries(app)[0]


@pytest.mark.parametrize("name", MARKETING)
def test_marketing_pages_follow_the_filters_of_a_link(name, analysed_db, monkeypatch):
    app = run_page(name, analysed_db, monkeypatch, SEPTEMBER, tab=CHART_TAB.get(name))
    assert not app.exception and not app.error
    assert app.date_input(key="date_range").value == (date(2026, 9, 1), date(2026, 9, 30))
    assert app.segmented_control(key="period").value == "custom"
    assert widget(app, "multiselect", "brands").value == ["Northwind", "Summitline"]
    assert widget(app, "multiselect", "platforms").value == ["x", "reddit"]
    assert charts(app) and all(chart.proto.alt for chart in charts(app))
    # The link keeps what it asked for, so it can be shared on.
    assert app.query_params["brands"] == ["Northwind", "Summitline"]
    assert app.query_params["from"] == "2026-09-01"


def test_brand_page_figures_are_those_of_the_chosen_filters(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch, SEPTEMBER)
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        expected = con.execute(
            "SELECT brand, sum(mentions) FROM brand_daily WHERE day BETWEEN '2026-09-01' AND "
            "'2026-09-30' AND brand IN ('Northwind', 'Summitline') AND platform IN ('x', "
            "'reddit') GROUP BY brand"
        ).fetchall()
    assert int(app.metric[0].value.replace(",", "")) == sum(n for _, n in expected)
    table = app.dataframe[0].value.set_index("brand")
    assert table["mentions"].to_dict() == dict(expected)
    assert table["share_of_voice"].sum() == pytest.approx(100, abs=0.2)
    assert app.metric[3].value == "1"  # the September crisis
    daily = chart_data(charts(app)[0])
    assert set(daily["brand"]) == {"Northwind", "Summitline"}
    assert "1 crisis flagged" in summaries(app)[0]


def test_csv_and_parquet_downloads_hold_the_table(analysed_db, monkeypatch, downloaded):
    app = run_page("brand_conversations", analysed_db, monkeypatch, SEPTEMBER)
    shown = app.dataframe[0].value
    csv_button = next(b for b in app.download_button if b.key == "csv-share-of-voice")
    parquet_button = next(b for b in app.download_button if b.key == "parquet-share-of-voice")
    from_csv = pd.read_csv(io.BytesIO(downloaded(csv_button)))
    from_parquet = pd.read_parquet(io.BytesIO(downloaded(parquet_button)))
    assert from_csv["brand"].tolist() == shown["brand"].tolist() == ["Northwind", "Summitline"]
    assert from_csv["mentions"].tolist() == shown["mentions"].tolist()
    pd.testing.assert_frame_equal(from_parquet, shown.reset_index(drop=True))


@pytest.mark.parametrize("name", MARKETING)
def test_every_table_can_be_downloaded(name, analysed_db, monkeypatch):
    app = run_page(name, analysed_db, monkeypatch)
    keys = [b.key for b in app.download_button]
    assert len(app.dataframe) >= 1
    assert sum(k.startswith("csv-") for k in keys) == len(app.dataframe)
    assert sum(k.startswith("parquet-") for k in keys) == len(app.dataframe)


def test_alerts_list_each_episode_with_its_evidence(analysed_db, monkeypatch):
    app = run_page("topics_alerts", analysed_db, monkeypatch, {"period": "year"})
    alerts = app.dataframe[0].value
    assert set(alerts["kind"]) == {"Crisis", "Launch peak"}
    expanders = [e.label for e in app.expander]
    assert any(
        label.startswith("Northwind crisis:") and "15 Sep 2026" in label for label in expanders
    )
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        examples = con.execute(
            "SELECT example_post_ids FROM alerts WHERE kind = 'crisis'"
        ).fetchall()[0][0]
    evidence = [t.value for t in app.dataframe[1:] if "post_id" in t.value.columns]
    assert any(table["post_id"].tolist() == examples for table in evidence)


def test_topics_show_the_months_of_the_period_and_the_emerging_ones(analysed_db, monkeypatch):
    app = run_page(
        "topics_alerts", analysed_db, monkeypatch, {"from": "2026-09-20", "to": "2026-10-10"}
    )
    tables = {len(t.value): t.value for t in app.dataframe}
    topics = max(tables.values(), key=len)
    assert set(pd.to_datetime(topics["period_start"]).dt.month) == {9, 10}
    chart = chart_data(charts(app)[0])
    assert len(chart) == len(topics[pd.to_datetime(topics["period_start"]).dt.month == 10])
    assert "In October 2026 the largest topic is" in summaries(app)[0]


def test_search_finds_only_matching_mentions(analysed_db, monkeypatch):
    app = run_page("mentions", analysed_db, monkeypatch, {"period": "year"})
    app.text_input(key="q").set_value("zipper").run()
    app.multiselect(key="sentiment").set_value(["negative"]).run()
    assert not app.exception and not app.error
    found = app.dataframe[0].value
    assert len(found) == 25  # one page
    assert found["text"].str.contains("zipper", case=False).all()
    assert (found["sentiment"] == "negative").all()
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        count = (
            "SELECT count(DISTINCT p.post_id) FROM posts p JOIN brand_matches USING "
            "(post_id) JOIN post_sentiment s USING (post_id) WHERE p.text ILIKE '%zipper%' "
            "AND s.label = 'negative' AND p.created_at >= ?"
        )
        year = con.execute(count, [date(2025, 11, 1)]).fetchall()[0][0]
        # With a cap of 2,000 mentions the search reads only the newest days holding them.
        monkeypatch.setattr(search, "MAX_SEARCH_MENTIONS", 2_000)
        window = search.search_window(con, Period(date(2025, 11, 1), date(2026, 10, 31)))
        newest = con.execute(count, [window.start]).fetchall()[0][0]
    assert summaries(app)[0].startswith(f"{year:,} mentions match “zipper” from 1 Nov 2025")
    assert "at most" not in summaries(app)[0]  # a year of the demo is under the cap
    data.refresh()  # the cached window was that of the default cap
    app.text_input(key="q").set_value("ZIPPER").run()
    assert date(2025, 11, 1) < window.start
    assert summaries(app)[0].startswith(
        f"{newest:,} mentions match “ZIPPER” from {window.start:%-d %b %Y}"
    )
    assert "holding at most 2,000 mentions" in summaries(app)[0]


def test_a_sentiment_correction_is_stored_and_shown(db_copy, analysed_db, monkeypatch):
    warehouse = db_copy(analysed_db)
    app = run_page("mentions", warehouse, monkeypatch)
    first = app.dataframe[0].value.iloc[0]
    label = "positive" if first["sentiment"] != "positive" else "negative"
    day_totals = (
        "SELECT sum(positive), sum(neutral), sum(negative), "
        "(SELECT count(*) FROM brand_matches WHERE post_id = $post) FROM brand_daily "
        "WHERE day = (SELECT created_at::DATE FROM posts WHERE post_id = $post)"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute(day_totals, {"post": first["post_id"]}).fetchall()[0]
    app.selectbox(key="correct_post").set_value(first["post_id"])
    app.segmented_control(key="correct_label").set_value(label)
    app.button(key="save_correction").click().run()
    assert not app.exception
    saved = app.success[0].value
    assert saved.startswith(f"Saved: the mention by {first['author']} is now {label}")
    assert first["post_id"] not in saved  # no raw post id shown to people
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT label, corrected_by FROM sentiment_corrections WHERE post_id = ?",
            [first["post_id"]],
        ).fetchall()
        after = con.execute(day_totals, {"post": first["post_id"]}).fetchall()[0]
    assert stored == [(label, "dashboard")]
    # The day's roll-up moved at once, without `pulse analyze`: one mention per brand it names.
    labels = ("positive", "neutral", "negative")
    moved = {name: after[i] - before[i] for i, name in enumerate(labels)}
    brands = before[3]
    assert moved[label] == brands and moved[first["sentiment"]] == -brands
    row = app.dataframe[0].value.set_index("post_id").loc[first["post_id"]]
    assert (row["sentiment"], row["sentiment_source"]) == (label, "human")


def test_a_filter_change_updates_figures_and_link(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch)
    everyone = int(app.metric[0].value.replace(",", ""))
    app.multiselect(key="brands").set_value(["Summitline"]).run()
    assert 0 < int(app.metric[0].value.replace(",", "")) < everyone
    assert app.dataframe[0].value["brand"].tolist() == ["Summitline"]
    app.segmented_control(key="period").set_value("7d").run()
    assert app.date_input(key="date_range").value == (date(2026, 10, 25), date(2026, 10, 31))
    assert app.query_params == {"period": "7d", "brands": "Summitline"}
    end = date(2026, 10, 31)
    app.date_input(key="date_range").set_value((end, end)).run()
    assert app.segmented_control(key="period").value == "custom"
    assert "on the day before" in summaries(app)[0]  # a one-day view compares days
    assert app.query_params["from"] == app.query_params["to"] == "2026-10-31"


def test_filters_survive_page_changes(analysed_db, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_DB", str(analysed_db))
    app = signed_in(AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60))
    app.run()
    app.segmented_control(key="period").set_value("30d").run()
    app.multiselect(key="brands").set_value(["Northwind", "Kestrel Gear"]).run()
    for page in ("mentions", "internal_engagement", "topics_alerts", "brand_conversations"):
        app.switch_page(f"dashboard/pages/{page}.py").run()
        assert not app.exception
        assert app.title[0].value == PAGES[page]
        assert app.date_input(key="date_range").value == (date(2026, 10, 2), date(2026, 10, 31))
        assert app.query_params == {"period": "30d", "brands": ["Northwind", "Kestrel Gear"]}
    assert widget(app, "multiselect", "brands").value == ["Northwind", "Kestrel Gear"]


def test_internal_filters_never_name_a_group_below_the_privacy_floor(analysed_db, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_DB", str(analysed_db))

    def page():
        import streamlit as st

        from dashboard.components.filters import sidebar_filters

        chosen = sidebar_filters(with_brands=False, internal=True)
        st.write(repr(chosen.departments))

    app = AppTest.from_function(page, default_timeout=60)
    app.query_params = {"departments": ["Engineering", "Legal"]}
    app.run()
    departments = widget(app, "multiselect", "departments")
    assert "Engineering" in departments.options and "Other" in departments.options
    assert "Legal" not in departments.options  # 4 people: below the floor of 5
    assert departments.value == ["Engineering"]  # the link's Legal is ignored
    assert app.markdown[0].value == "('Engineering',)"


@pytest.mark.parametrize("name", PAGES)
def test_missing_warehouse_shows_the_fixing_command(name, empty_db, monkeypatch):
    app = run_page(name, empty_db, monkeypatch)
    assert not app.exception
    assert "pulse demo" in app.error[0].value
    assert not charts(app)


def test_outdated_warehouse_says_to_migrate(empty_db, monkeypatch):
    from socialpulse.warehouse import migrate

    con = duckdb.connect(str(empty_db))
    migrate(con, target=1)
    con.close()
    app = run_page("kpi_scorecard", empty_db, monkeypatch)
    assert not app.exception
    assert "pulse migrate" in app.error[0].value


@pytest.mark.parametrize("name", MARKETING)
def test_an_unanalysed_warehouse_says_to_run_the_analysis(name, demo_db, monkeypatch):
    app = run_page(name, demo_db, monkeypatch)  # loaded and scored, no roll-up yet
    assert not app.exception and not app.error
    assert "No analysed brand mentions yet" in app.info[0].value
    assert "pulse analyze" in app.code[0].value
    assert not charts(app)


def test_a_platform_never_collected_says_how_to_collect_it(db_copy, analysed_db, monkeypatch):
    warehouse = db_copy(analysed_db)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM brand_daily WHERE platform = 'reddit'")
    app = run_page("brand_conversations", warehouse, monkeypatch)
    assert not app.exception
    hint = next(i.value for i in app.info if "Reddit" in i.value)
    assert hint.startswith("No Reddit data yet: set REDDIT_CLIENT_ID")
    assert "pulse collect reddit" in hint
    assert charts(app)  # the other platforms still show


def test_a_failing_section_says_so_in_a_sentence_and_logs_the_error(
    db_copy, analysed_db, monkeypatch, caplog
):
    warehouse = db_copy(analysed_db)
    from analysis import share_of_voice

    def broken(*args, **kwargs):
        raise RuntimeError("boom: secret internals")

    monkeypatch.setattr(share_of_voice, "sentiment_trend", broken)
    app = run_page("brand_conversations", warehouse, monkeypatch)
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Sentiment cannot be shown because of an internal error (it has been logged). Try "
        "**Refresh data** in the sidebar or another period; if it persists, tell the person "
        "who runs SocialPulse."
    ]
    assert "boom" not in " ".join(str(e.value) for e in app.error)
    assert len(charts(app)) == 2  # volume and share of voice still render
    assert any(
        "boom: secret internals" in (r.exc_text or "")
        or (r.exc_info and "boom" in str(r.exc_info[1]))
        for r in caplog.records
    )


def test_freshness_names_each_source_and_refresh_reloads(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch)
    freshness = [c.value for c in app.sidebar.caption]
    assert any(line.startswith("**demo**: ") and "UTC" in line for line in freshness)
    assert any(line.startswith("**Last `pulse analyze`**") for line in freshness)
    app.button(key="refresh").click().run()
    assert not app.exception
    assert app.title[0].value == "Brand conversations"


def test_kpi_table_lists_every_kpi_with_target(analysed_db, monkeypatch):
    app = run_page("kpi_scorecard", analysed_db, monkeypatch)
    table = app.dataframe[0].value
    assert set(table["kpi"]) >= {
        "Share of voice",
        "Net sentiment",
        "Interactive users, latest month",
        "Check-in answer rate",
    }
    assert table["target"].notna().all()


def test_sentiment_mix_shares_by_hand():
    from dashboard.components.listening import sentiment_mix

    trend = pd.DataFrame(
        {
            "period_start": pd.to_datetime(
                ["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-14"]
            ),
            "brand": ["Own", "Own", "Own", "Rival"],
            "positive": [6, 2, 0, 9],
            "neutral": [3, 2, 0, 0],
            "negative": [1, 4, 0, 1],
            "scored": [10, 8, 0, 10],
        }
    )
    chart, summary = sentiment_mix(trend, "Own")
    rows = chart.data.set_index(["period_start", "sentiment"])["share"]
    # 6/10, 3/10, 1/10; 2/8, 2/8, 4/8; the week with nothing scored is left out.
    assert rows.round(1).to_dict() == {
        (pd.Timestamp("2026-09-07"), "positive"): 60.0,
        (pd.Timestamp("2026-09-07"), "neutral"): 30.0,
        (pd.Timestamp("2026-09-07"), "negative"): 10.0,
        (pd.Timestamp("2026-09-14"), "positive"): 25.0,
        (pd.Timestamp("2026-09-14"), "neutral"): 25.0,
        (pd.Timestamp("2026-09-14"), "negative"): 50.0,
    }
    assert summary == (
        "In the week of 14 Sep 2026, 25% of Own's scored mentions were positive, 25% neutral "
        "and 50% negative; the negative share ran from 10% to 50% (highest in the week of "
        "14 Sep 2026)."
    )
    assert "tooltip" in chart.to_json()
    assert sentiment_mix(trend, "Nobody")[1] == "No scored mentions in this period."


def test_brand_page_shows_the_weekly_sentiment_mix_of_the_chosen_brand(analysed_db, monkeypatch):
    app = run_page("brand_conversations", analysed_db, monkeypatch, SEPTEMBER)
    assert not app.exception and not app.error
    assert app.selectbox(key="mix_brand").value == "Northwind"
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        expected = con.execute(
            "SELECT date_trunc('week', day)::DATE AS week, 100.0 * sum(negative) / "
            "sum(positive + neutral + negative) AS share FROM brand_daily WHERE day BETWEEN "
            "'2026-09-01' AND '2026-09-30' AND brand = ? AND platform IN ('x', 'reddit') "
            "GROUP BY week ORDER BY week",
            ["Northwind"],
        ).df()
    mix = chart_data(charts(app)[2])
    negative = mix[mix["sentiment"] == "negative"].sort_values("period_start")
    assert negative["share"].round(6).tolist() == expected["share"].round(6).tolist()
    assert mix.groupby("period_start")["share"].sum().round(6).eq(100).all()
    assert charts(app)[2].proto.alt.startswith("In the week of 28 Sep 2026, ")
    assert f"{expected['share'].iloc[-1]:.0f}% negative" in charts(app)[2].proto.alt
    app.selectbox(key="mix_brand").set_value("Summitline").run()
    mix = chart_data(charts(app)[2])
    assert "of Summitline's scored mentions" in charts(app)[2].proto.alt
    assert len(mix) == 3 * len(expected)


@pytest.mark.parametrize(
    ("broken", "message", "drawn"),
    [
        ("brand_share", "Share of voice", 3),  # volume, net sentiment, sentiment mix
        ("alerts", "Alert episodes", 4),
    ],
)
def test_a_failed_shared_value_leaves_the_sections_after_it(
    broken, message, drawn, analysed_db, monkeypatch
):
    from dashboard import data

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(data, broken, fail)
    app = run_page("brand_conversations", analysed_db, monkeypatch)
    assert not app.exception
    assert [e.value.split(" cannot be shown")[0] for e in app.error] == [message]
    assert len(charts(app)) == drawn
    assert summaries(app)[0].startswith("Mentions of Northwind ")  # still about the own brand
    metrics = {m.label: m.value for m in app.metric}
    if broken == "alerts":
        assert metrics["Alert episodes"] == "n/a" and "Mentions" in metrics
    else:
        assert list(metrics) == ["Alert episodes"]
        assert not [d for d in app.dataframe if "share_of_voice" in d.value.columns]
        assert [d for d in app.dataframe if "response_rate" in d.value.columns]  # goes on


def test_the_mentions_download_is_capped_where_the_configuration_says(
    analysed_db, monkeypatch, tmp_path
):
    from socialpulse.config import EXAMPLE_CONFIG

    config = tmp_path / "socialpulse.toml"
    config.write_text(EXAMPLE_CONFIG.read_text() + "\n[dashboard]\nexport_rows = 100\n")
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(config))
    data.settings.clear()  # read once per server: this one reads the file above
    try:
        app = run_page("mentions", analysed_db, monkeypatch, {"period": "year"})
    finally:
        data.settings.clear()
    total = int(summaries(app)[0].split(" ")[0].replace(",", ""))
    assert total > 100
    assert any(
        c.value.startswith(f"The downloads hold the first 100 of these {total:,} mentions")
        for c in app.caption
    )
