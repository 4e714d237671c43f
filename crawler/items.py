"""The crawl's records. Frozen: each pipeline stage returns a new one with its part filled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Article:
    """One fetched and extracted article, as stored and as exported by ``-O``."""

    url: str  # the link we were given, cleaned of tracking parameters
    canonical_url: str
    title: str | None
    outlet: str | None
    published: datetime | None
    feed: str | None = None
    entry_id: str | None = None
    author: str | None = None
    language: str | None = None
    text: str = ""
    content_hash: str = ""
    fetched_at: datetime | None = None
    http_status: int | None = None
    # The classifier's verdict (classifier.Verdict) once the classify stage has run.
    verdict: Any = None
    # Whether the article may raise alerts (a backfill sends none unless asked).
    alert: bool = True
    # Set by the store stage: the article's row id, and whether it was a duplicate.
    article_id: int | None = field(default=None, compare=False)
    duplicate_of: int | None = field(default=None, compare=False)


# Fields written by ``scrapy crawl backfill -O FILE``: what a data desk needs, not the body.
EXPORT_FIELDS = ["url", "canonical_url", "title", "outlet", "published", "verdict"]
