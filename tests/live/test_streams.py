"""`pulse listen`'s streams: which run, and a page the warehouse did not take restarting its
stream from the committed cursor (no later page committed past it, the replay adding nothing
twice)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bench.jetstream_replay import JetstreamReplay, post_frame
from collectors.bluesky import build_bluesky
from socialpulse.config import EXAMPLE_CONFIG, load_settings
from socialpulse.live import listener as listener_module
from socialpulse.live import writer
from socialpulse.live.listener import Listener

pytestmark = pytest.mark.slow
START = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)


def frames(count: int) -> list[str]:
    moments = [START + timedelta(milliseconds=10 * n) for n in range(count)]
    return [
        post_frame(
            f"did:plc:walker{n % 9}",
            f"3restart{n:04d}",
            f"Northwind stove test {n}",
            m,
            int(m.timestamp() * 1e6),
        )
        for n, m in enumerate(moments)
    ]


def test_a_page_not_committed_restarts_the_stream_from_the_committed_cursor(empty_db, monkeypatch):
    real_save_rows, calls = writer.save_rows, []

    def refuse_the_second_batch(con, rows):
        calls.append(len(rows.get("posts", [])))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save_rows(con, rows)

    monkeypatch.setattr(writer, "save_rows", refuse_the_second_batch)
    monkeypatch.setattr(listener_module, "RESTART_SECONDS", 0.1)
    with JetstreamReplay(paced=True) as replay:
        url = replay.start(frames(300))
        settings = load_settings(EXAMPLE_CONFIG)
        bluesky = settings.sources.bluesky.model_copy(update={"jetstream": url})
        settings = settings.model_copy(
            update={"sources": settings.sources.model_copy(update={"bluesky": bluesky})}
        )
        listener = Listener(empty_db, settings, streams=[build_bluesky(settings)], push=False)
        listener.start()
        try:
            count = lambda: listener.writer.call(  # noqa: E731
                lambda con: con.execute(
                    "SELECT count(*), count(DISTINCT post_id) FROM posts"
                ).fetchall()[0]
            ).result()
            deadline = time.monotonic() + 30
            while count()[0] < 300 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert count() == (300, 300)
        finally:
            listener.stop()
    assert len(replay.connections) >= 2 and "cursor" in replay.connections[1]


def test_pulse_listen_streams_only_what_the_settings_configure():
    from socialpulse.cli.listen import streaming_collectors

    example = load_settings(EXAMPLE_CONFIG)  # brands, and one Mastodon instance with hashtags
    assert [c.name for c in streaming_collectors(example, None)] == ["bluesky", "mastodon"]
    bare = example.model_copy(
        update={
            "brands": [],
            "sources": example.sources.model_copy(
                update={"mastodon": example.sources.mastodon.model_copy(update={"instances": []})}
            ),
        }
    )
    assert streaming_collectors(bare, None) == []
    assert [c.name for c in streaming_collectors(bare, ["mastodon"])] == ["mastodon"]
