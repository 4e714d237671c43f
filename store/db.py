"""The store: one SQLAlchemy engine and the article writes the crawl needs.

Its article reads are in ``store.reads`` and its feed records in ``store.feeds``, mixed in.

Each public method is one short transaction, so a crash mid-crawl loses only what was
in flight and leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    or_,
    select,
    update,
)

from records import Article, FetchFailure, FetchStatus, Lead, codec
from store.backends import backend_for
from store.engine import StoreError, inserted_id, make_engine, strip_nul, utcnow
from store.feeds import FeedRecords
from store.migrate import upgrade
from store.reads import ArticleReads
from store.schema import article_sources, articles

# Statements of the per-article write path, built once: SQLAlchemy then reuses their
# compiled form, where building a statement per call cost more than running it.
_ROWS_FOR_LINK = select(
    articles.c.id, articles.c.url, articles.c.canonical_url, articles.c.fetch_status
).where(or_(articles.c.url == bindparam("url"), articles.c.canonical_url == bindparam("canonical")))
_INSERT_ARTICLE = articles.insert()
_UPDATE_ARTICLE = (
    update(articles)
    .where(articles.c.id == bindparam("row_id"))
    .values(attempts=articles.c.attempts + 1)
)
_SOURCE_EXISTS = select(article_sources.c.feed).where(
    article_sources.c.article_id == bindparam("article_id"),
    article_sources.c.feed == bindparam("feed"),
)
_INSERT_SOURCE = article_sources.insert()


class Store(FeedRecords, ArticleReads):
    def __init__(self, url: str) -> None:
        self.url = url
        self.backend = backend_for(url)
        self.engine = make_engine(url)
        try:
            upgrade(self.engine)
        except Exception as exc:  # noqa: BLE001 - any driver error means the same to the user
            self.engine.dispose()
            raise StoreError(f"[storage] url: cannot open {url!r}: {exc}") from exc

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- article writes ------------------------------------------------------------------

    def record_source(
        self, conn: Connection, article_id: int, feed: str | None, *, new: bool = False
    ) -> None:
        """Note that `feed` listed the article; `new`: the article row was just inserted,
        so it has no sources yet and the lookup is skipped."""
        if not feed:
            return
        key = {"article_id": article_id, "feed": feed}
        if new or not conn.execute(_SOURCE_EXISTS, key).first():
            conn.execute(_INSERT_SOURCE, {**key, "first_seen_at": utcnow()})

    def record_failure(
        self, lead: Lead, failure: FetchFailure, now: datetime | None = None
    ) -> None:
        """Record a fetch that did not give an article: ``failed`` is retried, ``skipped`` not."""
        now = now or utcnow()
        with self.begin() as conn:
            row = conn.execute(
                select(articles.c.id, articles.c.fetch_status).where(articles.c.url == lead.url)
            ).first()
            if row is not None and row.fetch_status in (FetchStatus.OK, FetchStatus.DUPLICATE):
                return  # never overwrite an article we already have
            values = {
                "fetch_status": failure.status,
                "fetch_error": strip_nul(failure.error[:2000]),
                "http_status": failure.http_status,
                "fetched_at": now,
            }
            if row is None:
                conn.execute(
                    articles.insert().values(
                        url=lead.url,
                        entry_id=lead.entry_id,
                        feed=lead.feed,
                        outlet=lead.outlet,
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
        """The stored article, under another link, whose canonical URL is `canonical_url`."""
        rows = conn.execute(_ROWS_FOR_LINK, {"url": None, "canonical": canonical_url}).all()
        return _original(rows, canonical_url, url)

    def store_article(
        self, conn: Connection, article: Article, now: datetime | None = None
    ) -> tuple[int, int | None]:
        """Save the article, or keep it as a duplicate when its canonical URL is an article
        already stored under another link: (article id, None) or (original id, original id).

        ``find_by_canonical`` + ``save_article`` / ``mark_duplicate`` in one lookup.
        """
        rows = conn.execute(
            _ROWS_FOR_LINK, {"url": article.url, "canonical": article.canonical_url}
        ).all()
        own = next((row.id for row in rows if row.url == article.url), None)
        original = _original(rows, article.canonical_url, article.url)
        if original is not None:
            self.mark_duplicate(conn, article, original, now, own_id=own)
            return original, original
        return self.save_article(conn, article, now, own_id=own), None

    def save_article(
        self,
        conn: Connection,
        article: Article,
        now: datetime | None = None,
        *,
        own_id: int | None | EllipsisType = ...,
    ) -> int:
        """Insert or complete the article's row inside the caller's transaction.

        Callers check ``find_by_canonical`` first and use ``mark_duplicate`` for a second
        link to an article already stored (``store_article`` does both). `own_id`: the id
        of the row with the article's URL (None: there is none), when the caller knows it.
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
            "fetch_status": FetchStatus.OK,
            "fetch_error": None,
            "http_status": article.http_status,
        }
        values = {key: strip_nul(value) for key, value in values.items()}
        if verdict is not None:
            values.update(
                classified_at=now,
                ois=verdict.ois,
                category=verdict.category,
                score=verdict.score,
                verdict=codec.dumps(verdict),
            )
        if own_id is ...:
            own_id = self._row_id(conn, article.url)
        if own_id is None:
            result = conn.execute(
                _INSERT_ARTICLE, {"url": article.url, "discovered_at": now, "attempts": 1, **values}
            )
            article_id = inserted_id(result)
        else:
            article_id = own_id
            conn.execute(_UPDATE_ARTICLE, {"row_id": article_id, **values})
        self.record_source(conn, article_id, article.feed, new=own_id is None)
        return article_id

    def _row_id(self, conn: Connection, url: str) -> int | None:
        row = conn.execute(select(articles.c.id).where(articles.c.url == url)).first()
        return int(row.id) if row else None

    def mark_duplicate(
        self,
        conn: Connection,
        article: Article,
        original_id: int,
        now: datetime | None = None,
        *,
        own_id: int | None | EllipsisType = ...,
    ) -> None:
        """Keep a second link to an article we have, so it is never fetched again."""
        now = now or utcnow()
        values = {
            "canonical_url": article.canonical_url,
            "entry_id": article.entry_id,
            "feed": article.feed,
            "outlet": article.outlet,
            "fetch_status": FetchStatus.DUPLICATE,
            "fetch_error": f"same canonical URL as article {original_id}",
            "fetched_at": now,
        }
        if own_id is ...:
            own_id = self._row_id(conn, article.url)
        if own_id is None:
            conn.execute(
                _INSERT_ARTICLE, {"url": article.url, "discovered_at": now, "attempts": 1, **values}
            )
        else:
            conn.execute(update(articles).where(articles.c.id == own_id).values(**values))
        self.record_source(conn, original_id, article.feed)


def _original(rows: Any, canonical_url: str, url: str) -> int | None:
    """The first stored article among `rows` with that canonical URL under another link.

    Filtered here rather than in SQL for the reason given in ``ArticleReads.stored_article``.
    """
    ids = [
        row.id
        for row in rows
        if row.canonical_url == canonical_url
        and row.url != url
        and row.fetch_status == FetchStatus.OK
    ]
    return min(ids) if ids else None
