"""Running a crawl from Python: the settings a service's crawl gets, and what it did.

The crawls themselves run on the service's reactor (``oiswatch.crawling``, for ``run``,
``poll`` and ``demo``; ``oiswatch worker`` for the cluster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from scrapy.settings import Settings

from config import Config
from crawler.addon import CONFIG_OBJECT_SETTING, EMBEDDED_SETTING, ConfigAddon
from crawler.spiders.base import OUTCOME_PREFIX


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
    store_failures: int = 0  # writes the store refused (locked, full): their feeds failed

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
            store_failures=n("oiswatch/store_failures"),
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
