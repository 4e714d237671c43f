"""What both spiders share: configuration, the store, and fetching one article page."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from config import Config
from crawler.configure import (
    CONFIG_OBJECT_SETTING,
    apply_config,
    describe_settings,
    routine_level,
)
from crawler.items import FetchedPage
from crawler.responses import describe_failure, page_kind
from store import Store

logger = logging.getLogger(__name__)

# Stats keys of article outcomes; their sum is how many articles a crawl is done with.
OUTCOME_PREFIX = "oiswatch/articles/"


def count(crawler: Crawler, outcome: str) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(OUTCOME_PREFIX + outcome)


def store_problem(exc: Exception) -> str:
    """The driver's words for a failed store write ("database is locked"), without the SQL."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]


class ArticleSpider(scrapy.Spider):
    config: Config
    store: Store
    max_fetch_attempts: int
    requested: set[str]  # links asked for in this crawl
    store_failures: dict[str, str]  # feed name -> the first failed store write of its articles
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
        spider.store_failures = {}
        spider.max_fetch_attempts = crawler.settings.getint("OISWATCH_MAX_FETCH_ATTEMPTS", 3)
        crawler.signals.connect(spider._close_store, signal=signals.spider_closed)
        spider.routine = routine_level(crawler.settings)
        logger.log(spider.routine, "crawl settings: %s", describe_settings(crawler.settings))
        return spider

    def operator_urls(self) -> list[str]:
        """URLs the operator gave: their hosts and ports may be on a private network."""
        return [str(feed.url) for feed in self.config.feeds]

    def _close_store(self) -> None:
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

    def record_failure(self, page: dict[str, Any], **outcome: Any) -> None:
        """Record a fetch that gave no article; a store that refuses is reported, not raised."""
        try:
            self.store.record_failure(
                page["url"], feed=page["feed"], outlet=page["outlet"], entry_id=page["entry_id"],
                **outcome,
            )  # fmt: skip
        except SQLAlchemyError as exc:
            self.store_failed(page["url"], page["feed"], exc)

    def article_request(
        self,
        link: str,
        *,
        outlet: str | None,
        feed: str | None = None,
        entry_id: str | None = None,
        title_hint: str | None = None,
        published_hint: datetime | None = None,
        alert: bool = True,
        since: date | None = None,
        until: date | None = None,
    ) -> scrapy.Request | None:
        """The request for one article, or None if this crawl already asked for the link.

        We dedupe links here rather than in Scrapy's dupefilter so that redirects are not
        filtered: a redirect loop must run into REDIRECT_MAX_TIMES and be recorded.
        """
        if link in self.requested:
            self.crawler.stats.inc_value("oiswatch/links_repeated")  # type: ignore[union-attr]
            return None
        self.requested.add(link)
        page = {
            "url": link,
            "outlet": outlet,
            "feed": feed,
            "entry_id": entry_id,
            "title_hint": title_hint,
            "published_hint": published_hint,
            "alert": alert,
            "since": since,
            "until": until,
        }
        return scrapy.Request(
            link,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            meta={"page": page},
        )

    def parse_article(self, response: Response) -> Any:
        page = response.meta["page"]
        kind = page_kind(response.headers.get("Content-Type", b"").decode("latin-1"), response.body)
        if not kind.html:
            logger.info("skipped %s: not an HTML page (%s)", page["url"], kind.content_type)
            self.record_failure(
                page,
                status="skipped",
                error=f"not HTML: {kind.content_type}",
                http_status=response.status,
            )
            self.count("skipped")
            return None
        return FetchedPage(
            final_url=response.url,
            body=response.body,
            encoding=getattr(response, "encoding", None),
            http_status=response.status,
            **page,
        )

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        page = request.meta["page"]
        outcome = describe_failure(failure, self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        logger.warning("article %s %s: %s", page["url"], outcome.status, outcome.error)
        self.record_failure(
            page, status=outcome.status, error=outcome.error, http_status=outcome.http_status
        )
        self.count(outcome.status)
