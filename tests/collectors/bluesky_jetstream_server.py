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

``start(frames)`` / ``stop()`` at module level run one such server without a drop.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


def load_frames(path: Path) -> list[str]:
    """The frames of a ``.jsonl`` recording, one a line, as they are sent."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class JetstreamReplay:
    def __init__(self, *, drop_after: int | None = None, drops: int = 1) -> None:
        self.drop_after = drop_after
        self.drops = drops
        self.connections: list[dict[str, list[str]]] = []
        self._frames: list[tuple[int | None, str | None, str]] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self, frames: list[str], host: str = "127.0.0.1") -> str:
        """Serve ``frames`` (JSON lines) and return the subscribe URL."""
        self._frames = _indexed(frames)
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
            connection.send(line)
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


_default: JetstreamReplay | None = None


def start(frames: list[str], host: str = "127.0.0.1") -> str:
    """Start the module's replay server on ``frames``; returns its subscribe URL."""
    global _default
    stop()
    _default = JetstreamReplay()
    return _default.start(frames, host)


def stop() -> None:
    global _default
    if _default is not None:
        _default.stop()
        _default = None
