"""The leader's side of the scale-out: article links go to Redis, not to its downloader.

See ``crawler.cluster`` for the workers' side and deploy/scale-out.md for the whole.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request

from crawler.cluster import ArticleLink, push_articles
from crawler.spiders.base import LEAD


class HandOffArticles:
    """Spider middleware on the leader: article requests go to Redis, not to the downloader.

    The leader polls feeds (conditional GET, feed state in the store) and decides which
    links are new, as a single-machine crawl does; the fetching, extraction,
    classification and storing of those articles is the workers' (``oiswatch worker``).
    Failed articles that the feeds spider retries from ``start()`` are handed off too,
    marked to pass the dupefilter, once per failed attempt: a poll that comes round
    before a worker has tried again does not queue a second retry.

    A new link is handed off once; if a later poll still finds it unstored more than
    ``OISWATCH_HANDOFF_LEASE_SECONDS`` after that, the worker that took it died before
    storing it (its fingerprint is in the dupefilter all the same), so it goes again,
    past the dupefilter.
    On only when ``REDIS_URL`` is set, i.e. ``[cluster] redis_url`` is configured.
    """

    # A retry marker outlives any sane poll interval, then expires on its own.
    RETRY_MARK_SECONDS = 24 * 3600

    def __init__(self, redis: Any, crawler: Any = None, lease_seconds: float = 1800) -> None:
        self.redis = redis
        self.crawler = crawler
        self.lease_seconds = lease_seconds

    @classmethod
    def from_crawler(cls, crawler: Any) -> HandOffArticles:
        from scrapy.exceptions import NotConfigured
        from scrapy_redis.connection import from_settings

        if not crawler.settings.get("REDIS_URL") or crawler.settings.getbool(
            "OISWATCH_CLUSTER_WORKER"
        ):
            raise NotConfigured("no [cluster] redis_url, or this is a worker")
        lease = crawler.settings.getfloat("OISWATCH_HANDOFF_LEASE_SECONDS", 1800)
        return cls(from_settings(crawler.settings), crawler, lease)

    def _hand_off(self, request: Any, spider: Any) -> bool:
        """True if the request was an article's: queued for the workers (or a retry that
        already is), so the leader must not fetch it."""
        lead = request.meta.get(LEAD)
        if lead is None or request.callback != getattr(spider, "parse_article", None):
            return False
        attempts = _failed_attempts(spider, request.url)
        stats = spider.crawler.stats
        if attempts and not self.redis.set(
            f"{RETRY_MARK_PREFIX}{attempts}:{request.url}",
            1,
            nx=True,
            ex=self.RETRY_MARK_SECONDS,
        ):
            if stats is not None:
                stats.inc_value("oiswatch/cluster/retry_already_queued")
            return True
        refetch = bool(attempts)
        if not attempts:
            handed = self._handed_before(request.url)
            if handed is None:
                if stats is not None:
                    stats.inc_value("oiswatch/cluster/still_queued")
                return True
            refetch = handed
        push_articles(self.redis, [ArticleLink(lead, refetch=refetch)])
        if stats is not None:
            stats.inc_value("oiswatch/cluster/handed_off")
            if attempts:
                stats.inc_value("oiswatch/cluster/retries_handed_off")
        return True

    def _handed_before(self, url: str) -> bool | None:
        """None: handed off within the lease (queued or being fetched), leave it. False:
        never handed off. True: handed off longer ago, and still not stored."""
        key = HANDED_PREFIX + url
        now = time.time()
        previous = self.redis.get(key)
        if previous is not None and now - float(previous) < self.lease_seconds:
            return None
        self.redis.set(key, repr(now), ex=HANDED_KEEP_SECONDS)
        return previous is not None

    def _filter(self, item: Any, spider: Any) -> bool:
        return not (isinstance(item, Request) and self._hand_off(item, spider))

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Any) -> Any:
        for item in result:
            if self._filter(item, spider):
                yield item

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any], spider: Any
    ) -> AsyncIterator[Any]:
        async for item in result:
            if self._filter(item, spider):
                yield item

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # The feeds spider's start() yields the feeds, then the failed articles to retry.
        spider = self.crawler.spider
        async for item in start:
            if self._filter(item, spider):
                yield item


RETRY_MARK_PREFIX = "oiswatch:articles:retry:"
HANDED_PREFIX = "oiswatch:articles:handed:"
# How long the leader remembers handing a link off; links are stored long before.
HANDED_KEEP_SECONDS = 7 * 24 * 3600


def _failed_attempts(spider: Any, url: str) -> int:
    store = getattr(spider, "store", None)
    return store.failed_attempts(url) if store is not None else 0
