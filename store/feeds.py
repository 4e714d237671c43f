"""The feeds' side of the store: each feed's validators, last poll and failures."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from store.engine import utcnow
from store.schema import feeds


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
    rest_until: datetime | None = None


class FeedRecords:
    """Feed reads and writes of ``Store`` (mixed in; needs ``engine`` and ``begin``)."""

    engine: Engine

    def begin(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

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
        rest_until: datetime | None = None,
    ) -> None:
        """Record one poll of a feed. A fetch that read the feed (not a 304) replaces its
        validators with `etag` / `last_modified`: pass None until its entries are fetched.
        `rest_until`: the server asked not to be polled again before then (Retry-After)."""
        now = now or utcnow()
        with self.begin() as conn:
            state = conn.execute(select(feeds).where(feeds.c.name == name)).mappings().first()
            values: dict[str, Any] = {
                "url": url,
                "last_polled_at": now,
                "last_status": status,
                "last_error": error,
                "rest_until": rest_until,
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
