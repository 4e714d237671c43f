"""``scrapy crawl backfill``: a one-off crawl of an archive, from a URL list or a sitemap.

    scrapy crawl backfill -a urls=FILE | -a sitemap=URL [-a since=YYYY-MM-DD]
        [-a until=YYYY-MM-DD] [-a outlet=NAME] [-a alert=yes] [-O articles.jsonl]

Same pipelines, store and dedupe as ``feeds``. An article already stored is not fetched
again, but it is still yielded (read back from the store), so the export of a re-run is
complete. Dates bound the crawl where they are known: a sitemap's lastmod or
news:publication_date before fetching, the extracted date after.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from crawler.dates import in_date_range
from crawler.exceptions import BadArgument
from crawler.exporters import EXPORT_FIELDS, EXPORTERS
from crawler.responses import describe_failure
from crawler.sitemaps import parse_sitemap
from crawler.spiders.base import ArticleSpider
from crawler.urls import clean_url
from records import Lead
from store.links import chunks
from store.schema import articles

logger = logging.getLogger(__name__)

YES = ("yes", "true", "1", "on")
NO = ("no", "false", "0", "off")
# The store's outlet column: PostgreSQL refuses longer values, so every article would fail.
OUTLET_MAX: int = articles.c.outlet.type.length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BackfillArgs:
    urls: tuple[str, ...]  # from -a urls=FILE, cleaned, in file order, without repeats
    sitemap: str | None
    since: date | None
    until: date | None
    outlet: str | None
    alert: bool


def _day(name: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadArgument(name, f"{value!r} is not a date as YYYY-MM-DD") from None


def _http(name: str, value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadArgument(name, f"{value!r} is not an http(s) URL")
    return value


def read_url_list(path: str) -> tuple[str, ...]:
    """One URL per line; blank lines and lines starting with # are ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadArgument("urls", f"cannot read {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadArgument("urls", f"{path!r} is not UTF-8 text") from None
    urls: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            urls[clean_url(_http("urls", line))] = None
        except BadArgument:
            problem = f"{path}, line {number}: {line!r} is not an http(s) URL"
            raise BadArgument("urls", problem) from None
    return tuple(urls)


def parse_arguments(
    urls: str | None = None,
    sitemap: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    alert: str | None = None,
) -> BackfillArgs:
    """Check the spider's -a arguments; a BadArgument names the one that is wrong."""
    if not urls and not sitemap:
        raise BadArgument("urls", "give -a urls=FILE or -a sitemap=URL")
    if urls and sitemap:
        raise BadArgument("sitemap", "give either -a urls=FILE or -a sitemap=URL, not both")
    first, last = _day("since", since), _day("until", until)
    if first and last and first > last:
        raise BadArgument("until", f"{last} is before since ({first})")
    name = (outlet or "").strip() or None
    if name is not None and len(name) > OUTLET_MAX:
        raise BadArgument("outlet", f"longer than {OUTLET_MAX} characters")
    flag = (alert or "no").strip().lower()
    if flag not in YES + NO:
        raise BadArgument("alert", f"{alert!r} is not yes or no")
    return BackfillArgs(
        urls=read_url_list(urls) if urls else (),
        sitemap=_http("sitemap", sitemap) if sitemap else None,
        since=first,
        until=last,
        outlet=name,
        alert=flag in YES,
    )


class BackfillSpider(ArticleSpider):
    name = "backfill"
    custom_settings = {"FEED_EXPORT_FIELDS": EXPORT_FIELDS, "FEED_EXPORTERS": EXPORTERS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        known = ("urls", "sitemap", "since", "until", "outlet", "alert")
        unknown = sorted(set(kwargs) - set(known))
        if unknown:
            raise BadArgument(unknown[0], f"unknown argument; expected one of {', '.join(known)}")
        self.args = parse_arguments(**{k: kwargs.pop(k) for k in known if k in kwargs})
        super().__init__(*args, **kwargs)
        self.progress_total = len(self.args.urls)

    def operator_urls(self) -> list[str]:
        given = [*self.args.urls, *([self.args.sitemap] if self.args.sitemap else [])]
        return [*super().operator_urls(), *given]

    @property
    def deliver_alerts(self) -> bool:
        """-a alert=yes: the alerts go out at the end of the crawl (crawler.extensions)."""
        return self.args.alert

    def _outlet(self, url: str) -> str:
        return self.args.outlet or urlsplit(url).hostname or url

    def _request(self, url: str, published_hint: Any = None) -> scrapy.Request | None:
        lead = Lead(
            url,
            outlet=self._outlet(url),
            published_hint=published_hint,
            alert=self.args.alert,
            since=self.args.since,
            until=self.args.until,
        )
        return self.article_request(lead)

    def _known(self, url: str, candidates: set[str]) -> Any:
        """The stored article for a URL; a re-run exports it rather than refetching it.

        `candidates` (from one ``Store.maybe_stored`` query per batch) rules out most
        links without a lookup of their own.
        """
        stored = self.store.stored_article(url) if url in candidates else None
        if stored is not None:
            self.count("stored_before")
        return stored

    async def start(self) -> AsyncIterator[Any]:
        if self.args.sitemap:
            yield scrapy.Request(
                self.args.sitemap, callback=self.parse_sitemap, errback=self.sitemap_failed
            )
        for batch in chunks(self.args.urls):
            candidates = self.store.maybe_stored(list(batch))
            for url in batch:
                yield self._known(url, candidates) or self._request(url)

    def parse_sitemap(self, response: Response) -> Any:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap = parse_sitemap(body)
        if sitemap.kind is None:
            logger.error("%s is not a sitemap; nothing to crawl from it", response.url)
            return
        if sitemap.kind == "sitemapindex":
            for entry in sitemap.entries:
                # A sitemap last changed before `since` lists nothing newer than that.
                if in_date_range(entry.date, self.args.since, None):
                    yield response.follow(
                        entry.loc, callback=self.parse_sitemap, errback=self.sitemap_failed
                    )
            return
        since, until = self.args.since, self.args.until
        wanted = [
            (clean_url(e.loc), e.date)
            for e in sitemap.entries
            if in_date_range(e.date, since, until)
        ]
        candidates = self.store.maybe_stored([url for url, _ in wanted])
        for url, published in wanted:
            self.progress_total += 1
            yield self._known(url, candidates) or self._request(url, published_hint=published)

    def sitemap_failed(self, failure: Failure) -> None:
        outcome = describe_failure(failure)
        logger.error("sitemap %s failed: %s", failure.request.url, outcome.error)  # type: ignore[attr-defined]
