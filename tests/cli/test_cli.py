import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from analysis.mention_index import refresh_mention_index
from analysis.pipeline import refresh_topics
from socialpulse.warehouse import DOCUMENTED_TABLES, open_warehouse
from tests.samples import DIRECTORY

COMMANDS = ["migrate", "demo", "analyze", "status", "serve", "config"]


def pulse(*args, db=None, env=None):
    environment = {**os.environ, **(env or {})}
    if db is not None:
        environment["SOCIALPULSE_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "socialpulse.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command):
    result = pulse(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout


def test_migrate_creates_the_warehouse(empty_db):
    result = pulse("--db", str(empty_db), "migrate")
    assert result.returncode == 0, result.stderr
    assert empty_db.exists()
    assert "create_core_tables" in result.stderr
    again = pulse("--db", str(empty_db), "migrate")
    assert again.returncode == 0 and "create_core_tables" not in again.stderr


def test_demo_then_status_lists_every_table_with_counts(empty_db):
    result = pulse("demo", "--mentions", "2000", "--messages", "2000", db=empty_db)
    assert result.returncode == 0, result.stderr
    status = json.loads(pulse("status", "--json", db=empty_db).stdout)
    assert list(status["tables"]) == list(DOCUMENTED_TABLES)
    counts = status["tables"]
    assert counts["posts"] == 4000
    assert counts["sentiment_scores"] == 4000  # the demo is analysed
    for table in ("channels", "authors", "engagement_snapshots", "interactions", "brand_matches"):
        assert counts[table] > 0, table
    assert status["last_runs"][0]["source"] == "demo"
    assert status["last_runs"][0]["status"] == "ok"


def test_a_second_demo_run_inserts_nothing(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    result = pulse("demo", "--seed", "7", "--mentions", "4000", "--messages", "4000", db=warehouse)
    assert result.returncode == 0, result.stderr
    assert "(0 new, 8,000 updated)" in result.stderr.replace("\n", " ")


def test_status_on_a_missing_warehouse_says_what_to_run(empty_db):
    result = pulse("status", db=empty_db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pulse demo" in lines[0] and "Traceback" not in result.stderr


def test_a_locked_warehouse_is_one_line_not_a_traceback(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(warehouse)!r}); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = pulse("analyze", db=warehouse)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_reported_with_its_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[privacy]\nmin_group_size = -3\n")
    result = pulse("config", env={"SOCIALPULSE_CONFIG": str(config)})
    assert result.returncode == 1
    assert "privacy.min_group_size" in result.stderr


def test_collect_rss_loads_a_feed_once(empty_db):
    from tests.collectors.feed_server import FeedServer

    with FeedServer() as server:
        url = server.url("feeds/rss20.xml")
        first = pulse("collect", "rss", url, db=empty_db)
        second = pulse("collect", "rss", url, db=empty_db)
    assert first.returncode == 0, first.stderr
    assert "rss: 4 items (4 new, 0 updated)" in first.stderr
    assert "rss: 0 items (0 new, 0 updated)" in second.stderr
    status = json.loads(pulse("status", "--json", db=empty_db).stdout)
    assert status["tables"]["posts"] == 4
    assert [run["items_inserted"] for run in status["last_runs"]] == [0, 4]


def test_collect_list_shows_each_collector_and_its_credentials(empty_db):
    result = pulse("collect", "--list", db=empty_db, env={"YOUTUBE_API_KEY": ""})
    assert result.returncode == 0
    assert "rss" in result.stdout and "present" in result.stdout
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert {"youtube", "x-mentions", "reddit-mentions", "bluesky", "mastodon"} <= set(rows)
    assert "missing: YOUTUBE_API_KEY" in rows["youtube"]
    # and how `pulse listen` hears each: a stream, a push where the feed has a hub, or polls
    assert "streams as posts are written" in rows["bluesky"]
    assert "streams as posts are written" in rows["mastodon"]
    assert "pushed by WebSub where the feed names a hub" in rows["rss"]
    assert "polled only" in rows["youtube"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["collect"], "name a collector"),
        (["collect", "myspace"], "name a collector"),
        (["collect", "rss", "http://127.0.0.1:9/feed", "--every", "soon"], "expected a number"),
    ],
)
def test_collect_refuses_what_it_cannot_do(empty_db, args, message):
    result = pulse(*args, db=empty_db)
    assert result.returncode != 0
    assert message in result.stderr


