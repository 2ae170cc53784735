"""A local HTTP server on 127.0.0.1 that serves the recorded feeds under tests/fixtures/feeds
and the sample feed of data/samples (as ``feeds/rss20.xml``, the plain RSS 2.0 case).

It behaves like a real feed host: ETag and Last-Modified with 304 answers, error statuses, a
slow answer, a UTF-16 feed, and a feed that grows by one story per request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.samples import FEED

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
RECORDED = {"rss20.xml": FEED}  # served among the feeds, kept where a user finds it
LAST_MODIFIED = "Wed, 16 Sep 2026 19:00:00 GMT"


def growing_feed(items: int) -> bytes:
    now = datetime.now(UTC)
    entries = "".join(
        f"<item><title>Northwind update number {n}</title>"
        f"<link>https://live.example/northwind/{n}</link><guid>live-{n}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=items - n))}</pubDate>"
        f"<description>Live coverage, part {n}.</description></item>"
        for n in range(1, items + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Live</title><link>https://live.example/</link>{entries}"
        f"</channel></rss>"
    ).encode()


class FeedServer:
    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []
        self.arrived: list[str] = []  # paths, as soon as a request comes in
        self.growing = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.arrived.append(urlsplit(self.path).path)
                status, body, headers = server.answer(self.path, self.headers)
                server.requests.append((urlsplit(self.path).path, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # the client may have given up on a slow answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def answer(self, raw_path: str, request_headers) -> tuple[int, bytes, dict]:
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/status/"):
            return int(path.rsplit("/", 1)[1]), b"server error", {}
        if path.startswith("/slow/"):
            time.sleep(float(parse_qs(parts.query).get("delay", ["3"])[0]))
            path = "/feeds/" + path.removeprefix("/slow/")
        if path == "/growing.xml":
            self.growing += 1
            return 200, growing_feed(self.growing), {"Content-Type": "application/rss+xml"}
        if path == "/feeds/utf16.xml":
            text = FEED.read_text("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
            return (
                200,
                text.encode("utf-16"),
                {"Content-Type": "application/rss+xml; charset=utf-16"},
            )
        name = path.removeprefix("/feeds/")
        file = RECORDED.get(name, FEEDS / name)
        if not path.startswith("/feeds/") or not file.is_file():
            return 404, b"not found", {}
        body = file.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {
            "Content-Type": "application/rss+xml",
            "ETag": etag,
            "Last-Modified": LAST_MODIFIED,
        }
        if request_headers.get("If-None-Match") == etag:
            return 304, b"", headers
        return 200, body, headers

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
