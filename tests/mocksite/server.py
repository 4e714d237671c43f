"""A fixture news web on 127.0.0.1: pages, feeds and hostile responses, changeable at run time.

Routes are plain data (a ``Route`` per path) so a test, or a later issue's test, can add
articles and feed entries between polls. Feeds are rendered from their entry lists on each
request, with an ETag and Last-Modified that change only when the entries do.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    hang: bool = False  # never answer (until the site stops): a dead server
    on_request: Callable[[], None] | None = None  # run before answering: bad luck elsewhere


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str | None  # a path on the site or a full URL; None for an entry without a link
    guid: str
    published: datetime


@dataclass
class Feed:
    kind: str  # "rss" or "atom"
    title: str
    items: list[FeedItem] = field(default_factory=list)
    changed: datetime = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    extra: str = ""  # raw markup appended to the channel, e.g. a malformed element


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the crawler hangs up on huge and slow responses on purpose


class MockSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.feeds: dict[str, Feed] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def start(self) -> MockSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    # -- the run-time API ----------------------------------------------------------------

    def add(self, path: str, route: Route) -> None:
        with self._lock:
            self.routes[path] = route

    def add_page(self, path: str, html: str | bytes, content_type: str | None = None) -> None:
        body = html.encode("utf-8") if isinstance(html, str) else html
        self.add(path, Route(body=body, content_type=content_type or "text/html; charset=utf-8"))

    def add_feed(self, path: str, kind: str, title: str, extra: str = "") -> Feed:
        with self._lock:
            feed = self.feeds[path] = Feed(kind, title, extra=extra)
        return feed

    def add_entry(self, feed_path: str, item: FeedItem) -> None:
        """Publish one more entry; the feed's validators change with it."""
        with self._lock:
            feed = self.feeds[feed_path]
            feed.items.insert(0, item)
            feed.changed += timedelta(minutes=1)

    def requests_for(self, path: str) -> int:
        return self.hits[path]

    # -- rendering -----------------------------------------------------------------------

    def render_feed(self, feed: Feed) -> bytes:
        if feed.kind == "atom":
            entries = "".join(
                "<entry>"
                f"<title>{escape(i.title)}</title><id>{escape(i.guid)}</id>"
                + (f'<link rel="alternate" href="{escape(self.url(i.link))}"/>' if i.link else "")
                + f"<updated>{i.published.isoformat()}</updated>"
                f"<published>{i.published.isoformat()}</published></entry>"
                for i in feed.items
            )
            return (
                '<?xml version="1.0" encoding="utf-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{escape(feed.title)}</title><id>{self.base}/</id>"
                f"<updated>{feed.changed.isoformat()}</updated>{feed.extra}{entries}</feed>"
            ).encode()
        items = "".join(
            "<item>"
            f"<title>{escape(i.title)}</title>"
            + (f"<link>{escape(self.url(i.link))}</link>" if i.link else "")
            + f'<guid isPermaLink="false">{escape(i.guid)}</guid>'
            f"<pubDate>{format_datetime(i.published)}</pubDate></item>"
            for i in feed.items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(feed.title)}</title><link>{self.base}/</link>"
            f"<description>Fixture feed</description>{feed.extra}{items}</channel></rss>"
        ).encode()

    def respond(self, path: str, headers: dict[str, str]) -> Route:
        with self._lock:
            self.hits[path] += 1
            feed = self.feeds.get(path)
            if feed is None:
                return self.routes.get(path, Route(404, b"<h1>Not found</h1>"))
            body = self.render_feed(feed)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = format_datetime(feed.changed, usegmt=True)
            if "if-none-match" in headers or "if-modified-since" in headers:
                self.conditional[path] += 1
            if headers.get("if-none-match") == etag or (
                "if-none-match" not in headers and headers.get("if-modified-since") == modified
            ):
                self.not_modified[path] += 1
                return Route(304, b"", headers=(("ETag", etag),))
            kind = "application/atom+xml" if feed.kind == "atom" else "application/rss+xml"
            return Route(
                body=body,
                content_type=kind,
                headers=(("ETag", etag), ("Last-Modified", modified)),
            )


def _handler(site: MockSite) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = urlsplit(self.path).path
            if urlsplit(self.path).query:
                path += "?" + urlsplit(self.path).query
            headers = {k.lower(): v for k, v in self.headers.items()}
            route = site.respond(path, headers)
            if route.on_request is not None:
                route.on_request()
            if route.hang:
                site._release.wait(60)
                return
            self.send_response(route.status)
            if route.status != 304:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            # The crawler may hang up on a large body, as it should.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler
