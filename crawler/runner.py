"""Running the feeds crawl from Python: once (``oiswatch poll``) or repeatedly (the daemon).

``crawl_feeds`` runs inside an already-running asyncio reactor, so one process can poll
again and again; ``run_feeds_once`` installs that reactor itself and runs one crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from scrapy.crawler import AsyncCrawlerProcess, AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings

from config import Config
from crawler.addon import CONFIG_OBJECT_SETTING, EMBEDDED_SETTING, ConfigAddon
from crawler.spiders.base import OUTCOME_PREFIX
from crawler.spiders.feeds import FeedsSpider


@dataclass(frozen=True)
class CrawlStats:
    """What one feeds crawl did."""

    feeds_fetched: int
    feeds_not_modified: int
    feeds_failed: int
    new_articles: int
    articles_duplicate: int
    articles_skipped: int
    articles_failed: int
    flagged: int
    finish_reason: str | None

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> Self:
        def n(key: str) -> int:
            return int(stats.get(key, 0))

        return cls(
            feeds_fetched=n("oiswatch/feeds/fetched"),
            feeds_not_modified=n("oiswatch/feeds/not_modified"),
            feeds_failed=n("oiswatch/feeds/failed"),
            new_articles=n(OUTCOME_PREFIX + "new"),
            articles_duplicate=n(OUTCOME_PREFIX + "duplicate"),
            articles_skipped=n(OUTCOME_PREFIX + "skipped"),
            articles_failed=n(OUTCOME_PREFIX + "failed"),
            flagged=n("oiswatch/flagged"),
            finish_reason=stats.get("finish_reason"),
        )


def crawl_settings_for(config: Config, overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings, the configuration through the add-on, the caller's overrides.

    The add-on runs here as well as in each crawler, so the process-wide parts a
    CrawlerProcess sets up before any crawler exists (the root log handler) see the
    configuration too; the crawler's run sets the same values again.
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set(CONFIG_OBJECT_SETTING, config, priority="project")
    settings.set(EMBEDDED_SETTING, True, priority="project")
    ConfigAddon().update_settings(settings)
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def _stats(crawler: Crawler) -> CrawlStats:
    assert crawler.stats is not None
    return CrawlStats.from_stats(crawler.stats.get_stats())


async def crawl_feeds(
    config: Config, *, settings_overrides: dict[str, Any] | None = None
) -> CrawlStats:
    """One poll of every enabled feed, in the running asyncio reactor."""
    runner = AsyncCrawlerRunner(crawl_settings_for(config, settings_overrides))
    crawler = runner.create_crawler(FeedsSpider)
    await runner.crawl(crawler)
    return _stats(crawler)


def run_feeds_once(
    config: Config, *, settings_overrides: dict[str, Any] | None = None
) -> CrawlStats:
    """Install the asyncio reactor, poll every feed once, and return what happened."""
    process = AsyncCrawlerProcess(crawl_settings_for(config, settings_overrides))
    crawler = process.create_crawler(FeedsSpider)
    process.crawl(crawler)
    process.start()
    return _stats(crawler)
