"""A row per poll cycle: when it ran, for whom, and its counts.

``oiswatch status`` reads the latest; a row left without ``finished_at`` is a cycle that was
killed mid-way (its work is picked up by the next one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Engine, Integer, String, Table, Text, func, select, update

from store.engine import inserted_id
from store.schema import UTCDateTime, feeds, metadata

poll_runs = Table(
    "poll_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trigger", String(20), nullable=False),  # run | poll | demo
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("feeds_fetched", Integer),
    Column("feeds_not_modified", Integer),
    Column("feeds_failed", Integer),
    Column("new_articles", Integer),
    Column("flagged", Integer),
    Column("alerts_sent", Integer),
    Column("alerts_failed", Integer),
    Column("error", Text),
)


@dataclass(frozen=True)
class PollCounts:
    feeds_fetched: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    flagged: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0


@dataclass(frozen=True)
class PollRun:
    id: int
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    counts: PollCounts | None
    error: str | None


def ensure_table(engine: Engine) -> None:
    poll_runs.create(engine, checkfirst=True)


def start_run(engine: Engine, trigger: str, now: datetime) -> int:
    with engine.begin() as conn:
        result = conn.execute(poll_runs.insert().values(trigger=trigger, started_at=now))
        return inserted_id(result)


def finish_run(
    engine: Engine, run_id: int, counts: PollCounts, now: datetime, error: str | None = None
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(poll_runs)
            .where(poll_runs.c.id == run_id)
            .values(finished_at=now, error=error, **asdict(counts))
        )


def _run(row: Mapping[str, Any]) -> PollRun:
    counts = None
    if row["finished_at"] is not None:
        counts = PollCounts(**{f.name: row[f.name] or 0 for f in fields(PollCounts)})
    return PollRun(
        row["id"], row["trigger"], row["started_at"], row["finished_at"], counts, row["error"]
    )


def recover_interrupted(engine: Engine, now: datetime) -> int:
    """Close the rows of cycles that never finished (the process died); how many there were.

    Called by whoever holds the store lock, so an unfinished row cannot belong to a live
    process.
    """
    ensure_table(engine)
    with engine.begin() as conn:
        return conn.execute(
            update(poll_runs)
            .where(poll_runs.c.finished_at.is_(None))
            .values(finished_at=now, error="interrupted: the process stopped mid-poll")
        ).rowcount


def forget_validators(engine: Engine, names: list[str] | None = None) -> None:
    """Drop the feeds' ETag / Last-Modified so their next poll reads them in full.

    The feeds spider keeps validators only from a crawl that finished; the daemon calls
    this after a crash as well, for validators saved otherwise (an older version).
    """
    query = update(feeds).values(etag=None, last_modified=None)
    if names is not None:
        query = query.where(feeds.c.name.in_(names))
    with engine.begin() as conn:
        conn.execute(query)


def recent_runs(engine: Engine, limit: int = 10) -> list[PollRun]:
    ensure_table(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(poll_runs).order_by(poll_runs.c.id.desc()).limit(limit)
        ).mappings()
        return [_run(dict(r)) for r in rows]


def count_finished(engine: Engine) -> int:
    ensure_table(engine)
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(poll_runs.c.finished_at.is_not(None))
            ).scalar_one()
        )
