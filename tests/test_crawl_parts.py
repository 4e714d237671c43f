"""The crawl's pure parts: feed entries, page sniffing, sitemaps, backfill arguments, export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

import alerts
from crawler.exceptions import BadArgument
from crawler.exporters import plain
from crawler.feeds import parse_feed
from crawler.pipelines import StorePipeline
from crawler.responses import PageKind, page_kind
from crawler.sitemaps import parse_sitemap
from crawler.spiders.backfill import parse_arguments
from records import Article, Category, Verdict
from store import Store

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Ledger</title>
<item><title>Tracked</title><link>https://News.Example.org/a?utm_source=rss&amp;id=7#top</link>
  <guid isPermaLink="false">g-1</guid><pubDate>Thu, 27 Feb 2025 09:15:00 -0600</pubDate></item>
<item><title>Relative</title><link>/news/b</link><guid isPermaLink="false">g-2</guid></item>
<item><title>No link</title><guid isPermaLink="false">g-3</guid></item>
<item><title>Via Bing</title>
  <link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=1&amp;url=https%3a%2f%2fwww.kshb.com%2fnews%2fstory-1&amp;c=1</link>
</item>
</channel></rss>"""


def test_feed_entries_come_out_clean_and_dated_in_utc() -> None:
    feed = parse_feed(
        RSS, url="https://news.example.org/feed.xml", headers={"Content-Type": "text/xml"}
    )
    tracked, relative, no_link, bing = feed.entries
    assert tracked.link == "https://news.example.org/a?id=7"
    assert tracked.entry_id == "g-1"
    assert tracked.published == datetime(2025, 2, 27, 15, 15, tzinfo=UTC)
    assert relative.link == "https://news.example.org/news/b" and relative.published is None
    assert no_link.link is None and no_link.title == "No link"
    assert bing.link == "https://www.kshb.com/news/story-1"
    assert not feed.bozo and feed.version == "rss20"


def test_a_malformed_feed_keeps_its_readable_entries() -> None:
    broken = RSS.replace(b"<title>Ledger</title>", b"<title>Ledger & Co</title>")
    feed = parse_feed(broken, url="https://news.example.org/feed.xml")
    assert feed.bozo and feed.bozo_error and feed.readable
    assert [e.title for e in feed.entries][:2] == ["Tracked", "Relative"]


@pytest.mark.parametrize(
    ("content_type", "body", "html", "kind"),
    [
        ("text/html; charset=utf-8", b"<!DOCTYPE html><html>", True, "text/html"),
        ("application/pdf", b"%PDF-1.7", False, "application/pdf"),
        ("text/html", b"%PDF-1.7 served as HTML", False, "application/pdf"),
        (None, b"\n  <html><body><p>Hi</p>", True, "text/html (sniffed)"),
        ("application/octet-stream", b"\x89PNG\r\n", False, "image/png"),
        ("application/json", b'{"a": 1}', False, "application/json"),
    ],
)
def test_only_html_is_extracted(content_type, body, html, kind) -> None:
    assert page_kind(content_type, body) == PageKind(html, kind)


def test_sitemaps_index_urlset_news_and_garbage() -> None:
    index = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.org/s1.xml</loc><lastmod>2025-01-02</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    assert index.kind == "sitemapindex"
    assert index.entries[0].date == datetime(2025, 1, 2, tzinfo=UTC)
    news = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>https://x.org/a</loc><lastmod>2025-03-01</lastmod><news:news>"
        b"<news:publication_date>2025-02-10T08:00:00-06:00</news:publication_date>"
        b"</news:news></url><url><loc>javascript:alert(1)</loc></url></urlset>"
    )
    assert news.kind == "urlset"
    assert [(e.loc, e.date) for e in news.entries] == [
        ("https://x.org/a", datetime(2025, 2, 10, 14, 0, tzinfo=UTC))
    ]
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>").kind is None
    assert parse_sitemap(b"\x00\xff").kind is None


def test_a_placeholder_date_costs_only_its_date_not_the_sitemap() -> None:
    # Year 1 east of UTC falls before datetime.min once converted to UTC.
    sitemap = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.org/a</loc><lastmod>0001-01-01T00:00:00+01:00</lastmod></url>"
        b"<url><loc>https://x.org/b</loc><lastmod>2025-03-01</lastmod></url></urlset>"
    )
    assert [(e.loc, e.date) for e in sitemap.entries] == [
        ("https://x.org/a", None),
        ("https://x.org/b", datetime(2025, 3, 1, tzinfo=UTC)),
    ]


def test_backfill_arguments(tmp_path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# archive\n\nhttps://x.org/a?fbclid=1\nhttps://x.org/a\nhttps://x.org/b\n")
    args = parse_arguments(urls=str(listing), since="2025-01-01", alert="yes")
    assert args.urls == ("https://x.org/a", "https://x.org/b")
    assert args.since == date(2025, 1, 1) and args.until is None and args.alert is True
    assert parse_arguments(sitemap="https://x.org/sitemap.xml").alert is False
    with pytest.raises(BadArgument, match="-a until: 2024-01-01 is before since"):
        parse_arguments(urls=str(listing), since="2025-01-01", until="2024-01-01")
    listing.write_text("https://x.org/a\nnot a url\n")
    with pytest.raises(BadArgument, match="line 2"):
        parse_arguments(urls=str(listing))
    # PostgreSQL refuses an outlet longer than its column, so every article would fail.
    with pytest.raises(BadArgument, match="-a outlet: longer than 200 characters"):
        parse_arguments(sitemap="https://x.org/sitemap.xml", outlet="x" * 201)
    assert parse_arguments(sitemap="https://x.org/s.xml", outlet="x" * 200).outlet == "x" * 200


def test_export_values_are_json_ready() -> None:
    verdict = Verdict(ois=True, category=Category.OIS, score=0.87654, evidence=(), reason="why")
    assert plain(datetime(2025, 2, 27, 9, 15, tzinfo=UTC)) == "2025-02-27T09:15:00+00:00"
    exported = plain(verdict)
    assert (exported["ois"], exported["category"], exported["score"]) == (True, "ois", 0.877)
    assert exported["evidence"] == [] and exported["location"] is None
    assert plain("text") == "text"


def test_an_article_and_its_alerts_are_stored_together_or_not_at_all(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    crawler = SimpleNamespace(spider=SimpleNamespace(store=store), stats=None)
    pipeline = StorePipeline(crawler, config=None)  # type: ignore[arg-type]
    article = Article(
        url="https://x.org/a",
        canonical_url="https://x.org/a",
        title="A",
        outlet="X",
        published=None,
        text="Body",
        feed="f",
    )

    def crash(*_args, **_kwargs):
        raise RuntimeError("alerts table is locked")

    monkeypatch.setattr(alerts, "enqueue", crash)
    with pytest.raises(RuntimeError):
        pipeline.process_item(article)
    assert store.article_counts() == {}  # nothing half-written: the next poll fetches it again
    assert store.needs_fetch("https://x.org/a", None, 3, feed=None)
    store.close()
