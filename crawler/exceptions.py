"""Control-flow exceptions of the crawl, each saying who raises it and why."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NotAnArticle(DropItem):
    """Raised by ProcessPipeline: the page had no article text; recorded as ``skipped``."""


class OutsideDateRange(DropItem):
    """Raised by ProcessPipeline in a backfill: the article's date is outside since/until."""


class DuplicateArticle(DropItem):
    """Raised by StorePipeline: the canonical URL is an article already stored."""


class ExtractionFailed(DropItem):
    """Raised by ProcessPipeline: extraction raised; recorded as ``failed`` and retried."""
