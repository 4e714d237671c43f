"""Crawl workers sharing one frontier and one dupefilter in Redis, through scrapy-redis.

The leader pushes article links as JSON onto a Redis list (``push_articles``, called by
``crawler.handoff``); every ``oiswatch worker`` pops them, and scrapy-redis's scheduler
and dupefilter keep the requests and their fingerprints in Redis, so an article is
fetched once whichever worker takes it and however often it is pushed.

scrapy-redis 0.9.1 (pinned) starts its spiders from ``start_requests()``, which Scrapy
2.13+ no longer calls: its spiders then only read Redis from the idle signal, every five
seconds. ``RedisStartMixin`` is the thin adapter: an ``async def start()`` that reads
Redis as links arrive and backs off while the worker is busy, plus a request builder that
lets the shared dupefilter see every link. Everything else is scrapy-redis's own code.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import sleep
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.spiders import RedisMixin

from records import Lead, codec

START_KEY = "oiswatch:articles:start_urls"
QUEUE_KEY = "oiswatch:articles:requests"
DUPEFILTER_KEY = "oiswatch:articles:dupefilter"


def cluster_settings(redis_url: str) -> dict[str, Any]:
    """Scrapy settings that put the frontier and the dupefilter in Redis."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "crawler.cluster.LinkDupeFilter",
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        # A worker that stops must leave the shared frontier and fingerprints in place.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "REDIS_START_URLS_KEY": START_KEY,
    }


class LinkDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter, applied to the links queued, not to redirect hops.

    A redirect is part of fetching a link that already passed the filter: filtering its
    hops would cut a redirect loop short without a word, and the article would never be
    recorded as failed (so never retried nor reported), where a single-machine crawl runs
    into REDIRECT_MAX_TIMES and records it.
    """

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_times"):
            return False
        return bool(super().request_seen(request))


@dataclass(frozen=True)
class ArticleLink:
    """One article for the workers: the lead the leader found, as JSON in Redis."""

    lead: Lead
    # A retry of a failed fetch must get past the dupefilter, which saw the first try.
    refetch: bool = False

    @property
    def url(self) -> str:
        return self.lead.url

    def to_json(self) -> str:
        return codec.dumps(self)

    @classmethod
    def from_json(cls, data: bytes | str) -> ArticleLink:
        return codec.loads(cls, data)


def push_articles(redis: Any, links: Iterable[ArticleLink], key: str = START_KEY) -> int:
    """Queue links for the workers (leader side); returns how many were pushed."""
    payloads = [link.to_json() for link in links]
    if payloads:
        redis.rpush(key, *payloads)
    return len(payloads)


def frontier_size(redis: Any) -> dict[str, int]:
    """Links waiting, requests in the shared frontier, fingerprints seen."""
    return {
        "waiting": int(redis.llen(START_KEY)),
        "queued": int(redis.llen(QUEUE_KEY)),
        "seen": int(redis.scard(DUPEFILTER_KEY)),
    }


class RedisStartMixin(RedisMixin):
    """Make a scrapy-redis spider read Redis from ``async def start()`` (Scrapy >= 2.13).

    Put it before the spider base: ``class S(RedisStartMixin, Spider)``. The spider gets
    ``from_crawler`` wiring, reads JSON ``ArticleLink`` payloads, and closes after
    ``max_idle_time`` seconds with nothing to do (0: never, the worker's default).
    """

    # Seconds between looks at an empty queue: the latency a new link can wait.
    redis_poll_seconds: float = 0.2
    # Seconds between attempts while Redis cannot be reached (restarting, failing over).
    redis_retry_seconds: float = 2.0
    max_idle_time = 0
    _start_done = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        return spider

    def _busy(self) -> bool:
        engine = self.crawler.engine
        if engine is None or engine.needs_backout():
            return True
        # Take more links only when the shared frontier is running low, so links stay in
        # Redis for whichever worker is free instead of piling up behind a busy one.
        queued = self.server.llen(self.crawler.settings.get("SCHEDULER_QUEUE_KEY", QUEUE_KEY))
        return queued >= self.redis_batch_size

    async def start(self) -> AsyncIterator[Any]:
        idle_since = time.monotonic()
        try:
            while True:
                try:
                    if self._busy():
                        idle_since = time.monotonic()
                        await sleep(self.redis_poll_seconds)
                        continue
                    requests = list(self.next_requests())
                except RedisError as exc:
                    # An error ending start() would close the spider as "finished" and the
                    # worker would exit 0, never restarted; the links wait in Redis, so wait.
                    self.logger.warning(
                        "cannot read Redis (%s); retrying in %g s", exc, self.redis_retry_seconds
                    )
                    await sleep(self.redis_retry_seconds)
                    continue
                for request in requests:
                    yield request
                if requests:
                    idle_since = time.monotonic()
                    continue
                if self.max_idle_time and time.monotonic() - idle_since >= self.max_idle_time:
                    return
                await sleep(self.redis_poll_seconds)
        finally:
            self._start_done = True

    def spider_idle(self) -> None:
        # start() does the reading; keep the spider open only while it still runs.
        if not self._start_done:
            raise DontCloseSpider

    def make_request_from_data(self, data: bytes) -> Request | list[Request]:
        try:
            link = ArticleLink.from_json(data.decode(self.redis_encoding or "utf-8"))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            self.logger.error("Dropped a malformed queue entry %r: %s", data[:200], exc)
            return []
        return self.make_article_request(link)

    def make_article_request(self, link: ArticleLink) -> Request:
        """The request for one link; spiders override it to set their callback."""
        return Request(link.url, meta={"link": link}, dont_filter=link.refetch)
