"""The one way the oiswatch configuration reaches Scrapy: a Scrapy add-on.

``crawler/settings.py`` enables it. When a crawler starts, ``ConfigAddon`` takes the
configuration (the ``Config`` a service hands over in memory, else the file named by
``-s OISWATCH_CONFIG`` or ``$OISWATCH_CONFIG``, else the bundled one), sets the Scrapy
settings its [crawl], [logging] and [cluster] keys stand for, and leaves a typed
``CrawlContext`` for the spiders, pipelines and extensions (``crawl_context(crawler)``).

The values go in at Scrapy's "addon" priority: above Scrapy's defaults, below
``-s NAME=VALUE`` on the command line. ``crawler/settings.py`` sets none of them, so the
configuration's defaults are the model's (``config/model.py``), written once.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from config import ENV_VAR, Config, load_config

# A Config object handed over in memory (by crawler.runner) rather than as a file path.
CONFIG_OBJECT_SETTING = "OISWATCH_CONFIG_OBJECT"
CONFIG_PATH_SETTING = ENV_VAR
# Set by crawler.runner: the crawl runs inside a service that logs its own line per poll.
EMBEDDED_SETTING = "OISWATCH_EMBEDDED"
CONTEXT_SETTING = "OISWATCH_CONTEXT"


@dataclass(frozen=True)
class CrawlContext:
    """What the crawl's components need from oiswatch, typed."""

    config: Config
    # The level of a crawl's routine lines (its settings, each feed not modified): INFO
    # for `scrapy crawl` run by hand, DEBUG inside the daemon, which polls every few minutes.
    routine: int


def config_from_settings(settings: BaseSettings) -> Config:
    """The Config given in memory, else loaded from -s OISWATCH_CONFIG / $OISWATCH_CONFIG."""
    given = settings.get(CONFIG_OBJECT_SETTING)
    if isinstance(given, Config):
        return given
    return load_config(settings.get(CONFIG_PATH_SETTING) or os.environ.get(ENV_VAR) or None)


def scrapy_settings(config: Config) -> dict[str, Any]:
    """The Scrapy settings that the [crawl], [logging] and [cluster] sections stand for."""
    crawl = config.crawl
    settings: dict[str, Any] = {
        "DOWNLOAD_TIMEOUT": crawl.download_timeout_seconds,
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay_seconds,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_response_bytes // 2,
        "RETRY_TIMES": crawl.retry_times,
        "LOG_LEVEL": config.logging.level,
    }
    if config.cluster.redis_url:
        # Article links go to the workers' shared Redis queue (crawler.handoff).
        settings["REDIS_URL"] = config.cluster.redis_url
        settings["SPIDER_MIDDLEWARES"] = {"crawler.handoff.HandOffArticles": 950}
    return settings


class ConfigAddon:
    """Scrapy add-on: the oiswatch configuration as Scrapy settings and a CrawlContext."""

    def update_settings(self, settings: BaseSettings) -> None:
        config = config_from_settings(settings)
        for name, value in scrapy_settings(config).items():
            settings.set(name, value, priority="addon")
        routine = logging.DEBUG if settings.getbool(EMBEDDED_SETTING) else logging.INFO
        settings.set(CONTEXT_SETTING, CrawlContext(config, routine), priority="addon")


def crawl_context(crawler: Crawler) -> CrawlContext:
    context = crawler.settings.get(CONTEXT_SETTING)
    if not isinstance(context, CrawlContext):
        raise RuntimeError("the oiswatch crawl needs ADDONS = {'crawler.addon.ConfigAddon': 0}")
    return context


# Settings worth a line at start-up, so a log shows how politely a crawl ran.
REPORTED_SETTINGS = (
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_MAXSIZE",
    "RETRY_TIMES",
)


def describe_settings(crawler: Crawler) -> str:
    crawl = crawl_context(crawler).config.crawl
    scrapy = [f"{name}={crawler.settings.get(name)}" for name in REPORTED_SETTINGS]
    ours = [
        f"crawl.max_fetch_attempts={crawl.max_fetch_attempts}",
        f"crawl.extraction_workers={crawl.extraction_workers}",
    ]
    return ", ".join(scrapy + ours)
