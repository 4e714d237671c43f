"""Control-flow exceptions of the crawl, each saying who raises it and why."""

from __future__ import annotations

from scrapy.exceptions import DropItem, IgnoreRequest


class NotAnArticle(DropItem):
    """Raised by ProcessPipeline: the page had no article text; recorded as ``skipped``."""


class OutsideDateRange(DropItem):
    """Raised by ProcessPipeline in a backfill: the article's date is outside since/until."""


class DuplicateArticle(DropItem):
    """Raised by StorePipeline: the canonical URL is an article already stored."""


class ExtractionFailed(DropItem):
    """Raised by ProcessPipeline: extraction raised; recorded as ``failed`` and retried."""


class StoreWriteFailed(DropItem):
    """Raised by StorePipeline: the store refused the write (locked, full); the article's
    feed is marked failed so that the next poll reads it in full and fetches it again."""


class BadArgument(ValueError):
    """Raised by a spider given a bad ``-a NAME=VALUE``; the message names the argument."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"-a {name}: {problem}")
        self.name = name


class AddressRefused(IgnoreRequest):
    """Raised by AddressGuard: the link leads to an address the crawl does not connect to
    (loopback, private, link-local); recorded as ``skipped`` with this message."""
