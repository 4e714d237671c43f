"""Scrapy's item log lines, one short line each: the URL and what happened, never the item.

Scrapy's own formatter appends the item's repr to "Dropped", "Scraped" and item errors; ours
carry the page body or the article text, so one duplicate would log a whole article.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

# Longest reason we log; a reason is an exception message, which could quote a page.
MAX_REASON = 300


def item_url(item: Any) -> str:
    """What the log calls an item: its URL, or its type when it has none."""
    url = getattr(item, "url", None)
    if url is None and isinstance(item, dict):
        url = item.get("url")
    return str(url) if url else type(item).__name__


def reason(exception: BaseException, url: str) -> str:
    """The exception's message on one line, without the URL it usually starts with."""
    text = " ".join(str(exception).split()).removeprefix(f"{url}: ")
    text = text or type(exception).__name__
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


class CompactLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        entry = super().dropped(item, exception, response, spider)
        url = item_url(item)
        entry["msg"] = "dropped %(url)s: %(reason)s"
        entry["args"] = {"url": url, "reason": reason(exception, url)}
        return entry

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        entry = super().scraped(item, response, spider)
        entry["msg"] = "scraped %(url)s"
        entry["args"] = {"url": item_url(item)}
        return entry

    def item_error(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        # Scrapy logs the traceback with this line (exc_info); the item is not needed there.
        entry = super().item_error(item, exception, response, spider)
        entry["msg"] = "error processing %(url)s"
        entry["args"] = {"url": item_url(item)}
        return entry
