"""Tables of the store, in portable SQLAlchemy Core (SQLite now, PostgreSQL later).

Times are stored as naive UTC and handed back timezone-aware, so code never compares
naive and aware datetimes whatever the backend.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
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
    UniqueConstraint,
)

from records import Article, FetchStatus


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
    # Asked for by the feed's server (429/503 with Retry-After): not polled before this.
    Column("rest_until", UTCDateTime),
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
    # ok | duplicate | skipped | failed (pending only as the default): skipped is final
    # (not HTML, no article text, robots.txt), failed is retried, duplicate is a second
    # link to a stored article.
    Column("fetch_status", String(16), nullable=False, default=FetchStatus.PENDING.value),
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

# The fields of records.Article kept in a column of the same name, written and read as they
# are (the link itself and the verdict, kept as JSON, aside).
ARTICLE_COLUMNS = tuple(
    f.name for f in fields(Article) if f.name in articles.c and f.name not in ("url", "verdict")
)

# Which feeds an article was seen in; an article syndicated to several feeds keeps all.
article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("feed", String(200), primary_key=True),
    Column("first_seen_at", UTCDateTime, nullable=False),
)

# -- alerts (alerts/) --------------------------------------------------------------------
# Reports of one shooting grouped together; `uid` is random once, then keys Message-IDs.
incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uid", String(40), nullable=False, unique=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("first_article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("title", Text),
    Column("city", String(200)),
    Column("state", String(8)),
    Column("event_date", Date),
    Column("agencies", Text, nullable=False, default="[]"),  # JSON list of agency keys
    # The city folded (``incidents.db.place_key``): with the date and the names below,
    # what finds an article's candidate incidents without reading every open one.
    Column("place_key", String(200)),
    # Merged facts in the trackers' shape (``incidents.facts``), JSON.
    Column("facts", Text),
    # Set when an editor (or a later report) showed it to be the same shooting as another:
    # its reports moved there, and links to it lead there.
    Column("merged_into", Integer, ForeignKey("incidents.id")),
    Index("ix_incidents_updated_at", "updated_at"),
    Index("ix_incidents_event_date", "event_date"),
    Index("ix_incidents_place_updated", "place_key", "updated_at"),
)

# Names an incident is found by whatever its age: "victim:<family name>", "officer:<...>".
incident_keys = Table(
    "incident_keys",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("incident_id", Integer, ForeignKey("incidents.id"), primary_key=True),
    Index("ix_incident_keys_incident", "incident_id"),
)

# Each article of an incident, how it joined, and what sameness is judged on.
incident_articles = Table(
    "incident_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("incident_id", Integer, ForeignKey("incidents.id"), nullable=False),
    Column("relation", String(16), nullable=False),  # first | update | copy
    Column("similarity", Float),
    Column("signature", Text, nullable=False),  # MinHash of word shingles, hex
    Column("names", Text, nullable=False, default="[]"),  # JSON list of proper-noun tokens
    Column("attached_at", UTCDateTime, nullable=False),
    Index("ix_incident_articles_incident", "incident_id"),
)

# One alert: what happened (event) and a snapshot of what to say, rendered at send time.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "article:<id>", "digest:<date>": one alert per key, whatever calls enqueue twice.
    Column("key", String(200), nullable=False, unique=True),
    Column("event", String(32), nullable=False),  # incident.new | incident.update | digest
    Column("incident_id", Integer, ForeignKey("incidents.id")),
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("payload", Text, nullable=False),  # JSON snapshot (alerts.records.Alert)
)

# One row per (alert, destination), written in the transaction that stores the verdict.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("destination", String(120), nullable=False),  # email | webhook:<hash> | ...
    Column("delivery_id", String(80), nullable=False, unique=True),
    Column("status", String(12), nullable=False),  # pending | sent | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    # Age for the dead-letter rule counts from here; a resend restarts it.
    Column("queued_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_attempt_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("last_error", Text),
    UniqueConstraint("alert_id", "destination", name="uq_outbox_alert_destination"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)
