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
from config import Config, ConfigError, resolve_path
from crawler.configure import CONFIG_OBJECT_SETTING, config_from_settings, routine_level
from crawler.dates import in_date_range
from crawler.exceptions import (
    DuplicateArticle,
    ExtractionFailed,
    NotAnArticle,
    OutsideDateRange,
    StoreWriteFailed,
)
from crawler.items import Article, FetchedPage
from crawler.spiders.base import count, store_problem
from crawler.workers import PagePool
from store import Store

logger = logging.getLogger(__name__)


def _config(crawler: Crawler) -> Config:
    given = crawler.settings.get(CONFIG_OBJECT_SETTING)
    return given if isinstance(given, Config) else config_from_settings(crawler.settings)


def _store(crawler: Crawler) -> Store:
    # The spider owns the store (it reads it before fetching); pipelines share it.
    return crawler.spider.store  # type: ignore[union-attr]


def rules_path(config: Config) -> str | None:
    """The `[classifier] rules` file as an absolute path, checked: None means the bundled rules.

    Read and compiled here, once, so a missing or broken file stops the crawl before the
    first fetch with one error naming the file, rather than failing every page in a worker.
    """
    if not config.classifier.rules:
        return None
    from classifier import load_rules
    from classifier.rules import RulesError

    path = resolve_path(config, config.classifier.rules).resolve()
    where = f"{config.source}: " if config.source else ""
    try:
        load_rules(path)
    except RulesError as exc:
        raise ConfigError(f"{where}[classifier] rules: {exc}") from None
    return str(path)


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
        config = _config(crawler)
        workers = crawler.settings.getint("OISWATCH_EXTRACTION_WORKERS", 0)
        return cls(crawler, workers, tuple(config.classifier.region), rules_path(config))

    def open_spider(self) -> None:
        self.pool = PagePool(self.workers, rules_path=self.rules)
        logger.log(
            routine_level(self.crawler.settings),
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
        result = await self.pool.process(
            item.body,
            item.final_url,
            item.encoding,
            item.title_hint,
            item.published_hint,
            classify=True,
            region=self.region,
            rules_path=self.rules,
        )
        if result.extracted is None:
            # No text is final (a gallery, an index page); an extraction error is retried.
            status = "failed" if result.error else "skipped"
            error = result.error or "no article text on the page"
            page = {"url": item.url, "feed": item.feed, "outlet": item.outlet}
            self.crawler.spider.record_failure(  # type: ignore[union-attr]
                {**page, "entry_id": item.entry_id},
                status=status,
                error=error,
                http_status=item.http_status,
            )
            count(self.crawler, status)
            raise (ExtractionFailed if result.error else NotAnArticle)(f"{item.url}: {error}")
        if result.error:
            # The text is kept unclassified rather than lost; the log says why.
            logger.error("%s: %s", item.url, result.error)
        article = to_article(item, result, datetime.now(UTC))
        if not in_date_range(article.published, item.since, item.until):
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
            count(self.crawler, "failed")
            raise StoreWriteFailed(f"{item.url}: {store_problem(exc)}") from None
        if duplicate:
            count(self.crawler, "duplicate")
            raise DuplicateArticle(f"{item.url}: same canonical URL as article {original}")
        count(self.crawler, "new")
        if item.verdict is not None and getattr(item.verdict, "ois", False):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("oiswatch/flagged")
            logger.info("flagged %s: %s (%d alerts queued)", item.url, item.title, queued)
        return replace(item, article_id=article_id)
