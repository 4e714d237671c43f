"""Hostile and unlucky feeds: see README.md in this folder for the table of attacks."""

from __future__ import annotations

from datetime import UTC, datetime

from hostilekit import add_story, crawl_feeds, write_config
from mocksite import FeedItem, MockSite

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_two_outlets_numbering_their_items_alike_both_get_fetched(tmp_path):
    """Two CMS exports both call their item `12345` (isPermaLink="false")."""
    site = MockSite().start()
    try:
        site.add_feed("/a.rss", "rss", "Outlet A")
        site.add_feed("/b.rss", "rss", "Outlet B")
        first = add_story(site, "/a/council-vote", "Council votes on the new library")
        second = add_story(site, "/b/river-flood", "River floods the east side fields")
        config = write_config(
            tmp_path,
            [("a", site.url("/a.rss"), "Outlet A"), ("b", site.url("/b.rss"), "Outlet B")],
            workers=0,
        )
        site.add_entry("/a.rss", FeedItem("Council vote", "/a/council-vote", "12345", DAY))
        crawl = crawl_feeds(config)
        assert crawl.articles[first]["fetch_status"] == "ok", crawl.log[-3000:]

        site.add_entry("/b.rss", FeedItem("River flood", "/b/river-flood", "12345", DAY))
        crawl = crawl_feeds(config)
        assert site.requests_for("/b/river-flood") == 1
        assert crawl.articles[second]["fetch_status"] == "ok"
        assert crawl.articles[second]["outlet"] == "Outlet B"
    finally:
        site.stop()
