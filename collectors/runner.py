"""Running a collector: fetch pages, tag brands, load each page with its cursor, record the run.

Each page is written in its own short transaction on a freshly opened connection, closed right
after. DuckDB lets one process write or several read, so this keeps the file free for the
dashboard (which reads with short read-only connections) between pages: collection goes on while
people look at the dashboard, and each refresh shows what has landed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from collectors.base import DELETED, SKIPPED, Collector, MissingCredentialsError, Rows
from socialpulse.brand_rules import BrandRule, match_brands
from socialpulse.governance.erasure import forget_posts
from socialpulse.warehouse import LoadResult, open_warehouse, transaction, upsert
from socialpulse.warehouse.cursors import read_cursors, save_cursor
from socialpulse.warehouse.loader import append_snapshots
from socialpulse.warehouse.runs import recorded_run

log = logging.getLogger(__name__)
WRITER_WAIT_SECONDS = 30.0
LOAD_ORDER = ("channels", "authors", "posts", "post_channels", "brand_matches", "interactions")


@dataclass
class RunSummary:
    collector: str
    status: str = "ok"
    posts: LoadResult = field(default_factory=LoadResult)
    snapshots: LoadResult = field(default_factory=LoadResult)
    errors: list[str] = field(default_factory=list)


def tag_brands(rows: Rows, rules: list[BrandRule]) -> Rows:
    """Add brand matches for external posts and flag those no rule matched as 'unmatched'."""
    posts = rows.get("posts")
    if posts is None or posts.empty or not rules:
        return rows
    matches = match_brands(posts[["post_id", "text"]], rules)
    matched = posts["post_id"].isin(matches["post_id"])
    rows = dict(rows)
    rows["posts"] = posts.assign(match_status=matched.map({True: "matched", False: "unmatched"}))
    rows["brand_matches"] = (
        pd.concat([rows.get("brand_matches"), matches], ignore_index=True)
        if "brand_matches" in rows
        else matches
    )
    return rows


def save_rows(con, rows: Rows) -> tuple[LoadResult, LoadResult]:
    """Upsert one page's rows in dependency order; snapshots are appended when changed; posts
    deleted at their source go last, so a page that creates and deletes a post keeps none."""
    posts = LoadResult()
    for table in LOAD_ORDER:
        frame = rows.get(table)
        if frame is None or frame.empty:
            continue
        result = upsert(con, table, frame)
        if table == "posts":
            posts = result
    snapshots = rows.get("engagement_snapshots")
    appended = append_snapshots(con, snapshots) if snapshots is not None else LoadResult()
    deleted = rows.get(DELETED)
    if deleted is not None and not deleted.empty:
        forget_posts(con, deleted["post_id"].tolist())
    return posts, appended


def run_collector(db: Path, collector: Collector, rules: list[BrandRule]) -> RunSummary:
    """Collect everything new for ``collector`` into ``db``; one failing source does not stop
    the others, and what was loaded before a failure stays loaded."""
    missing = collector.missing_credentials()
    if missing:
        raise MissingCredentialsError(
            f"{collector.name}: skipped, set {', '.join(missing)} in the environment or .env"
        )
    summary = RunSummary(collector.name)
    skips = SkippedItems()
    with recorded_run(
        db,
        collector.name,
        summary,
        summary.errors,
        wait_seconds=WRITER_WAIT_SECONDS,
        setup=lambda con: read_cursors(con, collector.name),
        failure_line=lambda error: f"{collector.name}: {str(error).splitlines()[0]}",
    ) as cursors:
        for page in collector.fetch(cursors):
            if page.error:
                log.info(page.error)  # returned to the caller and recorded on the run
                summary.errors.append(page.error)
            if page.payload is None:
                continue
            rows = dict(collector.to_rows(page))
            skipped = skips.note(page.key, rows.pop(SKIPPED, None))
            rows = tag_brands(rows, rules)
            # A cursor moves past what was stored: a page whose every item was rejected is
            # asked for again next run, after a fix.
            stored_any = rows.get("posts") is not None and not rows["posts"].empty
            with open_warehouse(db, wait_seconds=WRITER_WAIT_SECONDS) as con, transaction(con):
                rows = collector.merge_known_stories(con, rows)
                posts, snapshots = save_rows(con, rows)
                if page.cursor is not None and (stored_any or not skipped):
                    save_cursor(con, collector.name, page.key, page.cursor)
            summary.posts += posts
            summary.snapshots += snapshots
        summary.errors.extend(skips.lines(collector.name))
    return summary


@dataclass
class SkippedItems:
    """The items each source's pages could not store: how many, and the first reason verbatim."""

    counts: dict[str, int] = field(default_factory=dict)
    first_reasons: dict[str, str] = field(default_factory=dict)

    def note(self, key: str, skipped: pd.DataFrame | None) -> int:
        if skipped is None or skipped.empty:
            return 0
        self.counts[key] = self.counts.get(key, 0) + len(skipped)
        first = skipped.iloc[0]
        self.first_reasons.setdefault(key, f"{first['item']}: {first['reason']}")
        return len(skipped)

    def lines(self, collector: str) -> list[str]:
        return [
            f"{collector} {key}: skipped {count:,} item(s) it could not store "
            f"(first: {self.first_reasons[key]})"
            for key, count in self.counts.items()
        ]
