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

import alerts
from config import Config
from crawler.configure import CONFIG_OBJECT_SETTING, config_from_settings
from crawler.exceptions import DuplicateArticle, ExtractionFailed, NotAnArticle, OutsideDateRange
from crawler.items import Article, FetchedPage
from crawler.spiders.base import count
from crawler.workers import PagePool
from store import Store

logger = logging.getLogger(__name__)


def _config(crawler: Crawler) -> Config:
    given = crawler.settings.get(CONFIG_OBJECT_SETTING)
    return given if isinstance(given, Config) else config_from_settings(crawler.settings)


def _store(crawler: Crawler) -> Store:
    # The spider owns the store (it reads it before fetching); pipelines share it.
    return crawler.spider.store  # type: ignore[union-attr]


def in_range(page: FetchedPage, published: datetime | None) -> bool:
    """Whether a backfilled article falls in since..until; unknown dates are kept."""
    if published is None:
        return True
    day = published.astimezone(UTC).date()
    return not (page.since and day < page.since) and not (page.until and day > page.until)


def to_article(page: FetchedPage, result: Any, now: datetime) -> Article:
    extracted = result.extracted
    return Article(
        url=page.url,
        canonical_url=extracted.canonical_url,
        title=extracted.title or page.title_hint,
        outlet=page.outlet,
        published=extracted.published or page.published_hint,
        feed=page.feed,
        entry_id=page.entry_id,
        author=extracted.author,
        language=extracted.language,
        text=extracted.text,
        content_hash=extracted.content_hash,
        fetched_at=now,
        http_status=page.http_status,
        verdict=result.verdict,
        alert=page.alert,
    )


class ProcessPipeline:
    """FetchedPage -> Article: extract and classify in the PagePool's worker processes."""

    def __init__(self, crawler: Crawler, workers: int, region: tuple[str, ...]) -> None:
        self.crawler = crawler
        self.workers = workers
        self.region = region
        self.pool: PagePool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = _config(crawler)
        workers = crawler.settings.getint("OISWATCH_EXTRACTION_WORKERS", 0)
        return cls(crawler, workers, tuple(config.classifier.region))

    def open_spider(self) -> None:
        self.pool = PagePool(self.workers)
        logger.info(
            "extraction in %s", f"{self.workers} worker processes" if self.workers else "process"
        )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        assert self.pool is not None
        store = _store(self.crawler)
        result = await self.pool.process(
            item.body,
            item.final_url,
            item.encoding,
            item.title_hint,
            item.published_hint,
            classify=True,
            region=self.region,
        )
        if result.error is not None:
            store.record_failure(
                item.url,
                status="failed",
                error=f"extraction failed: {result.error}",
                http_status=item.http_status,
                feed=item.feed,
                outlet=item.outlet,
                entry_id=item.entry_id,
            )
            count(self.crawler, "failed")
            raise ExtractionFailed(f"{item.url}: extraction failed: {result.error}")
        if result.extracted is None:
            store.record_failure(
                item.url,
                status="skipped",
                error="no article text on the page",
                http_status=item.http_status,
                feed=item.feed,
                outlet=item.outlet,
                entry_id=item.entry_id,
            )
            count(self.crawler, "skipped")
            raise NotAnArticle(f"{item.url}: no article text")
        article = to_article(item, result, datetime.now(UTC))
        if not in_range(item, article.published):
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
        return cls(crawler, _config(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or item.article_id is not None:
            return item  # not ours, or read back from the store for export
        store = _store(self.crawler)
        with store.begin() as conn:
            original = store.find_by_canonical(conn, item.canonical_url, item.url)
            if original is not None:
                store.mark_duplicate(conn, item, original)
                duplicate = True
            else:
                duplicate = False
                article_id = store.save_article(conn, item)
                queued = alerts.enqueue(conn, article_id, item, self.config) if item.alert else 0
        if duplicate:
            count(self.crawler, "duplicate")
            raise DuplicateArticle(f"{item.url}: same canonical URL as article {original}")
        count(self.crawler, "new")
        if item.verdict is not None and getattr(item.verdict, "ois", False):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("oiswatch/flagged")
            logger.info("flagged %s: %s (%d alerts queued)", item.url, item.title, queued)
        return replace(item, article_id=article_id)