def test_collect_all_skips_collectors_without_credentials_and_runs_the_others(empty_db, tmp_path):
    from tests.collectors.feed_server import FeedServer

    secrets = ("X_BEARER_TOKEN", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT")
    with FeedServer() as server:
        config = tmp_path / "socialpulse.toml"
        config.write_text(
            '[[brands]]\nname = "Northwind"\n\n[sources]\n'
            f'feeds = [{{ url = "{server.url("feeds/atom10.xml")}" }}]\n'
        )
        environment = {k: v for k, v in os.environ.items() if k not in secrets}
        environment.update(SOCIALPULSE_DB=str(empty_db), SOCIALPULSE_CONFIG=str(config))
        result = subprocess.run(
            [sys.executable, "-m", "socialpulse.cli", "collect", "--all"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("reddit: skipped, set REDDIT_CLIENT_ID") for line in lines)
    assert any(line.startswith("x: skipped, set X_BEARER_TOKEN") for line in lines)
    assert "rss: 1 items (1 new, 0 updated)" in result.stderr


def test_sentiment_evaluate_with_and_without_cross_validation(tmp_path):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"
    plain = pulse("sentiment", "evaluate", str(fixtures / "tiny_labelled.csv"), "--json")
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["vader"]["accuracy"] == round(5 / 6, 4)
    folded = pulse("sentiment", "evaluate", str(fixtures / "jargon_labelled.csv"), "--cv", "5")
    assert folded.returncode == 0, folded.stderr
    assert "vader" in folded.stdout and "model" in folded.stdout
    refused = pulse("sentiment", "evaluate", str(fixtures / "tiny_labelled.csv"), "--cv", "3")
    assert refused.returncode == 1 and "need at least 30" in refused.stderr
    scaled = pulse("sentiment", "evaluate", str(fixtures / "tiny_scored.tsv"), "--scale", "1:5")
    assert scaled.returncode == 0, scaled.stderr
    assert "scores on 1..5 (declared)" in " ".join(scaled.stdout.split())


def test_sentiment_train_prints_the_learning_curve_and_suggest_lists_mentions(demo_db, db_copy):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"
    db = db_copy(demo_db)
    with open_warehouse(db) as con:  # what `pulse analyze` would index
        refresh_mention_index(con, now=datetime(2026, 4, 1))
        refresh_topics(con)
    trained = pulse(
        "sentiment",
        "train",
        "--file",
        str(fixtures / "ro_labelled.csv"),
        "--cv",
        "3",
        "--language",
        "ro",
        db=db,
    )
    assert trained.returncode == 0, trained.stderr
    out = " ".join((trained.stdout + trained.stderr).split())
    # 36 labels on 3 folds train on 24 each: too few for an eighth, a quarter or half.
    assert "Learning curve (held-out weighted F1): 24 labels" in out
    assert "promoted: it now labels the posts in ro" in out
    suggested = pulse("sentiment", "suggest", "--limit", "6", "--json", db=db)
    assert suggested.returncode == 0, suggested.stderr
    rows = json.loads(suggested.stdout)
    assert len(rows) == 6 and len({row["text"] for row in rows}) == 6
    uncertainty = [row["uncertainty"] for row in rows]
    topics = [row["topic"] for row in rows]
    # The first turn gives each topic its most uncertain mention, most uncertain first.
    first_turn = [u for i, u in enumerate(uncertainty) if topics[i] not in topics[:i]]
    assert first_turn == sorted(first_turn, reverse=True)


def test_import_directory_reports_people_and_problems(empty_db):
    directory = DIRECTORY
    result = pulse(
        "import",
        "directory",
        str(directory),
        db=empty_db,
        env={"SOCIALPULSE_PSEUDONYM_KEY": "test-key"},
    )
    assert result.returncode == 0, result.stderr
    assert "directory: 0 messages (0 new, 0 updated), 5 people" in result.stderr
    assert "directory.csv: row 7: no employee_id or email" in result.stderr
    unknown = pulse("import", "myspace", str(directory), db=empty_db)
    assert unknown.returncode == 1 and "unknown export kind 'myspace'" in unknown.stderr
    missing = pulse(
        "import",
        "directory",
        "no-such.csv",
        db=empty_db,
        env={"SOCIALPULSE_PSEUDONYM_KEY": "test-key"},
    )
    assert missing.returncode == 1 and "no-such.csv: no such file or folder" in missing.stderr
