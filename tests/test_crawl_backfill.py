"""`scrapy crawl backfill` run for real: URL lists, sitemap indexes, date bounds, -O export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from crawlkit import scrapy, write_config
from mocksite import MockSite, Route
from mocksite.newsroom import PATHS
from mocksite.pages import article_page, story

from crawler.exporters import EXPORT_FIELDS
from store import Store

ARCHIVE = {
    # path: (published, which sitemap lists it)
    "/archive/winter-storm": ("2024-12-20", "/sitemaps/2024.xml"),
    "/archive/new-year-parade": ("2025-01-15", "/sitemaps/2025.xml"),
    "/archive/transit-vote": ("2025-02-20", "/sitemaps/2025.xml"),
    "/archive/spring-cleanup": ("2025-03-05", "/sitemaps/2025.xml"),
    "/archive/courthouse-fire": ("2025-02-10", "/sitemaps/news.xml"),
}


def xml(body: str) -> Route:
    return Route(body=body.encode(), content_type="application/xml")


def add_archive(site: MockSite) -> None:
    for path, (day, _sitemap) in ARCHIVE.items():
        topic = path.rsplit("/", 1)[1].replace("-", " ")
        site.add_page(
            path,
            article_page(
                topic.title(),
                story(topic),
                purpose="archive page listed in a sitemap",
                canonical=site.url(path),
                published=f"{day}T10:00:00+00:00",
            ),
        )
    site.add(
        "/sitemap_index.xml",
        xml(
            '<?xml version="1.0"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/sitemaps/2024.xml')}</loc>"
            "<lastmod>2024-12-31</lastmod></sitemap>"
            f"<sitemap><loc>{site.url('/sitemaps/2025.xml')}</loc>"
            "<lastmod>2025-03-05T12:00:00Z</lastmod></sitemap>"
            f"<sitemap><loc>{site.url('/sitemaps/news.xml')}</loc></sitemap>"
            "</sitemapindex>"
        ),
    )
    for sitemap in ("/sitemaps/2024.xml", "/sitemaps/2025.xml"):
        urls = "".join(
            f"<url><loc>{site.url(p)}</loc><lastmod>{d}</lastmod></url>"
            for p, (d, s) in ARCHIVE.items()
            if s == sitemap
        )
        site.add(
            sitemap,
            xml(
                '<?xml version="1.0"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            ),
        )
    site.add(
        "/sitemaps/news.xml",
        xml(
            '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"<url><loc>{site.url('/archive/courthouse-fire')}</loc><news:news>"
            "<news:publication><news:name>Ledger</news:name><news:language>en</news:language>"
            "</news:publication><news:publication_date>2025-02-10T08:00:00-06:00"
            "</news:publication_date><news:title>Courthouse fire</news:title></news:news></url>"
            "</urlset>"
        ),
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_url_list_is_crawled_exported_and_not_refetched_on_a_rerun(newsroom, tmp_path):
    site = newsroom
    config = write_config(tmp_path, [])
    listing = tmp_path / "list.txt"
    listing.write_text(
        "# Riverton Ledger articles to backfill\n\n"
        + "\n".join(site.url(PATHS[k]) for k in ("budget", "latin1", "shooting", "missing", "pdf"))
        + "\n"
        + site.url(PATHS["budget"] + "?utm_source=newsletter")
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "articles.jsonl"
    args = ("crawl", "backfill", "-a", f"urls={listing}", "-a", "outlet=Riverton Ledger")
    result = scrapy(*args, "-O", str(out), config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["url"].removeprefix(site.base): row for row in read_jsonl(out)}
    assert set(rows) == {PATHS["budget"], PATHS["latin1"], PATHS["shooting"]}
    for row in rows.values():
        assert list(row) == EXPORT_FIELDS
        assert row["outlet"] == "Riverton Ledger"
        assert isinstance(row["verdict"], dict) and "ois" in row["verdict"]
    budget = rows[PATHS["budget"]]
    assert budget["published"] == "2025-02-27T09:15:00+00:00"
    assert budget["canonical_url"] == site.url(PATHS["budget"])
    assert rows[PATHS["shooting"]]["verdict"]["ois"] is True
    assert rows[PATHS["latin1"]]["title"] == "La junta escolar honra a la Señora Muñoz"
    assert site.requests_for(PATHS["budget"]) == 1

    again = tmp_path / "again.jsonl"
    rerun = scrapy(*args, "-O", str(again), config=config)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert site.requests_for(PATHS["budget"]) == 1  # read back from the store, not refetched
    assert sorted(r["url"] for r in read_jsonl(again)) == sorted(r["url"] for r in rows.values())
    assert read_jsonl(again)[0]["verdict"] is not None


def test_sitemap_index_is_followed_within_since_and_until(newsroom, tmp_path):
    site = newsroom
    add_archive(site)
    config = write_config(tmp_path, [])
    out = tmp_path / "archive.jsonl"
    result = scrapy(
        "crawl",
        "backfill",
        "-a",
        f"sitemap={site.url('/sitemap_index.xml')}",
        "-a",
        "since=2025-01-01",
        "-a",
        "until=2025-02-28",
        "-s",
        "OISWATCH_PROGRESS_INTERVAL=0.1",
        "-O",
        str(out),
        config=config,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"progress: \d+/\d+ articles done, [\d.]+ per minute", result.stderr)
    exported = {r["url"].removeprefix(site.base) for r in read_jsonl(out)}
    assert exported == {
        "/archive/new-year-parade",
        "/archive/transit-vote",
        "/archive/courthouse-fire",
    }
    # The 2024 sitemap was last changed before `since`: not even requested.
    assert site.requests_for("/sitemaps/2024.xml") == 0
    assert site.requests_for("/archive/spring-cleanup") == 0
    assert {r["outlet"] for r in read_jsonl(out)} == {"127.0.0.1"}  # no -a outlet: the host


def test_extracted_dates_bound_a_url_list(newsroom, tmp_path):
    site = newsroom
    listing = tmp_path / "list.txt"
    listing.write_text(f"{site.url(PATHS['budget'])}\n{site.url(PATHS['latin1'])}\n")
    out = tmp_path / "out.jsonl"
    result = scrapy(
        "crawl",
        "backfill",
        "-a",
        f"urls={listing}",
        "-a",
        "since=2025-02-26",
        "-O",
        str(out),
        config=write_config(tmp_path, []),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # The latin-1 story ran on 2025-02-25, before `since`.
    assert [r["url"] for r in read_jsonl(out)] == [site.url(PATHS["budget"])]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["-a", "since=2025-13-40", "-a", "urls=list.txt"], "-a since"),
        (["-a", "until=yesterday", "-a", "urls=list.txt"], "-a until"),
        ([], "-a urls"),
        (["-a", "urls=missing.txt"], "-a urls"),
        (["-a", "sitemap=ftp://example/sitemap.xml"], "-a sitemap"),
        (["-a", "urls=list.txt", "-a", "alert=perhaps"], "-a alert"),
        (["-a", "urls=list.txt", "-a", "sincee=2025-01-01"], "-a sincee"),
    ],
)
def test_bad_arguments_give_an_error_naming_the_argument(tmp_path, arguments, named):
    (tmp_path / "list.txt").write_text("http://127.0.0.1:9/a\n")
    result = scrapy(
        "crawl",
        "backfill",
        *[
            a.replace("list.txt", str(tmp_path / "list.txt")).replace(
                "missing.txt", str(tmp_path / "missing.txt")
            )
            for a in arguments
        ],
        config=write_config(tmp_path, []),
    )
    assert result.returncode != 0
    assert named in result.stderr


@pytest.mark.parametrize("padding", [0, 100_000], ids=["short page", "long page"])
def test_a_meta_refresh_page_leads_to_the_article(tmp_path, padding):
    site = MockSite()
    target = "/news/moved-story"
    site.add_page(target, article_page("Moved story", story("moved"), purpose="refresh target"))
    filler = "<!-- " + "x" * padding + " -->" if padding else ""
    site.add_page(
        "/old-link",
        f'<html><head><meta http-equiv="refresh" content="0; url={target}">'
        f"<title>Moved</title></head><body>{filler}<p>This story has moved.</p></body></html>",
    )
    # A long page without a refresh must reach the extraction whole, not just its start.
    long_text = story("long read") * 40 + ["The last line of the long read."]
    site.add_page("/long-read", article_page("Long read", long_text, purpose="over 16 KB"))
    site.start()
    try:
        urls = tmp_path / "urls.txt"
        urls.write_text(site.url("/old-link") + "\n" + site.url("/long-read") + "\n")
        out = tmp_path / "articles.jsonl"
        config = write_config(tmp_path, [], workers=0)
        result = scrapy("crawl", "backfill", "-a", f"urls={urls}", "-O", str(out), config=config)
        assert result.returncode == 0, result.stderr[-3000:]
        assert site.hits[target] == 1
        rows = {json.loads(line)["title"] for line in out.read_text().splitlines()}
        assert rows == {"Moved story", "Long read"}
        store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
        stored = store.stored_article(site.url("/long-read"))
        store.close()
        assert len(site.routes["/long-read"].body) > 20_000
        assert stored is not None and stored.text.endswith("The last line of the long read.")
    finally:
        site.stop()
