"""Live intake: how soon a crisis is alerted by push and stream, against 15-minute polling, and
how many posts a second `pulse listen` takes.

    .venv/bin/python -m bench.bench_live --runs 5

- **Alert latency.** The base warehouse is the demo cut just before its September crisis (as if
  the crisis were about to happen), scanned once as `pulse analyze` would have. The crisis is
  then replayed at real speed with the demo's own arrival law (the gamma(1.3, 9 h) of
  ``collectors.demo.external``) at the volume of the 10M demo (250,000 crisis mentions over
  48 h): the demo's share of feed stories is published through the local WebSub hub, the rest
  streamed by the local Jetstream. The clock runs from the first post being published to the
  webhook receiving the alert. Beside it, the same run's figure for polling every 15 minutes:
  the first poll after the crisis's 10th mention (the fewest that can alert, ``min_count``,
  which favours polling) plus a measured `pulse analyze` of the run's warehouse, with the
  runs' polls spread evenly over the 15 minutes.
- **Push throughput**: signed deliveries of 100 entries posted to the callback by 32 clients;
  entries per second from the first request to the last answer (each answer means committed).
- **Stream throughput**: the Jetstream replaying brand posts as fast as the socket takes them;
  posts per second until the last one is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import requests

from analysis.pipeline import run_analysis
from bench.demo_warehouse import demo_tables, loaded_warehouse, scratch_folder, timed
from bench.jetstream_replay import JetstreamReplay, post_frame
from bench.webhook_receiver import WebhookReceiver
from bench.websub_hub import LocalHub, rss
from collectors.bluesky import build_bluesky
from collectors.demo.calendar import DemoCalendar
from collectors.demo.external import PLATFORM_SHARE, Volumes
from collectors.demo.texts import EXTERNAL, fill
from socialpulse.config import EXAMPLE_CONFIG, AlertWebhook, Feed, Settings, load_settings
from socialpulse.governance.erasure import forget_posts
from socialpulse.live.listener import Listener
from socialpulse.warehouse import open_warehouse, transaction

CRISIS_OF = 10_000_000  # the demo size whose crisis is replayed
POLL_SECONDS = 15 * 60
CLIENTS = 32  # deliveries in flight at once, as a hub's workers send them
HORIZON_SECONDS = 300  # the longest a run waits for its alert
CRISIS = DemoCalendar().crisis.astype(datetime).replace(tzinfo=UTC)


def base_warehouse(folder: Path, mentions: int) -> Path:
    """The demo of ``mentions`` up to the crisis, scored and scanned: the warehouse of a brand
    whose crisis is about to start."""
    tables = demo_tables(mentions)
    with loaded_warehouse(tables, folder, "base.duckdb") as (con, path, _):
        later = con.execute(
            "SELECT list(post_id) FROM posts WHERE created_at >= ?", [CRISIS.replace(tzinfo=None)]
        ).fetchall()[0][0]
        with transaction(con):
            forget_posts(con, later or [])
        run_analysis(con, load_settings(EXAMPLE_CONFIG))
        con.execute("CHECKPOINT")
    return path


def crisis_posts(seed: int) -> list[tuple[float, str, str]]:
    """(seconds after the first post, platform, text) of the replayed crisis's first minutes."""
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.gamma(1.3, 9 * 3600, Volumes.of(CRISIS_OF).crisis))
    offsets = offsets[offsets <= HORIZON_SECONDS + offsets[0]] - offsets[0]
    platforms = rng.choice(list(PLATFORM_SHARE), len(offsets), p=list(PLATFORM_SHARE.values()))
    texts = fill(rng, EXTERNAL["crisis"], len(offsets), brand="Northwind", neg="", link="")
    return [
        (float(o), "rss" if p == "rss" else "bluesky", f"{t} ({n})")
        for n, (o, p, t) in enumerate(zip(offsets, platforms, texts, strict=True))
    ]


def settings_for(webhook: str | None, feed: str, jetstream: str) -> Settings:
    settings = load_settings(EXAMPLE_CONFIG)
    hooks = [AlertWebhook(url=webhook)] if webhook else []
    alerts = settings.alerts.model_copy(update={"webhooks": hooks})
    sources = settings.sources.model_copy(
        update={
            "feeds": [Feed(url=feed, name="Crisis wire")],
            "bluesky": settings.sources.bluesky.model_copy(update={"jetstream": jetstream}),
        }
    )
    return settings.model_copy(update={"alerts": alerts, "sources": sources})


def _story(number: int, offset: float, text: str) -> dict:
    return {
        "title": text[:80],
        "link": f"https://crisiswire.example/{number}",
        "text": text,
        "published": CRISIS + timedelta(seconds=offset),
    }


def _frame(number: int, offset: float, text: str) -> str:
    moment = CRISIS + timedelta(seconds=offset)
    return post_frame(
        f"did:plc:angry{number % 500:05d}",
        f"3crisis{number:06d}",
        text,
        moment,
        int(moment.timestamp() * 1e6),
    )


def one_latency_run(base: Path, work: Path, hub: LocalHub, seed: int) -> dict:
    """One replay: seconds from the first post to the webhook, and to the 10th mention."""
    db = work / f"latency-{seed}.duckdb"
    shutil.copy(base, db)
    posts = crisis_posts(seed)
    stories = [(n, o, t) for n, (o, p, t) in enumerate(posts) if p == "rss"]
    frames = [_frame(n, o, t) for n, (o, p, t) in enumerate(posts) if p == "bluesky"]
    topic = hub.topic(f"crisis-{seed}")
    with WebhookReceiver() as webhook, JetstreamReplay(paced=True) as replay:
        settings = settings_for(webhook.url, topic.url, "ws://127.0.0.1:9/unused")
        listener = Listener(db, settings, port=0, streams=[]).start()
        try:
            _wait(lambda: topic.subscribers(), 30)
            url = replay.start(frames)  # the clock starts: the first post is published now
            started = replay.started_at
            listener.add_stream(build_bluesky(settings_for(webhook.url, topic.url, url)))
            publisher = threading.Thread(
                target=_publish_on_time, args=(topic, stories, started, webhook.arrived)
            )
            publisher.start()
            alerted = webhook.arrived.wait(HORIZON_SECONDS)
            publisher.join()
        finally:
            listener.stop()
    latency = webhook.received[0][0] - started if alerted else float("nan")
    return {"latency_s": latency, "tenth_mention_s": posts[9][0], "db": db}


def _publish_on_time(topic, stories, started: float, stop: threading.Event) -> None:
    published: list[dict] = []
    for number, offset, text in stories:
        if stop.wait(max(0.0, started + offset - time.monotonic())):
            return
        published = [_story(number, offset, text), *published][:50]  # the feed's latest 50
        topic.items = published[1:]
        topic.publish(published[0])


def _wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the listener did not subscribe")
        time.sleep(0.05)


def alert_latency(base: Path, work: Path, runs: int) -> dict:
    hub = LocalHub(work).start()
    try:
        results = [one_latency_run(base, work, hub, seed) for seed in range(runs)]
    finally:
        hub.stop()
    with open_warehouse(results[-1]["db"]) as con:
        _, analyze_seconds = timed(lambda: run_analysis(con, load_settings(EXAMPLE_CONFIG)))
    polled = [
        next_poll(r["tenth_mention_s"], POLL_SECONDS * i / runs) + analyze_seconds
        for i, r in enumerate(results)
    ]
    pushed = [r["latency_s"] for r in results]
    return {
        "runs": runs,
        "push_stream_median_s": statistics.median(pushed),
        "push_stream_worst_s": max(pushed),
        "push_stream_each_s": [round(x, 1) for x in pushed],
        "tenth_mention_each_s": [round(r["tenth_mention_s"], 1) for r in results],
        "polling_15m_median_s": statistics.median(polled),
        "polling_15m_worst_s": max(polled),
        "analyze_seconds": analyze_seconds,
    }


