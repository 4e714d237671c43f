"""``scrapy crawl feeds``: poll every enabled feed, then fetch each entry not yet stored.

Feeds go through Scrapy (robots.txt, politeness, conditional GET) and their bytes through
``crawler.feeds.parse_feed``. A broken or dead feed is recorded and logged; the others
carry on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from config import FeedConfig
from crawler.feeds import parse_feed
from crawler.responses import describe_failure, rest_until
from crawler.spiders.base import ArticleSpider, store_problem
from records import Lead
from store.feeds import FeedState

logger = logging.getLogger(__name__)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class FeedsSpider(ArticleSpider):
    name = "feeds"
    # Feed name -> (url, ETag, Last-Modified) of the feeds read in full in this crawl.
    validators: dict[str, tuple[str, str | None, str | None]]
    read_in_full: set[str]  # feeds counted as fetched (not 304, not failed)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators = {}
        self.read_in_full = set()

    def store_failed(self, url: str, feed: str | None, exc: Exception) -> None:
        if feed and feed not in self.store_failures:
            # Counted failed rather than fetched: a feed whose articles were not stored
            # has not been polled.
            stats = self.crawler.stats
            assert stats is not None
            if feed in self.read_in_full:
                stats.inc_value("oiswatch/feeds/fetched", -1)
            stats.inc_value("oiswatch/feeds/failed")
        super().store_failed(url, feed, exc)

    def _fail_feeds_whose_writes_failed(self) -> None:
        """Their validators are not saved, so the next poll reads them in full and fetches
        the articles the store refused; the failure goes to the feed's record for `status`."""
        urls = {f.name: str(f.url) for f in self.config.feeds}
        for name, problem in self.store_failures.items():
            self.validators.pop(name, None)
            error = f"store write failed: {problem}"
            logger.error("feed %s failed: %s; its entries are fetched again next poll", name, error)
            if name not in urls:
                continue
            try:
                self.store.record_feed_poll(name, urls[name], status="store", ok=False, error=error)
            except SQLAlchemyError as exc:
                logger.error("feed %s: could not record the failure: %s", name, store_problem(exc))

    def closed(self, reason: str) -> None:
        self._fail_feeds_whose_writes_failed()
        # A 304 next time would hide the entries of a crawl cut short, so the validators
        # are saved only once every article request has been dealt with.
        if reason != "finished":
            if self.validators:
                logger.info(
                    "crawl %s: feeds will be read in full next time (%s)",
                    reason,
                    ", ".join(sorted(self.validators)),
                )
            return
        for name, (url, etag, last_modified) in self.validators.items():
            self.store.save_validators(name, url, etag, last_modified)

    async def start(self) -> AsyncIterator[Any]:
        feeds = [f for f in self.config.feeds if f.enabled]
        if not feeds:
            logger.warning("no enabled feeds in the configuration; nothing to poll")
        now = datetime.now(UTC)
        for feed in feeds:
            state = self.store.feed_state(feed.name)
            if state is not None and state.url == str(feed.url):
                if state.rest_until is not None and state.rest_until > now:
                    logger.info(
                        "feed %s: not polled before %s UTC, as its server asked (Retry-After)",
                        feed.name,
                        f"{state.rest_until:%Y-%m-%d %H:%M}",
                    )
                    self.crawler.stats.inc_value("oiswatch/feeds/resting")  # type: ignore[union-attr]
                    continue
            else:
                state = None  # validators and rests belong to the URL they came from
            yield self.feed_request(feed, state)
        # Failed articles are retried whether or not their feed has changed.
        for lead in self.store.articles_to_retry(self.max_fetch_attempts):
            request = self.article_request(lead)
            if request is not None:
                yield request

    def feed_request(self, feed: FeedConfig, state: FeedState | None) -> scrapy.Request:
        headers = {}
        if state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        return scrapy.Request(
            str(feed.url),
            headers=headers,
            callback=self.parse_feed,
            errback=self.feed_failed,
            # Feeds before articles, and each poll fetches every feed even if seen before.
            priority=100,
            dont_filter=True,
            meta={"feed": feed, "handle_httpstatus_list": [304]},
        )

    def parse_feed(self, response: Response) -> Any:
        feed: FeedConfig = response.meta["feed"]
        stats = self.crawler.stats
        assert stats is not None
        if response.status == 304:
            logger.log(self.routine, "feed %s: not modified", feed.name)
            self.store.record_feed_poll(feed.name, str(feed.url), status="304", ok=True)
            stats.inc_value("oiswatch/feeds/not_modified")
            return
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        parsed = parse_feed(response.body, url=response.url, headers=headers)
        if not parsed.readable:
            error = f"unparseable feed: {parsed.bozo_error or 'no feed found'}"
            logger.error("feed %s failed: %s", feed.name, error)
            self.store.record_feed_poll(
                feed.name, str(feed.url), status="unparseable", ok=False, error=error
            )
            stats.inc_value("oiswatch/feeds/failed")
            return
        if parsed.bozo:
            # A malformed feed still gives the entries that could be read.
            logger.warning(
                "feed %s is malformed (%s); using its %d readable entries",
                feed.name,
                parsed.bozo_error,
                len(parsed.entries),
            )
        try:
            self.store.record_feed_poll(
                feed.name,
                str(feed.url),
                status=str(response.status),
                ok=True,
                error=parsed.bozo_error if parsed.bozo else None,
                entries=len(parsed.entries),
            )
            # One query for the whole feed rather than one per entry.
            linked = [(entry, entry.link) for entry in parsed.entries if entry.link is not None]
            wanted = self.store.needing_fetch(
                [(link, entry.entry_id) for entry, link in linked],
                self.max_fetch_attempts,
                feed=feed.name,
            )
        except SQLAlchemyError as exc:
            self.store_failed(str(feed.url), feed.name, exc)
            return
        etag, last_modified = _header(response, "ETag"), _header(response, "Last-Modified")
        if etag or last_modified:
            self.validators[feed.name] = (str(feed.url), etag, last_modified)
        stats.inc_value("oiswatch/feeds/fetched")
        self.read_in_full.add(feed.name)
        stats.inc_value("oiswatch/feeds/entries", len(parsed.entries))
        for entry in parsed.entries:
            if entry.link is None:
                logger.info(
                    "feed %s: entry %r has no link; skipped",
                    feed.name,
                    entry.title or entry.entry_id,
                )
                stats.inc_value("oiswatch/feeds/entries_without_link")
        for (entry, link), fetch in zip(linked, wanted, strict=True):
            if not fetch:
                stats.inc_value("oiswatch/feeds/entries_known")
                continue
            lead = Lead(
                link,
                outlet=feed.outlet_name,
                feed=feed.name,
                entry_id=entry.entry_id,
                title_hint=entry.title,
                published_hint=entry.published,
            )
            request = self.article_request(lead)
            if request is not None:
                yield request

    def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        feed: FeedConfig = request.meta["feed"]
        outcome = describe_failure(failure, self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        response = getattr(failure.value, "response", None)
        until = None
        if response is not None:
            retry_after = _header(response, "Retry-After")
            until = rest_until(response.status, retry_after, datetime.now(UTC))
        error = outcome.error
        if until is not None:
            error += f"; not polled before {until:%Y-%m-%d %H:%M} UTC, as asked (Retry-After)"
        logger.error("feed %s failed: %s", feed.name, error)
        self.store.record_feed_poll(
            feed.name,
            str(feed.url),
            status=str(outcome.http_status or outcome.error.split(":")[0][:40]),
            ok=False,
            error=error,
            rest_until=until,
        )
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("oiswatch/feeds/failed")
