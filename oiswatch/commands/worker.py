"""oiswatch worker: one crawl worker of a scaled-out deployment (deploy/scale-out.md).

It takes article links from the shared Redis queue that the leader (`oiswatch run`) fills,
fetches each once (the dupefilter is shared too), and extracts, classifies and stores it
with its alerts, exactly as a single-machine crawl does. Start as many as wanted, on any
machine that reaches PostgreSQL, Redis and the news sites. SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from config import Config, ConfigError
from oiswatch.cli import load
from store.backends import backend_for

if TYPE_CHECKING:
    from scrapy.settings import Settings

HELP = "run one crawl worker: fetch, extract, classify and store links queued in Redis"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=0,
        metavar="SECONDS",
        help="stop after the queue has been empty this long (default 0: run until stopped)",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one Scrapy setting, e.g. -s CONCURRENT_REQUESTS=32 (repeatable)",
    )


def worker_settings(config: Config, overrides: list[str]) -> Settings:
    """The settings a poll's crawl gets (crawler.runner), with the shared Redis frontier.

    The [crawl] and [logging] values are in from the start, as for `oiswatch poll`: the
    process-wide parts (the root log handler, the reactor) are set up from these settings
    before any crawler's add-ons run.
    """
    from crawler.cluster import cluster_settings
    from crawler.runner import crawl_settings_for

    given: dict[str, str] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ConfigError(f"-s {item!r}: expected NAME=VALUE")
        given[name] = value
    assert config.cluster.redis_url, "run() refuses a configuration without one"
    settings = crawl_settings_for(config)
    settings.update(cluster_settings(config.cluster.redis_url), priority="cmdline")
    settings.set("OISWATCH_CLUSTER_WORKER", True, priority="cmdline")
    # The hand-off to Redis is the leader's; a worker fetches what it takes from there.
    settings.set(
        "SPIDER_MIDDLEWARES", {"crawler.handoff.HandOffArticles": None}, priority="cmdline"
    )
    settings.setdict(given, priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    config = load(args)
    if not config.cluster.redis_url:
        raise ConfigError(
            f"{config.source or '<config>'}: cluster.redis_url: not set; "
            "`oiswatch worker` takes its links from that Redis server"
        )
    if not backend_for(config.storage.url).shared:
        logging.getLogger("oiswatch").warning(
            "storage is not PostgreSQL: workers on other machines cannot share it"
        )
    from scrapy.crawler import CrawlerProcess

    from crawler.cluster_spider import ClusterArticleSpider

    process = CrawlerProcess(worker_settings(config, args.set))
    crawler = process.create_crawler(ClusterArticleSpider)
    process.crawl(crawler, max_idle_time=args.idle_exit)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    return 0 if reason in ("finished", "shutdown") else 1
