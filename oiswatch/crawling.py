"""Crawls of the feeds spider on the running reactor, which the daemon can stop.

Scrapy's AsyncCrawlerRunner runs one crawl per call inside the process's one asyncio
reactor; keeping the runner lets a shutdown ask every running crawl to close (in-flight
requests are dropped, everything already stored stays stored).
"""

from __future__ import annotations

import logging
from typing import Any

from config import Config

log = logging.getLogger("oiswatch.crawl")


def _settings(config: Config) -> Any:
    from scrapy.utils.project import get_project_settings

    from crawler.configure import CONFIG_OBJECT_SETTING

    settings = get_project_settings()
    settings.set(CONFIG_OBJECT_SETTING, config, priority="cmdline")
    # The service logs through its own handlers; Scrapy must not install a second root one.
    settings.set("LOG_ENABLED", False, priority="cmdline")
    return settings


class FeedCrawls:
    """Callable ``await crawls(config) -> stats dict``; ``await crawls.stop()`` at shutdown."""

    def __init__(self) -> None:
        self._runners: set[Any] = set()

    async def __call__(self, config: Config) -> dict[str, Any]:
        from scrapy.crawler import AsyncCrawlerRunner

        runner = AsyncCrawlerRunner(_settings(config))
        # By spider name: a Crawler made beforehand would get the project's settings merged
        # over the ones our configuration set.
        task = runner.crawl("feeds")
        (crawler,) = runner.crawlers
        self._runners.add(runner)
        try:
            await task
        finally:
            self._runners.discard(runner)
        return dict(crawler.stats.get_stats()) if crawler.stats else {}

    async def stop(self) -> None:
        for runner in list(self._runners):
            log.info("stopping the crawl in progress")
            await runner.stop()
