"""Slack import speed and memory: a generated export of N messages through ``run_import``.

    .venv/bin/python -m bench.bench_slack_import --messages 1000000 [--zip] [--json]

The export is written one day-file at a time (as Slack lays it out: many channels, one file a
day each, threads, reactions, mentions, joins, bot posts, edits), so generating it needs little
memory; the import is then timed into a fresh warehouse. Peak memory is the process's
``ru_maxrss`` after the import (the generator's own peak is printed too, to tell them apart).
``--reader-only`` runs the importer without a warehouse: its peak is the importer's own bound,
without DuckDB's working memory (the runner's joins over the whole network at the end).
Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
import zipfile
from pathlib import Path

from collectors.exports.base import ImportContext
from collectors.exports.runner import run_import
from collectors.exports.slack import read_slack  # importing it registers the importer
from socialpulse.config import parse_settings
from socialpulse.warehouse import open_warehouse

START = 1_767_225_600  # 2026-01-01 00:00 UTC
WORDS = (
    "launch",
    "roadmap",
    "customer",
    "review",
    "deadline",
    "budget",
    "release",
    "feedback",
    "team",
    "meeting",
    "design",
    "sprint",
    "quarter",
    "hiring",
    "onboarding",
    "support",
    "incident",
    "metrics",
    "office",
    "travel",
    "demo",
)
NOISE = ("channel_join", "channel_leave", "bot_message", "channel_topic")


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def users(count: int) -> list[dict]:
    people = [
        {
            "id": f"U{n:08d}",
            "name": f"user.{n}",
            "real_name": f"Person Number{n}",
            "deleted": False,
            "is_bot": False,
            "profile": {
                "email": f"user.{n}@bench.example",
                "real_name": f"Person Number{n}",
                "display_name": f"p{n}",
                "phone": f"+1 555 {n:07d}",
            },
        }
        for n in range(count)
    ]
    people.append({"id": "UBOT00001", "name": "ci-bot", "is_bot": True, "profile": {}})
    return people


def message(rng: random.Random, ts: str, user: str, people: int, thread: str | None) -> dict:
    words = rng.choices(WORDS, k=rng.randint(6, 24))
    if rng.random() < 0.15:
        words.insert(rng.randint(0, len(words)), f"<@U{rng.randrange(people):08d}>")
    if rng.random() < 0.05:
        words.append("<https://wiki.bench.example/page|the wiki>")
    if rng.random() < 0.02:
        words.append(f"mail me at user.{rng.randrange(people)}@bench.example")
    record = {
        "type": "message",
        "user": user,
        "ts": ts,
        "text": " ".join(words),
        "client_msg_id": f"{rng.getrandbits(64):016x}",
    }
    if thread:
        record["thread_ts"] = thread
    if rng.random() < 0.2:
        record["reactions"] = [
            {
                "name": rng.choice(("+1", "tada", "eyes")),
                "users": [f"U{rng.randrange(people):08d}" for _ in range(3)],
                "count": 3,
            }
        ]
    return record


def day_records(rng: random.Random, day: int, count: int, people: int) -> list[dict]:
    """One channel's day: about 30% thread replies, a little noise, the odd edit."""
    records: list[dict] = []
    parents: list[str] = []
    for n in range(count):
        ts = f"{START + day * 86_400 + n * 86_000 // count}.{n % 1_000_000:06d}"
        user = f"U{rng.randrange(people):08d}"
        roll = rng.random()
        if roll < 0.02:
            subtype = rng.choice(NOISE)
            records.append(
                {
                    "type": "message",
                    "subtype": subtype,
                    "user": user,
                    "ts": ts,
                    "text": "",
                    **({"bot_id": "B1"} if subtype == "bot_message" else {}),
                }
            )
            continue
        thread = rng.choice(parents) if parents and roll < 0.32 else None
        records.append(message(rng, ts, user, people, thread))
        if thread is None:
            parents = (parents + [ts])[-20:]
        if roll > 0.995:
            edit = dict(
                records[-1], text=records[-1]["text"] + " (edited)", edited={"user": user, "ts": ts}
            )
            records.append(
                {"type": "message", "subtype": "message_changed", "message": edit, "ts": ts}
            )
    return records


