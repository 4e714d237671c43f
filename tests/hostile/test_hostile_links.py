"""Links that lead the crawler into the machine it runs on (server-side request forgery).

The fixture sites all run on 127.0.0.1. The outlet's site is a configured feed URL, so its
host and port are allowed; the "internal" site listens on another port, as an admin page or
a database would, and no configured URL names it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hostilekit import add_story, crawl_feeds, write_config
from mocksite import FeedItem, MockSite, Route

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def sites():
    outlet, internal = MockSite().start(), MockSite().start()
    yield outlet, internal
    outlet.stop()
    internal.stop()


def publish_attacks(outlet: MockSite, internal: MockSite) -> dict[str, str]:
    """Feed entries leading to the internal site three ways; returns name -> link."""
    add_story(internal, "/admin", "Internal admin page with the database password")
    add_story(internal, "/admin2", "Another internal page behind a redirect hop")
    add_story(internal, "/admin3", "An internal page reached by a host name")
    port = internal.base.rsplit(":", 1)[1]
    outlet.add("/go", Route(status=302, headers=(("Location", internal.url("/admin2")),)))
    links = {
        "direct": internal.url("/admin"),
        "redirect": outlet.url("/go"),
        "by-name": f"http://localhost:{port}/admin3",
        "story": add_story(outlet, "/news/fair", "County fair opens with a record crowd"),
    }
    outlet.add_feed("/news.rss", "rss", "Outlet")
    for name, link in links.items():
        outlet.add_entry("/news.rss", FeedItem(name, link, name, DAY))
    return links


def test_links_and_redirects_to_other_local_ports_are_refused_and_recorded(tmp_path, sites):
    outlet, internal = sites
    links = publish_attacks(outlet, internal)
    config = write_config(tmp_path, [("news", outlet.url("/news.rss"), "Outlet")])
    crawl = crawl_feeds(config)
    assert crawl.result.returncode == 0, crawl.log[-3000:]
    assert sum(internal.hits.values()) == 0, dict(internal.hits)
    assert crawl.articles[links["story"]]["fetch_status"] == "ok"
    for name in ("direct", "redirect", "by-name"):
        row = crawl.articles[links[name]]
        assert row["fetch_status"] == "skipped", (name, row["fetch_error"])
        assert "127.0.0.1, a loopback address" in row["fetch_error"], name
        assert "allow_private_addresses" in row["fetch_error"], name


def test_allow_private_addresses_lets_the_crawl_reach_them(tmp_path, sites):
    outlet, internal = sites
    links = publish_attacks(outlet, internal)
    config = write_config(
        tmp_path,
        [("news", outlet.url("/news.rss"), "Outlet")],
        crawl_extra="allow_private_addresses = true",
    )
    crawl = crawl_feeds(config)
    for name in ("direct", "redirect", "by-name"):
        assert crawl.articles[links[name]]["fetch_status"] == "ok", name
