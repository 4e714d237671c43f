"""Which of a batch of links the store already knows: one query per batch, not per link.

A backfill starts with thousands of URLs and a feed poll with dozens of entries; asking
about each one cost a round trip and most of the crawl process's store time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, or_, select

from records import FetchStatus
from store.schema import articles

# Links per query: each is bound up to three times, and old SQLite builds allow 999 parameters.
BATCH = 300


def chunks(items: Sequence[str], size: int = BATCH) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def maybe_stored(conn: Connection, urls: Sequence[str]) -> set[str]:
    """The URLs that may lead to a stored article (see ``Store.stored_article``).

    A link not in the result certainly leads to none: it has no row of its own and no
    stored article gives it as its canonical URL. Those in it need the exact lookup.
    """
    found: set[str] = set()
    for chunk in chunks(list(dict.fromkeys(urls))):
        wanted = set(chunk)
        query = select(articles.c.url, articles.c.canonical_url, articles.c.fetch_status).where(
            or_(articles.c.url.in_(chunk), articles.c.canonical_url.in_(chunk))
        )
        for url, canonical, status in conn.execute(query):
            if url in wanted:
                found.add(url)
            if status == FetchStatus.OK and canonical in wanted:
                found.add(canonical)
    return found


def needing_fetch(
    conn: Connection,
    links: Sequence[tuple[str, str | None]],
    max_attempts: int,
    feed: str | None,
) -> list[bool]:
    """For each (url, entry_id) listed by `feed`: whether to fetch it, as
    ``Store.needs_fetch`` decides.

    A link is fetched when no row has it as its URL or canonical URL, and no row of the
    same feed shares its entry id, unless all such rows are failures with attempts to
    spare. Entry ids are only unique within a feed: CMS exports number their items
    (``<guid isPermaLink="false">12345</guid>``), so another outlet's item 12345 is
    another story. A story syndicated under one URL is still caught by its URL.
    """
    urls = list(dict.fromkeys(url for url, _ in links))
    ids = list(dict.fromkeys(entry_id for _, entry_id in links if entry_id))
    rows: list[tuple[str, str | None, str | None, str, int]] = []
    columns = (
        articles.c.url,
        articles.c.canonical_url,
        articles.c.entry_id,
        articles.c.fetch_status,
        articles.c.attempts,
    )
    for chunk in chunks(urls):
        query = select(*columns).where(
            or_(articles.c.url.in_(chunk), articles.c.canonical_url.in_(chunk))
        )
        rows.extend(tuple(row) for row in conn.execute(query))
    same_feed = articles.c.feed.is_(None) if feed is None else articles.c.feed == feed
    for chunk in chunks(ids):
        query = select(*columns).where(articles.c.entry_id.in_(chunk), same_feed)
        rows.extend(tuple(row) for row in conn.execute(query))
    by_key: dict[tuple[str, str | None], set[tuple[str, str, int]]] = {}
    for url, canonical, entry_id, status, attempts in rows:
        row = (url, status, attempts)  # the url makes rows found twice count once
        for key in (("link", url), ("link", canonical), ("id", entry_id)):
            if key[1]:
                by_key.setdefault(key, set()).add(row)
    answers = []
    for url, entry_id in links:
        matched = by_key.get(("link", url), set())
        if entry_id:
            matched = matched | by_key.get(("id", entry_id), set())
        answers.append(
            all(
                status == FetchStatus.FAILED and attempts < max_attempts
                for _, status, attempts in matched
            )
        )
    return answers
