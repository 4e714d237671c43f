"""The demo's sample news site: pages and RSS rendered from ``articles.toml``, served locally.

Rendering is pure (``render_site`` gives path -> bytes); ``SampleSite`` only serves the
result on 127.0.0.1 from a background thread, so the demo needs no network and no files
beyond the package.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "articles.toml"


@dataclass(frozen=True)
class SampleArticle:
    slug: str
    outlet: str
    title: str
    author: str
    hours_ago: float
    body: tuple[str, ...]
    expect: str
    canonical_of: str | None = None


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str


def load_articles(path: Path = ARTICLES) -> tuple[tuple[Outlet, ...], tuple[SampleArticle, ...]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    outlets = tuple(Outlet(**o) for o in data["outlets"])
    articles = tuple(SampleArticle(**{**a, "body": tuple(a["body"])}) for a in data["articles"])
    return outlets, articles


def article_path(article: SampleArticle) -> str:
    return f"/{article.outlet}/news/{article.slug}.html"


def feed_path(outlet: Outlet) -> str:
    return f"/{outlet.slug}/feed.xml"


def render_article(base: str, article: SampleArticle, outlet: Outlet, now: datetime) -> str:
    published = now - timedelta(hours=article.hours_ago)
    stamp = published.isoformat(timespec="seconds")
    original = article.canonical_of or article.slug
    canonical = f"{base}/ledger/news/{original}.html" if article.canonical_of else None
    canonical = canonical or f"{base}{article_path(article)}"
    paragraphs = "\n".join(f"      <p>{escape(p)}</p>" for p in article.body)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(article.title)} | {escape(outlet.name)}</title>
  <link rel="canonical" href="{escape(canonical)}">
  <meta property="og:title" content="{escape(article.title)}">
  <meta property="og:site_name" content="{escape(outlet.name)}">
  <meta property="article:published_time" content="{stamp}">
  <meta name="author" content="{escape(article.author)}">
</head>
<body>
  <header><a href="/{outlet.slug}/">{escape(outlet.name)}</a>
    <nav><a href="/{outlet.slug}/news/">News</a> <a href="/{outlet.slug}/sports/">Sports</a></nav>
  </header>
  <main>
    <article>
      <h1>{escape(article.title)}</h1>
      <p class="byline">By {escape(article.author)} ·
        <time datetime="{stamp}">{published:%B %d, %Y %I:%M %p} UTC</time></p>
{paragraphs}
    </article>
  </main>
  <footer>© {escape(outlet.name)}. A fictional outlet in the oiswatch demo.</footer>
</body>
</html>
"""


def render_feed(
    base: str, outlet: Outlet, articles: tuple[SampleArticle, ...], now: datetime
) -> str:
    items = []
    for a in sorted(articles, key=lambda a: a.hours_ago):
        if a.outlet != outlet.slug:
            continue
        url = f"{base}{article_path(a)}"
        pub = format_datetime(now - timedelta(hours=a.hours_ago))
        summary = escape(a.body[0][:200])
        items.append(
            f"    <item>\n      <title>{escape(a.title)}</title>\n      <link>{url}</link>\n"
            f'      <guid isPermaLink="true">{url}</guid>\n      <pubDate>{pub}</pubDate>\n'
            f"      <description>{summary}</description>\n    </item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n  <channel>\n'
        f"    <title>{escape(outlet.name)}</title>\n    <link>{base}/{outlet.slug}/</link>\n"
        f"    <description>Local news (oiswatch demo)</description>\n"
        + "\n".join(items)
        + "\n  </channel>\n</rss>\n"
    )


def render_site(base: str, now: datetime, path: Path = ARTICLES) -> dict[str, tuple[str, bytes]]:
    """Every page of the site: URL path -> (content type, body)."""
    outlets, articles = load_articles(path)
    by_slug = {o.slug: o for o in outlets}
    pages: dict[str, tuple[str, bytes]] = {
        "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
    }
    for o in outlets:
        pages[feed_path(o)] = (
            "application/rss+xml",
            render_feed(base, o, articles, now).encode(),
        )
    for a in articles:
        html = render_article(base, a, by_slug[a.outlet], now)
        pages[article_path(a)] = ("text/html; charset=utf-8", html.encode())
    return pages


class SampleSite:
    """The rendered site on 127.0.0.1 (an ephemeral port), until ``close``."""

    def __init__(self, now: datetime, path: Path = ARTICLES) -> None:
        pages: dict[str, tuple[str, bytes]] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                found = pages.get(self.path.split("?")[0])
                if found is None:
                    self.send_error(404)
                    return
                ctype, body = found
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass  # the demo's terminal shows the pipeline, not the access log

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages.update(render_site(self.base, now, path))
        self.outlets, self.articles = load_articles(path)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def feed_urls(self) -> dict[Outlet, str]:
        return {o: f"{self.base}{feed_path(o)}" for o in self.outlets}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