def generate(
    folder: Path, messages: int, channels: int, days: int, people: int, seed: int = 1
) -> int:
    """Write the export one file at a time; returns the number of records written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users.json").write_text(json.dumps(users(people)))
    listing = [
        {
            "id": f"C{c:08d}",
            "name": f"channel-{c}",
            "created": START,
            "members": [f"U{m:08d}" for m in range(c % 50, people, 7)],
        }
        for c in range(channels)
    ]
    (folder / "channels.json").write_text(json.dumps(listing))
    per_file, extra = divmod(messages, channels * days)
    written = 0
    for index, channel in enumerate(listing):
        (folder / channel["name"]).mkdir()
        for day in range(days):
            count = per_file + (1 if index * days + day < extra else 0)
            if count == 0:
                continue
            records = day_records(rng, day, count, people)
            name = time.strftime("%Y-%m-%d", time.gmtime(START + day * 86_400)) + ".json"
            (folder / channel["name"] / name).write_text(json.dumps(records))
            written += len(records)
    return written


def zip_up(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(folder.rglob("*.json")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


def bench(
    messages: int, channels: int, days: int, people: int, as_zip: bool, reader_only: bool = False
) -> dict:
    with tempfile.TemporaryDirectory() as work:
        export = Path(work) / "export"
        started = time.perf_counter()
        records = generate(export, messages, channels, days, people)
        source = zip_up(export, Path(work) / "export.zip") if as_zip else export
        generated = time.perf_counter() - started
        generator_peak = peak_mb()
        figures = {
            "messages": messages,
            "records": records,
            "channels": channels,
            "days": days,
            "people": people,
            "source": "zip" if as_zip else "folder",
            "generate_s": round(generated, 1),
            "peak_rss_mb_generator": generator_peak,
        }
        db = Path(work) / "bench.duckdb"
        started = time.perf_counter()
        if reader_only:
            figures |= read_only(source)
        else:
            figures |= imported(db, source)
        seconds = time.perf_counter() - started
        return figures | {
            "import_s": round(seconds, 1),
            "messages_per_s": round(messages / seconds),
            "peak_rss_mb": peak_mb(),
        }


def imported(db: Path, source: Path) -> dict:
    summary = run_import(db, "slack", source, parse_settings(""), key=b"bench-key")
    with open_warehouse(db, read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
        edges = con.execute("SELECT count(*) FROM interactions").fetchall()[0][0]
    return {
        "posts_stored": stored,
        "interactions": edges,
        "status": summary.status,
        "skipped": sum(summary.skipped.values()),
        "warehouse_mb": round(db.stat().st_size / 2**20, 1),
    }


def read_only(source: Path) -> dict:
    context = ImportContext(b"bench-key", parse_settings(""))
    posts = skipped = 0
    for batch in read_slack(source, context):
        posts += len(batch.rows.get("posts", ()))
        skipped += sum(batch.skipped.values())
    return {"posts_read": posts, "skipped": skipped}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument(
        "--channels", type=int, default=None, help="default: one per 10,000 messages, 5 to 200"
    )
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--zip", action="store_true", help="import the export as one zip")
    parser.add_argument(
        "--reader-only", action="store_true", help="read the export without loading a warehouse"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    channels = args.channels or min(max(args.messages // 10_000, 5), 200)
    figures = bench(args.messages, channels, args.days, args.people, args.zip, args.reader_only)
    if args.json:
        print(json.dumps(figures))
        return
    width = max(map(len, figures))
    for name, value in figures.items():
        print(
            f"{name:<{width}}  {value:,}"
            if isinstance(value, int | float)
            else f"{name:<{width}}  {value}"
        )


if __name__ == "__main__":
    main()
