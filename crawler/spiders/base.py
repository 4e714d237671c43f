"""What both spiders share: configuration, the store, and fetching one article page."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from config import Config
from crawler.addon import CrawlContext, crawl_context, describe_settings
from crawler.responses import describe_failure, page_kind
from records import FetchedPage, FetchFailure, FetchStatus, Lead
from store import Store

logger = logging.getLogger(__name__)

# The request meta key of an article request's Lead.
LEAD = "lead"

# Stats keys of article outcomes; their sum is how many articles a crawl is done with.
OUTCOME_PREFIX = "oiswatch/articles/"


def count(crawler: Crawler, outcome: str, prefix: str = OUTCOME_PREFIX) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(prefix + outcome)


def store_problem(exc: Exception) -> str:
    """The driver's words for a failed store write ("database is locked"), without the SQL."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]


class ArticleSpider(scrapy.Spider):
    requested: set[str]  # links asked for in this crawl
    store_failures: dict[str, str]  # feed name -> the first failed store write of its articles

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.requested = set()
        spider.store_failures = {}
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._close_store, signal=signals.spider_closed)
        return spider

    # Read when first needed: Scrapy makes the spider before the add-ons apply the
    # configuration (crawler.addon), and the settings are final only once the crawl opens.
    @cached_property
    def context(self) -> CrawlContext:
        return crawl_context(self.crawler)

    @property
    def config(self) -> Config:
        return self.context.config

    @property
    def max_fetch_attempts(self) -> int:
        return self.config.crawl.max_fetch_attempts

    @property
    def routine(self) -> int:
        """The log level of routine lines: INFO by hand, DEBUG in the daemon."""
        return self.context.routine

    @cached_property
    def store(self) -> Store:
        return Store(self.config.storage.url)

    def _opened(self) -> None:
        logger.log(self.routine, "crawl settings: %s", describe_settings(self.crawler))
        self.store  # noqa: B018 - open it now: a store that cannot open stops the crawl here

    def operator_urls(self) -> list[str]:
        """URLs the operator gave: their hosts and ports may be on a private network."""
        return [str(feed.url) for feed in self.config.feeds]

    def _close_store(self) -> None:
        if "store" in self.__dict__:
            self.store.close()

    def count(self, outcome: str) -> None:
        count(self.crawler, outcome)

    def store_failed(self, url: str, feed: str | None, exc: Exception) -> None:
        """A write about `url` failed: say so, and fail its feed's poll (FeedsSpider)."""
        problem = store_problem(exc)
        logger.error("store write failed for %s: %s", url, problem)
        self.crawler.stats.inc_value("oiswatch/store_failures")  # type: ignore[union-attr]
        if feed and feed not in self.store_failures:
            self.store_failures[feed] = problem

    def record_failure(self, lead: Lead, failure: FetchFailure) -> None:
        """Record a fetch that gave no article; a store that refuses is reported, not raised."""
        try:
            self.store.record_failure(lead, failure)
        except SQLAlchemyError as exc:
            self.store_failed(lead.url, lead.feed, exc)

    def article_request(self, lead: Lead) -> scrapy.Request | None:
        """The request for one article, or None if this crawl already asked for the link.

        We dedupe links here rather than in Scrapy's dupefilter so that redirects are not
        filtered: a redirect loop must run into REDIRECT_MAX_TIMES and be recorded.
        """
        if lead.url in self.requested:
            count(self.crawler, "links_repeated", prefix="oiswatch/")
            return None
        self.requested.add(lead.url)
        return scrapy.Request(
            lead.url,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            meta={LEAD: lead},
        )

    def parse_article(self, response: Response) -> Any:
        lead: Lead = response.meta[LEAD]
        content_type = response.headers.get("Content-Type") or b""
        kind = page_kind(content_type.decode("latin-1"), response.body)
        if not kind.html:
            logger.info("skipped %s: not an HTML page (%s)", lead.url, kind.content_type)
            failure = FetchFailure(
                FetchStatus.SKIPPED, f"not HTML: {kind.content_type}", response.status
            )
            self.record_failure(lead, failure)
            self.count(failure.status)
            return None
        return FetchedPage(
            lead=lead,
            final_url=response.url,
            body=response.body,
            encoding=getattr(response, "encoding", None),
            http_status=response.status,
        )

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        lead: Lead = request.meta[LEAD]
        outcome = describe_failure(failure, self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        logger.warning("article %s %s: %s", lead.url, outcome.status, outcome.error)
        self.record_failure(lead, outcome)
        self.count(outcome.status)
