"""The articles' reads of ``Store``: what to fetch, what is stored, how many of each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, or_, select

from records import Article, FetchStatus, Lead, Verdict, codec
from store.links import maybe_stored, needing_fetch
from store.schema import ARTICLE_COLUMNS, articles


def article_of(row: Any) -> Article:
    """A stored article (an ``articles`` row as a mapping) with its verdict; never alerted
    from here (``alert`` false)."""
    verdict = codec.loads(Verdict, row["verdict"]) if row["verdict"] else None
    values = {name: row[name] for name in ARTICLE_COLUMNS}
    values.update(
        canonical_url=row["canonical_url"] or row["url"],
        text=row["text"] or "",
        content_hash=row["content_hash"] or "",
    )
    return Article(url=row["url"], verdict=verdict, alert=False, article_id=row["id"], **values)


class ArticleReads:
    """Article reads of ``Store`` (mixed in; needs ``engine``). Each is one short read."""

    engine: Engine

    def needs_fetch(
        self, url: str, entry_id: str | None, max_attempts: int, *, feed: str | None
    ) -> bool:
        """Whether a link `feed` lists should be fetched: never stored, or failed fewer
        than max times. Its entry id is looked up among that feed's articles only."""
        return self.needing_fetch([(url, entry_id)], max_attempts, feed=feed)[0]

    def needing_fetch(
        self, links: list[tuple[str, str | None]], max_attempts: int, *, feed: str | None
    ) -> list[bool]:
        """``needs_fetch`` for each (url, entry_id) of a batch, in one or two queries."""
        if not links:
            return []
        with self.engine.connect() as conn:
            return needing_fetch(conn, links, max_attempts, feed)

    def maybe_stored(self, urls: list[str]) -> set[str]:
        """Those of `urls` for which ``stored_article`` may find something; the others
        certainly lead to no stored article."""
        if not urls:
            return set()
        with self.engine.connect() as conn:
            return maybe_stored(conn, urls)

    def failed_attempts(self, url: str) -> int:
        """How many failed fetches are recorded for ``url``; 0 if none or not failed."""
        query = select(articles.c.fetch_status, articles.c.attempts).where(articles.c.url == url)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.fetch_status != FetchStatus.FAILED:
            return 0
        return int(row.attempts or 1)

    def articles_to_retry(self, max_attempts: int) -> list[Lead]:
        """Feed articles whose fetch failed fewer than max_attempts times, oldest first.

        A feed answering 304 is not re-read, so its failed entries are retried from here.
        """
        query = (
            select(
                articles.c.url,
                articles.c.feed,
                articles.c.outlet,
                articles.c.entry_id,
            )
            .where(
                articles.c.fetch_status == FetchStatus.FAILED,
                articles.c.attempts < max_attempts,
                articles.c.feed.is_not(None),
            )
            .order_by(articles.c.discovered_at)
        )
        with self.engine.connect() as conn:
            return [Lead(**row) for row in conn.execute(query).mappings()]

    def stored_article(self, url: str) -> Article | None:
        """The stored article a link leads to (itself, its canonical, or what it duplicates)."""
        with self.engine.connect() as conn:
            own = conn.execute(select(articles).where(articles.c.url == url)).mappings().first()
            row = own if own is not None and own["fetch_status"] == FetchStatus.OK else None
            if row is None:
                canonical = own["canonical_url"] if own is not None else None
                wanted = [articles.c.canonical_url == url]
                if canonical:
                    wanted.append(articles.c.canonical_url == canonical)
                # The status is checked here, not in SQL: given both, SQLite may scan the
                # status index (nearly every row is "ok") instead of the canonical one.
                query = select(articles).where(or_(*wanted)).order_by(articles.c.id)
                rows = conn.execute(query).mappings()
                row = next((r for r in rows if r["fetch_status"] == FetchStatus.OK), None)
        return None if row is None else article_of(row)

    def article_counts(self, since: datetime | None = None) -> dict[str, int]:
        query = select(articles.c.fetch_status, func.count()).group_by(articles.c.fetch_status)
        if since is not None:
            query = query.where(articles.c.discovered_at >= since)
        with self.engine.connect() as conn:
            return {status: n for status, n in conn.execute(query).all()}
