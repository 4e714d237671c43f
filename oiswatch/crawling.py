"""Crawls of the feeds spider on the running reactor, which the daemon can stop.

Scrapy's AsyncCrawlerRunner runs one crawl per call inside the process's one asyncio
reactor, and keeping the runner lets a shutdown ask a running crawl to close (in-flight
requests are dropped; everything already stored stays stored).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from config import Config

if TYPE_CHECKING:
    from crawler.runner import CrawlStats

log = logging.getLogger("oiswatch.crawl")


class FeedCrawls:
    """Callable ``await crawls(config) -> stats dict``; ``await crawls.stop()`` at shutdown."""

    def __init__(self) -> None:
        self._runners: set[Any] = set()

    async def __call__(self, config: Config) -> CrawlStats:
        from scrapy.crawler import AsyncCrawlerRunner

        from crawler.runner import CrawlStats, crawl_settings_for

        runner = AsyncCrawlerRunner(crawl_settings_for(config))
        # By spider name: a Crawler made beforehand would get the project's settings merged
        # over the ones our configuration set.
        task = runner.crawl("feeds")
        (crawler,) = runner.crawlers
        self._runners.add(runner)
        try:
            await task
        finally:
            self._runners.discard(runner)
        return CrawlStats.from_stats(crawler.stats.get_stats() if crawler.stats else {})

    async def stop(self) -> None:
        for runner in list(self._runners):
            log.info("stopping the crawl in progress")
            await runner.stop()
