"""The store: one SQLAlchemy engine and the reads and writes the crawl needs.

Each public method is one short transaction, so a crash mid-crawl loses only what was
in flight and leaves nothing half-written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from crawler.items import Article
from store.migrate import upgrade
from store.schema import article_sources, articles, feeds


class StoreError(RuntimeError):
    """The store cannot be opened or used."""


@dataclass(frozen=True)
class FeedState:
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    entries_seen: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def _clean(value: Any) -> Any:
    """Drop NUL characters: PostgreSQL text cannot hold them, and broken pages contain them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"[storage] url: not a database URL: {url!r} ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets `oiswatch status` read while the daemon writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        try:
            upgrade(self.engine)
        except Exception as exc:  # noqa: BLE001 - any driver error means the same to the user
            raise StoreError(f"[storage] url: cannot open {url!r}: {exc}") from exc

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- feeds ---------------------------------------------------------------------------

    def feed_state(self, name: str) -> FeedState | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.name == name)).mappings().first()
        return FeedState(**row) if row else None

    def all_feed_states(self) -> list[FeedState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(feeds).order_by(feeds.c.name)).mappings().all()
        return [FeedState(**r) for r in rows]

    def record_feed_poll(
        self,
        name: str,
        url: str,
        *,
        status: str,
        ok: bool,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        entries: int = 0,
        now: datetime | None = None,
    ) -> None:
        """Record one poll of a feed. A fetch that read the feed (not a 304) replaces its
        validators with `etag` / `last_modified`: pass None until its entries are fetched."""
        now = now or utcnow()
        with self.begin() as conn:
            state = conn.execute(select(feeds).where(feeds.c.name == name)).mappings().first()
            values: dict[str, Any] = {
                "url": url,
                "last_polled_at": now,
                "last_status": status,
                "last_error": error,
            }
            if ok:
                values.update(last_success_at=now, consecutive_failures=0)
                if status != "304":
                    values.update(etag=etag, last_modified=last_modified)
            if state is None:
                values.setdefault("consecutive_failures", 0 if ok else 1)
                conn.execute(feeds.insert().values(name=name, entries_seen=entries, **values))
            else:
                if not ok:
                    values["consecutive_failures"] = state["consecutive_failures"] + 1
                values["entries_seen"] = state["entries_seen"] + entries
                conn.execute(update(feeds).where(feeds.c.name == name).values(**values))

    def save_validators(
        self, name: str, url: str, etag: str | None, last_modified: str | None
    ) -> None:
        """Keep a feed's ETag / Last-Modified for the next poll's conditional GET.

        Called only once every entry of the response they came with has been dealt with: a
        crawl that dies before that must read the feed in full next time.
        """
        with self.begin() as conn:
            conn.execute(
                update(feeds)
                .where(feeds.c.name == name, feeds.c.url == url)
                .values(etag=etag, last_modified=last_modified)
            )

    # -- articles ------------------------------------------------------------------------

    def needs_fetch(self, url: str, entry_id: str | None, max_attempts: int) -> bool:
        """Whether a link should be fetched: never stored, or failed fewer than max times."""
        conds = [articles.c.url == url, articles.c.canonical_url == url]
        if entry_id:
            conds.append(articles.c.entry_id == entry_id)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.fetch_status, articles.c.attempts).where(or_(*conds))
            ).all()
        if not rows:
            return True
        return all(status == "failed" and attempts < max_attempts for status, attempts in rows)

    def articles_to_retry(self, max_attempts: int) -> list[dict[str, Any]]:
        """Feed articles whose fetch failed fewer than max_attempts times, oldest first.

        A feed answering 304 is not re-read, so its failed entries are retried from here.
        """
        query = (
            select(
                articles.c.url,
                articles.c.feed,
                articles.c.outlet,
                articles.c.entry_id,
                articles.c.title,
            )
            .where(
                articles.c.fetch_status == "failed",
                articles.c.attempts < max_attempts,
                articles.c.feed.is_not(None),
            )
            .order_by(articles.c.discovered_at)
        )
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def record_source(self, conn: Connection, article_id: int, feed: str | None) -> None:
        if not feed:
            return
        exists = conn.execute(
            select(article_sources.c.feed).where(
                article_sources.c.article_id == article_id, article_sources.c.feed == feed
            )
        ).first()
        if not exists:
            conn.execute(
                article_sources.insert().values(
                    article_id=article_id, feed=feed, first_seen_at=utcnow()
                )
            )

    def record_failure(
        self,
        url: str,
        *,
        status: str,
        error: str,
        http_status: int | None = None,
        feed: str | None = None,
        outlet: str | None = None,
        entry_id: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record a fetch that did not give an article: ``failed`` is retried, ``skipped`` not."""
        now = now or utcnow()
        with self.begin() as conn:
            row = conn.execute(
                select(articles.c.id, articles.c.fetch_status).where(articles.c.url == url)
            ).first()
            if row is not None and row.fetch_status in ("ok", "duplicate"):
                return  # never overwrite an article we already have
            values = {
                "fetch_status": status,
                "fetch_error": _clean(error[:2000]),
                "http_status": http_status,
                "fetched_at": now,
            }
            if row is None:
                conn.execute(
                    articles.insert().values(
                        url=url,
                        entry_id=entry_id,
                        feed=feed,
                        outlet=outlet,
                        discovered_at=now,
                        attempts=1,
                        **values,
                    )
                )
            else:
                conn.execute(
                    update(articles)
                    .where(articles.c.id == row.id)
                    .values(attempts=articles.c.attempts + 1, **values)
                )

    def find_by_canonical(self, conn: Connection, canonical_url: str, url: str) -> int | None:
        row = conn.execute(
            select(articles.c.id).where(
                articles.c.canonical_url == canonical_url,
                articles.c.url != url,
                articles.c.fetch_status == "ok",
            )
        ).first()
        return row.id if row else None

    def save_article(self, conn: Connection, article: Article, now: datetime | None = None) -> int:
        """Insert or complete the article's row inside the caller's transaction.

        Callers check ``find_by_canonical`` first and use ``mark_duplicate`` for a second
        link to an article already stored.
        """
        now = now or utcnow()
        verdict = article.verdict
        values: dict[str, Any] = {
            "canonical_url": article.canonical_url,
            "entry_id": article.entry_id,
            "feed": article.feed,
            "outlet": article.outlet,
            "title": article.title,
            "author": article.author,
            "published": article.published,
            "language": article.language,
            "text": article.text,
            "content_hash": article.content_hash,
            "fetched_at": article.fetched_at or now,
            "fetch_status": "ok",
            "fetch_error": None,
            "http_status": article.http_status,
        }
        values = {key: _clean(value) for key, value in values.items()}
        if verdict is not None:
            values.update(
                classified_at=now,
                ois=verdict.ois,
                category=verdict.category,
                score=verdict.score,
                verdict=json.dumps(verdict.to_dict(), sort_keys=True),
            )
        row = conn.execute(select(articles.c.id).where(articles.c.url == article.url)).first()
        if row is None:
            result = conn.execute(
                articles.insert().values(url=article.url, discovered_at=now, attempts=1, **values)
            )
            article_id = int(result.inserted_primary_key[0])
        else:
            article_id = int(row.id)
            conn.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(attempts=articles.c.attempts + 1, **values)
            )
        self.record_source(conn, article_id, article.feed)
        return article_id

    def mark_duplicate(
        self, conn: Connection, article: Article, original_id: int, now: datetime | None = None
    ) -> None:
        """Keep a second link to an article we have, so it is never fetched again."""
        now = now or utcnow()
        values = {
            "canonical_url": article.canonical_url,
            "entry_id": article.entry_id,
            "feed": article.feed,
            "outlet": article.outlet,
            "fetch_status": "duplicate",
            "fetch_error": f"same canonical URL as article {original_id}",
            "fetched_at": now,
        }
        row = conn.execute(select(articles.c.id).where(articles.c.url == article.url)).first()
        if row is None:
            conn.execute(
                articles.insert().values(url=article.url, discovered_at=now, attempts=1, **values)
            )
        else:
            conn.execute(update(articles).where(articles.c.id == row.id).values(**values))
        self.record_source(conn, original_id, article.feed)

    def stored_article(self, url: str) -> Article | None:
        """The stored article a link leads to (itself, its canonical, or what it duplicates)."""
        ok = articles.c.fetch_status == "ok"
        with self.engine.connect() as conn:
            own = conn.execute(select(articles).where(articles.c.url == url)).mappings().first()
            row = own if own is not None and own["fetch_status"] == "ok" else None
            if row is None:
                canonical = own["canonical_url"] if own is not None else None
                wanted = [articles.c.canonical_url == url]
                if canonical:
                    wanted.append(articles.c.canonical_url == canonical)
                query = select(articles).where(or_(*wanted), ok).order_by(articles.c.id)
                row = conn.execute(query).mappings().first()
        if row is None:
            return None
        verdict = None
        if row["verdict"]:
            from classifier import Verdict  # the store reads verdicts; it does not need rules

            verdict = Verdict.from_dict(json.loads(row["verdict"]))
        return Article(
            url=row["url"],
            canonical_url=row["canonical_url"] or row["url"],
            title=row["title"],
            outlet=row["outlet"],
            published=row["published"],
            feed=row["feed"],
            entry_id=row["entry_id"],
            author=row["author"],
            language=row["language"],
            text=row["text"] or "",
            content_hash=row["content_hash"] or "",
            fetched_at=row["fetched_at"],
            http_status=row["http_status"],
            verdict=verdict,
            alert=False,
            article_id=row["id"],
        )

    def article_counts(self, since: datetime | None = None) -> dict[str, int]:
        query = select(articles.c.fetch_status, func.count()).group_by(articles.c.fetch_status)
        if since is not None:
            query = query.where(articles.c.discovered_at >= since)
        with self.engine.connect() as conn:
            return {status: n for status, n in conn.execute(query).all()}
