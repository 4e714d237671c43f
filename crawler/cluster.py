"""Crawl workers sharing one frontier and one dupefilter in Redis, through scrapy-redis.

The leader pushes article links as JSON onto a Redis list (``push_articles``); every
``oiswatch worker`` pops them, and scrapy-redis's scheduler and dupefilter keep the
requests and their fingerprints in Redis, so an article is fetched once whichever worker
takes it and however often it is pushed.

scrapy-redis 0.9.1 (pinned) starts its spiders from ``start_requests()``, which Scrapy
2.13+ no longer calls: its spiders then only read Redis from the idle signal, every five
seconds. ``RedisStartMixin`` is the thin adapter: an ``async def start()`` that reads
Redis as links arrive and backs off while the worker is busy, plus a request builder that
lets the shared dupefilter see every link. Everything else is scrapy-redis's own code.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import sleep
from scrapy_redis.spiders import RedisMixin

START_KEY = "oiswatch:articles:start_urls"
QUEUE_KEY = "oiswatch:articles:requests"
DUPEFILTER_KEY = "oiswatch:articles:dupefilter"


def cluster_settings(redis_url: str) -> dict[str, Any]:
    """Scrapy settings that put the frontier and the dupefilter in Redis."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        # A worker that stops must leave the shared frontier and fingerprints in place.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "REDIS_START_URLS_KEY": START_KEY,
    }


@dataclass(frozen=True)
class ArticleLink:
    """One article for the workers: the link and what the feed said about it."""

    url: str
    feed: str | None = None
    outlet: str | None = None
    entry_id: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601, as JSON carries it
    alert: bool = True
    # A retry of a failed fetch must get past the dupefilter, which saw the first try.
    refetch: bool = False

    def to_json(self) -> str:
        meta = {k: v for k, v in self.__dict__.items() if k not in ("url", "refetch")}
        return json.dumps({"url": self.url, "refetch": self.refetch, "meta": meta})


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
                if self._busy():
                    idle_since = time.monotonic()
                    await sleep(self.redis_poll_seconds)
                    continue
                found = 0
                for request in self.next_requests():
                    found += 1
                    yield request
                if found:
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
            payload = json.loads(data.decode(self.redis_encoding or "utf-8"))
            url = payload["url"]
            meta = dict(payload.get("meta") or {})
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            self.logger.error("Dropped a malformed queue entry %r: %s", data[:200], exc)
            return []
        return self.make_article_request(url, meta, refetch=bool(payload.get("refetch")))

    def make_article_request(self, url: str, meta: dict[str, Any], refetch: bool) -> Request:
        """The request for one link; spiders override it to set their callback."""
        return Request(url, meta={"link": meta}, dont_filter=refetch)
