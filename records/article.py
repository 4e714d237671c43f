"""The crawl's records. Frozen: each pipeline stage returns a new one with its part filled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from records.codec import Timestamp
from records.status import FetchStatus
from records.verdict import Verdict


@dataclass(frozen=True, repr=False)
class Article:
    """One fetched and extracted article, as stored and as exported by ``-O``."""

    url: str  # the link we were given, cleaned of tracking parameters
    canonical_url: str
    title: str | None
    outlet: str | None
    published: Timestamp | None
    feed: str | None = None
    entry_id: str | None = None
    author: str | None = None
    language: str | None = None
    text: str = ""
    content_hash: str = ""
    fetched_at: Timestamp | None = None
    http_status: int | None = None
    # The classifier's verdict once the classify stage has run.
    verdict: Verdict | None = None
    # Whether the article may raise alerts (a backfill sends none unless asked).
    alert: bool = True
    # Set by the store stage (or when read back from the store): the article's row id.
    # A duplicate never gets this far: the store stage drops it.
    article_id: int | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        # Without the text: a repr ends up in logs and tracebacks.
        ois = self.verdict.ois if self.verdict is not None else None
        return (
            f"Article(url={self.url!r}, canonical_url={self.canonical_url!r}, "
            f"title={self.title!r}, ois={ois!r}, article_id={self.article_id!r})"
        )


@dataclass(frozen=True)
class Lead:
    """A link to fetch and what we knew of it before fetching: where it came from (a feed
    entry, a sitemap, a URL list) and the bounds of a backfill. Carried whole from the
    request to the store, whatever becomes of the page."""

    url: str  # the link as given (cleaned): the key the store knows it by
    outlet: str | None = None
    feed: str | None = None
    entry_id: str | None = None
    title_hint: str | None = None  # the feed's title, used when the page has none
    published_hint: Timestamp | None = None  # the feed's or sitemap's date
    alert: bool = True  # a backfill's articles raise alerts only when asked
    # A backfill's bounds: pages whose extracted date falls outside are not kept.
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, repr=False)
class FetchedPage:
    """A downloaded page on its way from a spider to ProcessPipeline, which extracts it."""

    lead: Lead
    final_url: str  # where redirects ended; relative links resolve against it
    body: bytes
    encoding: str | None  # what Scrapy decoded the response with (headers, meta, sniffing)
    http_status: int

    @property
    def url(self) -> str:
        return self.lead.url

    def __repr__(self) -> str:
        # Without the body: a repr ends up in logs and tracebacks.
        return (
            f"FetchedPage(url={self.url!r}, final_url={self.final_url!r}, "
            f"http_status={self.http_status}, body={len(self.body)} bytes)"
        )


@dataclass(frozen=True)
class FetchFailure:
    """Why a lead gave no article, in the terms an operator reads in the store and the log."""

    status: FetchStatus  # FAILED is retried on later polls; SKIPPED never
    error: str
    http_status: int | None = None