def next_poll(ready: float, phase: float) -> float:
    """Seconds from the first post to the first poll at or after ``ready``."""
    return phase + POLL_SECONDS * max(0, int(np.ceil((ready - phase) / POLL_SECONDS)))


def push_throughput(base: Path, work: Path, entries: int = 20_000, per: int = 100) -> dict:
    db = work / "push.duckdb"
    shutil.copy(base, db)
    hub = LocalHub(work).start()
    topic = hub.topic("throughput")
    settings = settings_for(None, topic.url, "ws://127.0.0.1:9/unused")
    listener = Listener(db, settings, port=0).start()
    try:
        _wait(lambda: topic.subscribers(), 30)
        callback, secret = topic.subscribers()[0]
        # The hub's side runs in another process, as a hub does: only the listener is timed.
        with ProcessPoolExecutor(1) as hub_side:
            work_done = hub_side.submit(_deliver_all, callback, secret, entries, per)
            seconds, statuses = work_done.result()
    finally:
        listener.stop()
        hub.stop()
    return {
        "entries": entries,
        "seconds": seconds,
        "entries_per_s": entries / seconds,
        "all_committed": all(s == 204 for s in statuses),
    }


def _deliver_all(callback: str, secret: str, entries: int, per: int) -> tuple[float, list[int]]:
    """Post ``entries`` in signed deliveries of ``per``, ``CLIENTS`` at a time: (seconds, the
    status of each answer)."""
    bodies = [
        rss([_story(n, 86_400 + 0.1 * n, f"Northwind field test {n}") for n in range(b, b + per)])
        for b in range(0, entries, per)
    ]
    session = requests.Session()

    def deliver(body: bytes) -> int:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"X-Hub-Signature": f"sha256={digest}", "Content-Type": "application/rss+xml"}
        return session.post(callback, data=body, headers=headers, timeout=120).status_code

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(deliver, bodies))
    return time.perf_counter() - began, statuses


def stream_throughput(base: Path, work: Path, posts: int = 20_000) -> dict:
    db = work / "stream.duckdb"
    shutil.copy(base, db)
    frames = [
        _frame(n, 86_400 + 0.01 * n, f"Northwind boots, trail note {n}") for n in range(posts)
    ]
    with JetstreamReplay() as replay:
        url = replay.start(frames)
        settings = settings_for(None, "http://127.0.0.1:9/feed.xml", url)
        before = _count(db)
        began = time.perf_counter()
        listener = Listener(db, settings, streams=[build_bluesky(settings)], push=False).start()
        try:
            while _count(db, listener) < before + posts:
                time.sleep(0.5)
            seconds = time.perf_counter() - began
        finally:
            listener.stop()
    return {"posts": posts, "seconds": seconds, "posts_per_s": posts / seconds}


def _count(db: Path, listener: Listener | None = None) -> int:
    """Posts committed; while the listener runs, asked of its writer (in one process DuckDB
    takes no second connection of another mode), which is also one more turn to take."""
    sql = "SELECT count(*) FROM posts"
    if listener is not None:
        return listener.writer.call(lambda con: con.execute(sql).fetchall()[0][0]).result()
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def bench(
    mentions: int = 50_000,
    runs: int = 5,
    folder: Path | None = None,
    only: tuple[str, ...] = ("push", "stream", "latency"),
    posts: int = 20_000,
) -> dict:
    """Every live figure on a base of ``mentions``; ``posts`` per throughput measurement."""
    with scratch_folder(folder) as work:
        base = base_warehouse(work, mentions)
        figures = {"base_mentions": mentions}
        for name, measure in (
            ("push", lambda: push_throughput(base, work, posts)),
            ("stream", lambda: stream_throughput(base, work, posts)),
            ("latency", lambda: alert_latency(base, work, runs)),
        ):
            if name not in only:
                continue
            figures[name] = measure()
            print(f"{name}: {json.dumps(figures[name], default=str)}", file=sys.stderr)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=50_000, help="base warehouse size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="+", default=["push", "stream", "latency"])
    args = parser.parse_args()
    figures = bench(args.mentions, args.runs, only=tuple(args.only))
    print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
