"""A local Mastodon instance on 127.0.0.1 for the streaming tests, serving recorded traffic.

It answers what Mastodon.py asks of a real instance: the instance information (v1 and v2, which
name the streaming server and say the timelines are public), the hashtag timeline (from
``timeline_<tag>.json``, honouring ``min_id`` as the API does: only newer statuses), and the
hashtag stream as Server-Sent Events from ``stream_<tag>.sse``. In that file a ``: drop`` line
marks where the server closes the connection; the next connection gets the next part, and the
last part is followed by heartbeats until the client leaves. ``stream_status`` makes the stream
answer that HTTP status instead (an instance refusing streams).
"""

from __future__ import annotations

import json
import threading
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mastodon"
DROP = ": drop\n\n"


class MastodonServer:
    def __init__(self, stream_status: int = 200) -> None:
        self.stream_status = stream_status
        self.requests: list[tuple[str, dict[str, str]]] = []  # path, query
        self.authorizations: list[str | None] = []  # the Authorization header of each request
        self.connections = 0
        self.closing = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append((parts.path, query))
                server.authorizations.append(self.headers.get("Authorization"))
                with suppress(BrokenPipeError, ConnectionResetError):
                    if parts.path.startswith("/api/v1/streaming/"):
                        server.stream(self, query.get("tag", "public"))
                    else:
                        status, body = server.answer(parts.path, query)
                        self.send_response(status)
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, bytes]:
        if path.rstrip("/") == "/api/v1/instance":
            info = {"uri": "127.0.0.1", "version": "4.3.2", "urls": {"streaming_api": self.ws}}
            return 200, json.dumps(info).encode()
        if path.rstrip("/") == "/api/v2/instance":
            public = {"local": "public", "remote": "public"}
            info = {
                "domain": "127.0.0.1",
                "version": "4.3.2",
                "configuration": {
                    "urls": {"streaming": self.ws},
                    "timelines_access": {"live_feeds": public, "hashtag_feeds": public},
                },
            }
            return 200, json.dumps(info).encode()
        if path.startswith("/api/v1/timelines/tag/"):
            file = FIXTURES / f"timeline_{path.rsplit('/', 1)[1]}.json"
            statuses = json.loads(file.read_text()) if file.is_file() else []
            after = int(query.get("min_id", "0"))
            newer = [s for s in statuses if int(s["id"]) > after]
            return 200, json.dumps(newer[-int(query.get("limit", "20")) :]).encode()
        return 404, b'{"error": "Record not found"}'

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://")

    def stream(self, handler: BaseHTTPRequestHandler, tag: str) -> None:
        self.connections += 1
        if self.stream_status != 200:
            handler.send_response(self.stream_status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        parts = (FIXTURES / f"stream_{tag}.sse").read_text().split(DROP)
        handler.wfile.write(parts[min(self.connections, len(parts)) - 1].encode())
        handler.wfile.flush()
        if self.connections < len(parts):
            return  # the server drops the connection here
        while not self.closing.wait(0.1):
            handler.wfile.write(b":thump\n")
            handler.wfile.flush()

    def asked(self, path: str) -> list[dict[str, str]]:
        return [query for asked, query in self.requests if asked == path]

    def __enter__(self) -> MastodonServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
