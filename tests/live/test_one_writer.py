"""One writer, many sources, real processes: `pulse listen` and `pulse collect --every` write the
same warehouse while it is read, and a `kill -9` of either at any moment loses nothing that was
committed (or acknowledged to a hub) and duplicates nothing on restart."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from bench.jetstream_replay import JetstreamReplay, post_frame
from bench.websub_hub import LocalHub, moment, story
from socialpulse.config import EXAMPLE_CONFIG
from socialpulse.warehouse import open_warehouse
from tests import waiting
from tests.collectors.feed_server import FeedServer
from tests.dashboard.test_browser import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def config_file(tmp_path: Path, feed_url: str, port: int) -> Path:
    """The example configuration with one pushed feed and the callback on ``port``."""
    text = re.sub(
        r"feeds = \[.*?\n\]",
        f'feeds = [{{ url = "{feed_url}" }}]',
        EXAMPLE_CONFIG.read_text(),
        flags=re.S,
    )
    path = tmp_path / "socialpulse.toml"
    path.write_text(text + f"\n[listen]\nport = {port}\nalert_every_seconds = 1\n")
    return path


def pulse(db: Path, config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "socialpulse.cli", "--db", str(db), *args],
        cwd=ROOT,
        env={**__import__("os").environ, "SOCIALPULSE_CONFIG": str(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read(db: Path, sql: str):
    """A read the way the dashboard reads: a short read-only connection, waiting its turn."""
    with open_warehouse(db, read_only=True, wait_seconds=60) as con:
        return con.execute(sql).fetchall()[0]


wait_for = partial(waiting.wait_for, timeout=90.0, every=0.1)


def killed(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_kill_9_of_listen_and_collect_loses_nothing_and_doubles_nothing(tmp_path, empty_db):
    hub = LocalHub(tmp_path).start()
    topic = hub.topic("crash")
    config = config_file(tmp_path, topic.url, free_port())
    with FeedServer() as feeds:
        listen = pulse(empty_db, config, "listen", "--no-streams")
        collect = pulse(
            empty_db, config, "collect", "rss", feeds.url("growing.xml"), "--every", "1s"
        )
        try:
            wait_for(lambda: topic.subscribers())
            topic.publish(*(story(n, moment(n)) for n in range(20)))
            wait_for(
                lambda: (
                    read(empty_db, "SELECT count(*) FROM posts WHERE url LIKE '%trailwire%'")[0]
                    == 20
                )
            )
            # A delivery in flight when the listener dies is not acknowledged: the hub retries.
            topic.publish(*(story(n, moment(n)) for n in range(20, 40)))
            killed(listen)
            killed(collect)  # wherever it was: between turns, or inside one
            polled = read(empty_db, "SELECT count(*) FROM posts WHERE url LIKE '%live.example%'")[0]
            listen = pulse(empty_db, config, "listen", "--no-streams")
            collect = pulse(
                empty_db, config, "collect", "rss", feeds.url("growing.xml"), "--every", "1s"
            )
            # Nothing is published again: the 20 stories arrive by the hub's retry.
            wait_for(
                lambda: (
                    read(empty_db, "SELECT count(*) FROM posts WHERE url LIKE '%trailwire%'")[0]
                    == 40
                )
            )
            wait_for(
                lambda: (
                    read(empty_db, "SELECT count(*) FROM posts WHERE url LIKE '%live.example%'")[0]
                    > polled
                )
            )
        finally:
            for process in (listen, collect):
                process.send_signal(signal.SIGTERM)
            outputs = [process.communicate(timeout=60)[0] for process in (listen, collect)]
            hub.stop()
    assert listen.returncode == 0, outputs[0]
    assert "everything received was committed" in outputs[0]
    total, distinct = read(empty_db, "SELECT count(*), count(DISTINCT native_id) FROM posts")
    assert total == distinct
    (stories,) = read(empty_db, "SELECT count(*) FROM posts WHERE url LIKE '%trailwire%'")
    assert stories == 40


def test_kill_9_of_listen_mid_stream_resumes_from_its_cursor_without_doubles(tmp_path, empty_db):
    """The Jetstream replays 1,500 brand posts at 200 a second; `pulse listen` is killed in the
    middle and restarted: every post lands once, the rest read from the committed cursor."""
    start = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
    frames = [
        post_frame(
            f"did:plc:hiker{n % 40:04d}",
            f"3crash{n:05d}",
            f"Northwind tent report {n}: the pole snapped",
            start + timedelta(milliseconds=5 * n),
            int((start + timedelta(milliseconds=5 * n)).timestamp() * 1e6),
        )
        for n in range(1500)
    ]
    with open_warehouse(empty_db):
        pass  # the file exists from the start, as a deployed warehouse does
    with JetstreamReplay(paced=True) as replay:
        url = replay.start(frames)
        config = config_file(tmp_path, "https://unused.example/feed.xml", free_port())
        config.write_text(
            config.read_text().replace(
                "[sources.bluesky]", f'[sources.bluesky]\njetstream = "{url}"'
            )
        )
        listen = pulse(empty_db, config, "listen", "--no-push", "--stream", "bluesky")
        wait_for(lambda: read(empty_db, "SELECT count(*) FROM posts")[0] >= 100)
        killed(listen)
        before = read(empty_db, "SELECT count(*) FROM posts")[0]
        listen = pulse(empty_db, config, "listen", "--no-push", "--stream", "bluesky")
        try:
            wait_for(lambda: read(empty_db, "SELECT count(*) FROM posts")[0] == 1500)
        finally:
            listen.send_signal(signal.SIGTERM)
            output = listen.communicate(timeout=60)[0]
    assert 100 <= before < 1500, "the kill did not fall in the middle of the stream"
    assert len(replay.connections) == 2 and "cursor" in replay.connections[1], output
    total, distinct = read(empty_db, "SELECT count(*), count(DISTINCT post_id) FROM posts")
    assert total == distinct == 1500
