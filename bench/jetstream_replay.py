"""A local Jetstream on 127.0.0.1 replaying recorded frames, for tests and benchmarks.

It behaves like Jetstream where a client can tell: it sends only the ``wantedCollections``
asked for (identity and account events always), from ``cursor`` on (frames whose ``time_us``
is at or after it; a frame without one goes with the frame before it), and keeps the
connection open once the recording is sent, as a quiet stream does. Without a cursor it sends
the whole recording (the "live" events). ``drop_after`` closes the first ``drops`` connections
after that many frames, as a Jetstream restart does.

    server = JetstreamReplay(drop_after=9)
    url = server.start(load_frames(path))   # ws://127.0.0.1:PORT/subscribe
    ...
    server.connections   # the query of each connection, e.g. {"cursor": ["..."], ...}
    server.stop()

``paced=True`` sends each frame at its own time after ``start``: a recording replayed at real
speed. ``post_frame`` writes the frame of a new post, for made-up recordings.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


def post_frame(did: str, rkey: str, text: str, created_at: datetime, time_us: int) -> str:
    """A Jetstream commit event creating an English ``app.bsky.feed.post``."""
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": created_at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "langs": ["en"],
    }
    commit = {
        "rev": f"rev{time_us}",
        "operation": "create",
        "collection": "app.bsky.feed.post",
        "rkey": rkey,
        "record": record,
        "cid": f"bafy{rkey}",
    }
    return json.dumps({"did": did, "time_us": time_us, "kind": "commit", "commit": commit})


def load_frames(path: Path) -> list[str]:
    """The frames of a ``.jsonl`` recording, one a line, as they are sent."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class JetstreamReplay:
    def __init__(
        self, *, drop_after: int | None = None, drops: int = 1, paced: bool = False
    ) -> None:
        """``paced``: send each frame when its ``time_us`` comes round, counted from ``start``
        (the first frame at once), as the network wrote them: real speed."""
        self.drop_after = drop_after
        self.drops = drops
        self.paced = paced
        self.started_at = 0.0
        self.connections: list[dict[str, list[str]]] = []
        self._frames: list[tuple[int | None, str | None, str]] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self, frames: list[str], host: str = "127.0.0.1") -> str:
        """Serve ``frames`` (JSON lines) and return the subscribe URL."""
        self._frames = _indexed(frames)
        self._first_us = next((t for t, _, _ in self._frames if t is not None), 0)
        self.started_at = time.monotonic()
        self._closing.clear()
        self._server = serve(self._handle, host, 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        port = self._server.socket.getsockname()[1]
        return f"ws://{host}:{port}/subscribe"

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> JetstreamReplay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, connection: ServerConnection) -> None:
        query = parse_qs(urlsplit(connection.request.path).query)
        self.connections.append(query)
        number = len(self.connections)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query["cursor"][0]) if query.get("cursor") else None
        sent = 0
        for time_us, collection, line in self._frames:
            if cursor is not None and (time_us is None or time_us < cursor):
                continue
            if wanted and collection is not None and collection not in wanted:
                continue
            if self.paced and time_us is not None:
                due = self.started_at + (time_us - self._first_us) / 1e6
                if self._closing.wait(max(0.0, due - time.monotonic())):
                    return
            try:
                connection.send(line)
            except ConnectionClosed:
                return  # the client went away (a listener stopping): nothing left to send
            sent += 1
            if number <= self.drops and sent == self.drop_after:
                connection.close(1001, "going away")
                return
        while not self._closing.is_set():
            try:
                connection.recv(timeout=0.05)
            except TimeoutError:
                continue
            except ConnectionClosed:
                return
        connection.close(1001, "going away")


def _indexed(frames: list[str]) -> list[tuple[int | None, str | None, str]]:
    """(time_us, collection, line) per frame; a frame without a time takes the one before."""
    indexed, last = [], None
    for line in frames:
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if isinstance(event, dict) and isinstance(event.get("time_us"), int):
            last = event["time_us"]
        commit = event.get("commit") if isinstance(event, dict) else None
        collection = commit.get("collection") if isinstance(commit, dict) else None
        indexed.append((last, collection, line))
    return indexed
