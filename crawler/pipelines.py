"""Item pipelines: a fetched page becomes an extracted, classified and stored Article.

``ProcessPipeline`` hands the page to worker processes (extraction and classification are
CPU work that would stall the reactor) and ``StorePipeline`` saves each article, its verdict
and its alerts in one transaction, so a crash never leaves half an article behind.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Self

from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError

import alerts
from classifier.from_config import rules_path
from config import Config
from crawler.addon import crawl_context
from crawler.dates import in_date_range
from crawler.exceptions import (
    DuplicateArticle,
    ExtractionFailed,
    NotAnArticle,
    OutsideDateRange,
    StoreWriteFailed,
)
from crawler.spiders.base import count, store_problem
from crawler.workers import PageJob, PagePool, PageResult
from records import Article, FetchedPage, FetchFailure, FetchStatus
from store import Store

logger = logging.getLogger(__name__)


def _store(crawler: Crawler) -> Store:
    # The spider owns the store (it reads it before fetching); pipelines share it.
    store = getattr(crawler.spider, "store", None)
    assert isinstance(store, Store), crawler.spider
    return store


def to_article(page: FetchedPage, result: PageResult, now: datetime) -> Article:
    extracted = result.extracted
    assert extracted is not None
    lead = page.lead
    return Article(
        url=lead.url,
        canonical_url=extracted.canonical_url,
        title=extracted.title or lead.title_hint,
        outlet=lead.outlet,
        published=extracted.published or lead.published_hint,
        feed=lead.feed,
        entry_id=lead.entry_id,
        author=extracted.author,
        language=extracted.language,
        text=extracted.text,
        content_hash=extracted.content_hash,
        fetched_at=now,
        http_status=page.http_status,
        verdict=result.verdict,
        alert=lead.alert,
    )


class ProcessPipeline:
    """FetchedPage -> Article: extract and classify in the PagePool's worker processes."""

    def __init__(
        self,
        crawler: Crawler,
        workers: int,
        region: tuple[str, ...],
        rules: str | None = None,
    ) -> None:
        self.crawler = crawler
        self.workers = workers
        self.region = region
        self.rules = rules  # the rules file's path; None: the bundled rules
        self.pool: PagePool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_context(crawler).config
        workers = config.crawl.extraction_workers
        return cls(crawler, workers, tuple(config.classifier.region), rules_path(config))

    def open_spider(self) -> None:
        self.pool = PagePool(self.workers, rules_path=self.rules)
        logger.log(
            crawl_context(self.crawler).routine,
            "extraction in %s",
            f"{self.workers} worker processes" if self.workers else "process",
        )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        assert self.pool is not None
        lead = item.lead
        job = PageJob(
            item.body,
            item.final_url,
            item.encoding,
            lead.title_hint,
            lead.published_hint,
            classify=True,
            region=self.region,
            rules_path=self.rules,
        )
        result = await self.pool.process(job)
        if result.extracted is None:
            # No text is final (a gallery, an index page); an extraction error is retried.
            failure = FetchFailure(
                FetchStatus.FAILED if result.error else FetchStatus.SKIPPED,
                result.error or "no article text on the page",
                item.http_status,
            )
            self.crawler.spider.record_failure(lead, failure)  # type: ignore[union-attr]
            count(self.crawler, failure.status)
            raise (ExtractionFailed if result.error else NotAnArticle)(
                f"{item.url}: {failure.error}"
            )
        if result.error:
            # The text is kept unclassified rather than lost; the log says why.
            logger.error("%s: %s", item.url, result.error)
        article = to_article(item, result, datetime.now(UTC))
        if not in_date_range(article.published, lead.since, lead.until):
            count(self.crawler, "out_of_range")
            raise OutsideDateRange(f"{item.url}: published {article.published:%Y-%m-%d}")
        return article


class StorePipeline:
    """Article -> stored row, verdict and queued alerts, in one transaction."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawl_context(crawler).config)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or item.article_id is not None:
            return item  # not ours, or read back from the store for export
        store = _store(self.crawler)
        try:
            with store.begin() as conn:
                article_id, original = store.store_article(conn, item)
                duplicate = original is not None
                if not duplicate:
                    # Always: a backfilled article (alert off) still joins or opens its
                    # incident, for the export and for later live reports; enqueue sends
                    # nothing for it.
                    queued = alerts.enqueue(conn, article_id, item, self.config)
        except SQLAlchemyError as exc:
            # Nothing of the article was written (one transaction); its feed's poll fails,
            # so the next poll reads the feed in full and fetches the article again.
            self.crawler.spider.store_failed(item.url, item.feed, exc)  # type: ignore[union-attr]
            count(self.crawler, FetchStatus.FAILED)
            raise StoreWriteFailed(f"{item.url}: {store_problem(exc)}") from None
        if duplicate:
            count(self.crawler, FetchStatus.DUPLICATE)
            raise DuplicateArticle(f"{item.url}: same canonical URL as article {original}")
        count(self.crawler, "new")
        if item.verdict is not None and item.verdict.ois:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("oiswatch/flagged")
            logger.info("flagged %s: %s (%d alerts queued)", item.url, item.title, queued)
        return replace(item, article_id=article_id)
