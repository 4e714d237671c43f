"""From the oiswatch configuration to Scrapy settings.

Spiders call ``apply_config`` from ``update_settings``: the [crawl] values go in at "spider"
priority, below the command line, so ``-s DOWNLOAD_DELAY=0`` still wins. ("project" is not
enough: ``scrapy crawl`` merges the project settings into the crawler's again afterwards,
and at equal priority they would replace the configuration's values.)
"""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy.settings import BaseSettings

from config import ENV_VAR, Config, load_config

# A Config object handed over in memory (by crawler.runner) rather than as a file path.
CONFIG_OBJECT_SETTING = "OISWATCH_CONFIG_OBJECT"
CONFIG_PATH_SETTING = ENV_VAR


def config_from_settings(settings: BaseSettings) -> Config:
    """The Config given in memory, else loaded from -s OISWATCH_CONFIG / $OISWATCH_CONFIG."""
    given = settings.get(CONFIG_OBJECT_SETTING)
    if isinstance(given, Config):
        return given
    return load_config(settings.get(CONFIG_PATH_SETTING) or os.environ.get(ENV_VAR) or None)


def crawl_settings(config: Config) -> dict[str, Any]:
    """The Scrapy settings that the [crawl] and [logging] sections stand for."""
    crawl = config.crawl
    return {
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
        "OISWATCH_MAX_FETCH_ATTEMPTS": crawl.max_fetch_attempts,
        "OISWATCH_EXTRACTION_WORKERS": crawl.extraction_workers,
        "OISWATCH_ALLOW_PRIVATE_ADDRESSES": crawl.allow_private_addresses,
        "LOG_LEVEL": config.logging.level,
        **cluster_settings(config),
    }


def cluster_settings(config: Config) -> dict[str, Any]:
    """With [cluster] redis_url, article links go to the workers' shared Redis queue."""
    if not config.cluster.redis_url:
        return {}
    return {
        "REDIS_URL": config.cluster.redis_url,
        "SPIDER_MIDDLEWARES": {"crawler.handoff.HandOffArticles": 950},
    }


def apply_config(settings: BaseSettings) -> Config:
    """Load the configuration and lay its crawl settings under any given on the command line."""
    config = config_from_settings(settings)
    for name, value in crawl_settings(config).items():
        settings.set(name, value, priority="spider")
    settings.set(CONFIG_OBJECT_SETTING, config, priority="spider")
    return config


# Set by crawler.runner: the crawl runs inside a service that logs its own line per poll.
EMBEDDED_SETTING = "OISWATCH_EMBEDDED"


def routine_level(settings: BaseSettings) -> int:
    """The level of a crawl's routine lines (its settings, each feed not modified): INFO
    for `scrapy crawl` run by hand, DEBUG inside the daemon, which polls every few minutes."""
    return logging.DEBUG if settings.getbool(EMBEDDED_SETTING) else logging.INFO


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
    "OISWATCH_MAX_FETCH_ATTEMPTS",
    "OISWATCH_EXTRACTION_WORKERS",
)


def describe_settings(settings: BaseSettings) -> str:
    return ", ".join(f"{name}={settings.get(name)}" for name in REPORTED_SETTINGS)
