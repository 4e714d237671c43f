"""Tables of the store, in portable SQLAlchemy Core (SQLite now, PostgreSQL later).

Times are stored as naive UTC and handed back timezone-aware, so code never compares
naive and aware datetimes whatever the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    # Validators for conditional GET, echoed back as If-None-Match / If-Modified-Since.
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_status", String(40)),  # "200", "304", "timeout", "dns", ...
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("entries_seen", Integer, nullable=False, default=0),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The link as the feed or list gave it, cleaned of tracking parameters.
    Column("url", Text, nullable=False, unique=True),
    Column("canonical_url", Text),
    Column("entry_id", Text),
    Column("feed", String(200)),
    Column("outlet", String(200)),
    Column("title", Text),
    Column("author", Text),
    Column("published", UTCDateTime),
    Column("language", String(16)),
    Column("text", Text),
    Column("content_hash", String(64)),
    Column("discovered_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime),
    # pending | ok | skipped | failed: skipped is final (not HTML), failed is retried.
    Column("fetch_status", String(16), nullable=False, default="pending"),
    Column("fetch_error", Text),
    Column("http_status", Integer),
    Column("attempts", Integer, nullable=False, default=0),
    # The classifier's verdict: the columns people filter on, plus the whole of it as JSON.
    Column("classified_at", UTCDateTime),
    Column("ois", Boolean),
    Column("category", String(20)),
    Column("score", Float),
    Column("verdict", Text),
    Index("ix_articles_canonical_url", "canonical_url"),
    Index("ix_articles_entry_id", "entry_id"),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_fetch_status", "fetch_status"),
)

# Which feeds an article was seen in; an article syndicated to several feeds keeps all.
article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("feed", String(200), primary_key=True),
    Column("first_seen_at", UTCDateTime, nullable=False),
)
