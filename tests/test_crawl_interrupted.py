"""A `scrapy crawl feeds` killed mid-crawl (cron's timeout, an OOM kill) loses nothing: the
next run reads the feed in full, not a 304, and fetches the article it never got."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from crawlkit import REPO, scrapy, write_config
from mocksite import FeedItem, MockSite
from mocksite.newsroom import DAY
from mocksite.pages import article_page, story
from mocksite.server import Route
from sqlalchemy import select

from store import Store
from store.schema import articles

FEED = "/feeds/news.rss"
QUICK = "/news/quick"
STUCK = "/news/stuck"  # hangs on the first run: the crawl is killed while waiting for it


def watch(site: MockSite, path: str) -> threading.Event:
    """An event set when the site gets a request for `path`."""
    seen = threading.Event()
    original = site.respond

    def respond(requested: str, headers: dict[str, str]) -> Route:
        if requested == path:
            seen.set()
        return original(requested, headers)

    site.respond = respond  # type: ignore[method-assign]
    return seen


def until(condition, timeout: float = 30) -> bool:
    """Whether `condition()` came true within `timeout` seconds (checked every 50 ms)."""
    tick = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        tick.wait(0.05)
    return condition()


def stored(tmp_path) -> dict[str, str]:
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    with store.engine.connect() as conn:
        rows = conn.execute(select(articles.c.url, articles.c.fetch_status)).all()
    store.close()
    return {url.rsplit("/", 1)[-1]: status for url, status in rows}


def test_a_killed_crawl_is_completed_by_the_next_run(tmp_path):
    site = MockSite()
    site.add_page(QUICK, article_page("Quick story", story("parade"), purpose="fetched at once"))
    site.add(STUCK, Route(hang=True))
    site.add_feed(FEED, "rss", "Ledger")
    site.add_entry(FEED, FeedItem("Stuck story", STUCK, "g-2", DAY))
    site.add_entry(FEED, FeedItem("Quick story", QUICK, "g-1", DAY))
    site.start()
    try:
        # Inline extraction: no worker processes outlive the killed crawl.
        config = write_config(tmp_path, [("rss", site.url(FEED), "Ledger")], workers=0)
        env = {**os.environ, "PYTHONPATH": str(REPO), "OISWATCH_CONFIG": str(config)}
        command = [sys.executable, "-m", "scrapy", "crawl", "feeds"]
        command += ["-s", "DOWNLOAD_TIMEOUT=60"]
        stuck_requested = watch(site, STUCK)
        crawl = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert stuck_requested.wait(30), "the crawl never asked for the stuck page"
            assert until(lambda: stored(tmp_path).get("quick") == "ok")
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
        assert stored(tmp_path).get("stuck") is None

        site.add_page(STUCK, article_page("Stuck story", story("bridge"), purpose="now answers"))
        again = scrapy("crawl", "feeds", config=config)
        assert again.returncode == 0, again.stderr[-3000:]
        assert site.not_modified[FEED] == 0  # read in full, not "not modified"
        assert stored(tmp_path) == {"quick": "ok", "stuck": "ok"}
        assert site.hits[QUICK] == 1  # what the killed crawl stored is not fetched again

        # Finished, that run kept the validators: the next poll is a 304.
        third = scrapy("crawl", "feeds", config=config)
        assert third.returncode == 0, third.stderr[-3000:]
        assert site.not_modified[FEED] == 1
    finally:
        site.stop()
