"""Crawl extensions: a summary line per crawl, progress lines during long ones, and the
delivery of the alerts a backfill asked for."""

from __future__ import annotations

import logging
import time
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.addon import crawl_context
from crawler.spiders.base import OUTCOME_PREFIX

logger = logging.getLogger(__name__)


def articles_done(stats: dict[str, Any]) -> int:
    """Articles the crawl has finished with, whatever the outcome."""
    return sum(v for k, v in stats.items() if k.startswith(OUTCOME_PREFIX))


def summary_line(stats: dict[str, Any]) -> str:
    def n(key: str) -> int:
        return int(stats.get(key, 0))

    a = OUTCOME_PREFIX
    return (
        f"feeds fetched {n('oiswatch/feeds/fetched')}, "
        f"not modified {n('oiswatch/feeds/not_modified')}, failed {n('oiswatch/feeds/failed')}; "
        f"articles new {n(a + 'new')}, duplicate {n(a + 'duplicate')}, "
        f"skipped {n(a + 'skipped')}, failed {n(a + 'failed')}, flagged {n('oiswatch/flagged')}"
        + (f"; store writes failed {failed}" if (failed := n("oiswatch/store_failures")) else "")
    )


class CrawlSummary:
    """Logs what one crawl did, in the words an operator uses."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        logger.info("crawl summary (%s, %s): %s", spider.name, reason, summary_line(stats))


class Progress:
    """Every OISWATCH_PROGRESS_INTERVAL seconds: articles done / known so far, and the rate.

    A spider that knows how many articles it will fetch sets ``progress_total``.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("OISWATCH_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured("OISWATCH_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log, spider)
        self.loop.start(self.interval, now=False)

    def log(self, spider: Any) -> None:
        assert self.crawler.stats is not None
        done = articles_done(self.crawler.stats.get_stats())
        total = getattr(spider, "progress_total", None)
        minutes = max(time.monotonic() - self.started, 1e-9) / 60
        of = f"/{total}" if total else ""
        logger.info("progress: %d%s articles done, %.1f per minute", done, of, done / minutes)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()


class DeliverAlerts:
    """At the end of a crawl whose spider asks for it (``deliver_alerts``: a backfill run with
    ``-a alert=yes``), send the alerts that are due rather than wait for the daemon's next
    dispatch (there may be no daemon). Claims are atomic, so a daemon delivering the same
    rows at the same time sends none of them twice."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any) -> None:
        if not getattr(spider, "deliver_alerts", False):
            return
        from alerts import dispatch_due
        from store import Store

        config = crawl_context(self.crawler).config
        store = Store(config.storage.url)
        try:
            stats = dispatch_due(store, config)
        finally:
            store.close()
        logger.info(
            "alerts after the %s: %d sent, %d to retry, %d dead",
            spider.name,
            stats.sent,
            stats.failed,
            stats.dead,
        )
