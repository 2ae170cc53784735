"""The message shape every employee-network importer produces, turned into warehouse rows.

Each importer maps its export onto pseudonymised messages and edges; ``build_rows`` is the one
place that turns them into posts, interactions and authors, so reply, thread and self-edge rules
agree across platforms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def raw_json(frame: pd.DataFrame) -> list[str]:
    """One JSON document per row of an already pseudonymised frame, for ``posts.raw``."""
    if frame.empty:
        return []
    return frame.to_json(orient="records", lines=True, date_format="iso").split("\n")[: len(frame)]


def build_rows(
    messages: pd.DataFrame, edges: pd.DataFrame | None = None, channels: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Warehouse rows from pseudonymised messages, the one place every importer shares.

    ``messages``: platform, native_id, channel_id, author_id, created_at, text, parent_native,
    thread_native (native ids or None) and raw. ``edges``: kind (reaction, mention), platform,
    native_id, actor_id, target_id, detail, created_at. Post ids are ``platform:native_id``;
    a message with a parent is a reply; a thread defaults to the parent, else the message.
    Edges between a person and themself are dropped, as the runner does for replies.
    """
    rows: dict[str, pd.DataFrame] = {}
    if channels is not None and not channels.empty:
        rows["channels"] = channels.drop_duplicates("channel_id", keep="last").assign(
            scope="internal"
        )
    if messages.empty:
        return rows
    messages = messages.astype(
        {
            c: "string"
            for c in (
                "platform",
                "native_id",
                "channel_id",
                "author_id",
                "text",
                "parent_native",
                "thread_native",
                "raw",
            )
        }
    )
    prefix = messages["platform"] + ":"
    parent, thread = prefix + messages["parent_native"], prefix + messages["thread_native"]
    post_id = prefix + messages["native_id"]
    rows["posts"] = pd.DataFrame(
        {
            "post_id": post_id,
            "platform": messages["platform"],
            "native_id": messages["native_id"],
            "channel_id": messages["channel_id"],
            "author_id": messages["author_id"],
            "created_at": messages["created_at"],
            "text": messages["text"].fillna(""),
            "parent_id": parent,
            "thread_id": thread.fillna(parent).fillna(post_id),
            "kind": np.where(parent.notna(), "reply", "post"),
            "raw": messages["raw"],
            "collected_at": pd.Timestamp.now("UTC").tz_localize(None),
        }
    )
    people = [messages["author_id"]]
    if edges is not None and not edges.empty:
        rows["interactions"] = _edges(edges)
        people += [rows["interactions"]["actor_id"], rows["interactions"]["target_id"]]
    authors = pd.concat(people, ignore_index=True).dropna().drop_duplicates()
    rows["authors"] = pd.DataFrame({"author_id": authors.to_numpy(dtype=object)})
    return rows


def clean_strings(values: pd.Series) -> pd.Series:
    """Text the warehouse can store: lone surrogates (from ``\\ud800`` escapes in JSON)
    replaced, since DuckDB accepts only valid UTF-8."""
    return values.str.encode("utf-8", "replace").str.decode("utf-8")


def _edges(edges: pd.DataFrame) -> pd.DataFrame:
    edges = edges.astype(
        {c: "string" for c in ("kind", "platform", "native_id", "actor_id", "target_id", "detail")}
    )
    edges = edges.dropna(subset=["actor_id", "target_id"])
    edges = edges[edges["actor_id"] != edges["target_id"]]
    frame = pd.DataFrame(
        {
            "kind": edges["kind"],
            "post_id": edges["platform"] + ":" + edges["native_id"],
            "actor_id": edges["actor_id"],
            "target_id": edges["target_id"],
            "detail": edges["detail"].fillna(""),
            "platform": edges["platform"],
            "created_at": edges["created_at"],
        }
    )
    return frame.drop_duplicates(["kind", "post_id", "actor_id", "target_id", "detail"])
