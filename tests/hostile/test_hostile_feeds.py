"""Hostile and unlucky feeds: see README.md in this folder for the table of attacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hostilekit import add_story, crawl_feeds, write_config
from mocksite import FeedItem, MockSite, Route

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


def entity_feed(prolog: str, site: MockSite, link: str) -> bytes:
    """An RSS feed whose title references `&big;` a thousand times, after `prolog`."""
    return (
        f'<?xml version="1.0"?>\n{prolog}\n<rss version="2.0"><channel><title>'
        + "&big;" * 1000
        + f"</title><item><title>Kept</title><link>{site.url(link)}</link>"
        + '<guid isPermaLink="false">k-1</guid></item></channel></rss>'
    ).encode()


BIG = "x" * 1000
ENTITY_ATTACKS = {
    # A decoy the old text check took for the start of the DOCTYPE, and a decoy end.
    "decoy-comment": f'<!-- <!DOCTYPE x ]> --><!DOCTYPE rss [<!ENTITY big "{BIG}">]>',
    "decoy-pi": f'<?note <!DOCTYPE ]>?><!DOCTYPE rss [<!ENTITY big "{BIG}">]>',
    "laughs": '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY big "&a;&a;&a;&a;&a;&a;">]>',
}


def test_a_feed_declaring_entities_fails_with_that_reason_and_the_others_are_read(tmp_path):
    site = MockSite().start()
    try:
        feeds = []
        for name, prolog in ENTITY_ATTACKS.items():
            path = f"/{name}.rss"
            body = entity_feed(prolog, site, f"/{name}/story")
            site.add(path, Route(body=body, content_type="application/rss+xml"))
            feeds.append((name, site.url(path), "Hostile"))
        site.add_feed("/news.rss", "rss", "Outlet")
        story = add_story(site, "/news/bridge", "Bridge reopens after repairs on Elm Street")
        site.add_entry("/news.rss", FeedItem("Bridge", "/news/bridge", "n-1", DAY))
        config = write_config(tmp_path, [*feeds, ("news", site.url("/news.rss"), "Outlet")])
        crawl = crawl_feeds(config)
        assert crawl.result.returncode == 0, crawl.log[-3000:]
        assert crawl.articles[story]["fetch_status"] == "ok"
        for name in ENTITY_ATTACKS:
            row = crawl.feeds[name]
            assert row["consecutive_failures"] == 1, (name, row)
            assert "declares the XML entity" in row["last_error"], (name, row["last_error"])
            assert site.requests_for(f"/{name}/story") == 0, name
        assert "declares the XML entity 'big'" in crawl.log
    finally:
        site.stop()


def test_a_feed_that_asks_for_rest_is_not_polled_before_its_retry_after(tmp_path):
    site = MockSite().start()
    try:
        soon = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
        site.add("/busy.rss", Route(429, b"slow down", headers=(("Retry-After", "3600"),)))
        site.add("/down.rss", Route(503, b"maintenance", headers=(("Retry-After", soon),)))
        site.add("/flaky.rss", Route(503, b"oops"))  # no Retry-After: polled as usual
        names = ("busy", "down", "flaky")
        config = write_config(tmp_path, [(n, site.url(f"/{n}.rss"), "Outlet") for n in names])
        first = crawl_feeds(config)
        assert "Retry-After" in first.feeds["busy"]["last_error"]
        assert first.feeds["busy"]["last_status"] == "429"
        second = crawl_feeds(config)
        assert site.requests_for("/busy.rss") == 1
        assert site.requests_for("/down.rss") == 1
        assert site.requests_for("/flaky.rss") == 2
        assert "busy: not polled before" in second.log
    finally:
        site.stop()
