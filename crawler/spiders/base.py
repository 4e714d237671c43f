"""What both spiders share: configuration, the store, and fetching one article page."""

from __future__ import annotations

import logging
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from config import Config
from crawler.configure import (
    CONFIG_OBJECT_SETTING,
    apply_config,
    describe_settings,
    routine_level,
)
from crawler.responses import describe_failure, page_kind
from records import FetchedPage, FetchFailure, FetchStatus, Lead
from store import Store

logger = logging.getLogger(__name__)

# The request meta key of an article request's Lead.
LEAD = "lead"

# Stats keys of article outcomes; their sum is how many articles a crawl is done with.
OUTCOME_PREFIX = "oiswatch/articles/"


def count(crawler: Crawler, outcome: str) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(OUTCOME_PREFIX + outcome)


class ArticleSpider(scrapy.Spider):
    config: Config
    store: Store
    max_fetch_attempts: int
    requested: set[str]  # links asked for in this crawl
    routine: int  # log level of routine lines: INFO by hand, DEBUG in the daemon

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_config(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = crawler.settings[CONFIG_OBJECT_SETTING]
        spider.store = Store(spider.config.storage.url)
        spider.requested = set()
        spider.max_fetch_attempts = crawler.settings.getint("OISWATCH_MAX_FETCH_ATTEMPTS", 3)
        crawler.signals.connect(spider._close_store, signal=signals.spider_closed)
        spider.routine = routine_level(crawler.settings)
        logger.log(spider.routine, "crawl settings: %s", describe_settings(crawler.settings))
        return spider

    def _close_store(self) -> None:
        self.store.close()

    def count(self, outcome: str) -> None:
        count(self.crawler, outcome)

    def article_request(self, lead: Lead) -> scrapy.Request | None:
        """The request for one article, or None if this crawl already asked for the link.

        We dedupe links here rather than in Scrapy's dupefilter so that redirects are not
        filtered: a redirect loop must run into REDIRECT_MAX_TIMES and be recorded.
        """
        if lead.url in self.requested:
            self.crawler.stats.inc_value("oiswatch/links_repeated")  # type: ignore[union-attr]
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
        kind = page_kind(response.headers.get("Content-Type", b"").decode("latin-1"), response.body)
        if not kind.html:
            logger.info("skipped %s: not an HTML page (%s)", lead.url, kind.content_type)
            failure = FetchFailure(
                FetchStatus.SKIPPED, f"not HTML: {kind.content_type}", response.status
            )
            self.store.record_failure(lead, failure)
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
        self.store.record_failure(lead, outcome)
        self.count(outcome.status)
