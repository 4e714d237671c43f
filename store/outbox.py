"""The outbox: one row per (alert, destination), and every change a delivery makes to it.

Rows are written inside the transaction that stores the article, so a crash either keeps
both or neither. Sending claims a row first (an atomic conditional update that pushes its
next attempt a lease ahead), then sends, then records: a crash between sending and
recording leaves the row due again once the lease runs out, and the receiver sees the one
documented duplicate, with the same delivery id.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, func, or_, select, update

from records import OutboxStatus
from records.codec import Timestamp
from store.schema import alerts, outbox

MAX_BACKOFF_SECONDS = 6 * 3600


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    alert_id: int
    destination: str
    delivery_id: str
    status: OutboxStatus
    attempts: int
    created_at: Timestamp
    queued_at: Timestamp
    next_attempt_at: Timestamp
    last_attempt_at: Timestamp | None
    sent_at: Timestamp | None
    last_error: str | None
    event: str = ""
    key: str = ""  # the alert's key, e.g. "article:12"


@dataclass(frozen=True)
class Claim:
    """A row leased to one dispatcher, and the stored JSON of its alert."""

    entry: OutboxEntry
    payload: str


def backoff_seconds(attempts: int, base: float, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempts``: doubling from ``base``, capped, jittered.

    The jitter keeps the delay within [half, all] of the doubled value, so many alerts
    failing together (one dead receiver) do not all retry in the same second.
    """
    rng = rng or random.Random()
    full = min(base * 2.0 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    return full * (0.5 + rng.random() / 2)


def add(conn: Connection, alert_id: int, keys: Iterable[str], now: datetime) -> int:
    """Queue ``alert_id`` for each destination key; returns how many rows were written."""
    n = 0
    for key in keys:
        conn.execute(
            outbox.insert().values(
                alert_id=alert_id,
                destination=key,
                delivery_id=f"{alert_id}-{uuid.uuid4().hex[:24]}",
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=now,
                queued_at=now,
                next_attempt_at=now,
            )
        )
        n += 1
    return n


def _query() -> Select[Any]:
    return select(outbox, alerts.c.event, alerts.c.key).join(
        alerts, alerts.c.id == outbox.c.alert_id
    )


def _entry(row: Row[Any]) -> OutboxEntry:
    return replace(OutboxEntry(**row._mapping), status=OutboxStatus(row.status))


def due(
    conn: Connection,
    now: datetime,
    limit: int = 100,
    ids: Iterable[int] | None = None,
    destination: str | None = None,
) -> list[OutboxEntry]:
    query = (
        _query()
        .where(outbox.c.status == OutboxStatus.PENDING, outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(outbox.c.id.in_(list(ids)))
    if destination is not None:
        query = query.where(outbox.c.destination == destination)
    rows = conn.execute(query).all()
    return [_entry(r) for r in rows]


def due_destinations(
    conn: Connection, now: datetime, ids: Iterable[int] | None = None
) -> list[str]:
    """The destination keys with rows due, each once, the longest-waiting first."""
    query = (
        select(outbox.c.destination, func.min(outbox.c.next_attempt_at).label("first"))
        .where(outbox.c.status == OutboxStatus.PENDING, outbox.c.next_attempt_at <= now)
        .group_by(outbox.c.destination)
        .order_by("first", outbox.c.destination)
    )
    if ids is not None:
        query = query.where(outbox.c.id.in_(list(ids)))
    return [str(row[0]) for row in conn.execute(query).all()]


def get(conn: Connection, entry_id: int) -> OutboxEntry | None:
    row = conn.execute(_query().where(outbox.c.id == entry_id)).first()
    return _entry(row) if row else None


def entries(
    conn: Connection, status: OutboxStatus | None = None, limit: int = 200
) -> list[OutboxEntry]:
    query = _query().order_by(outbox.c.id.desc()).limit(limit)
    if status:
        query = query.where(outbox.c.status == status)
    return [_entry(r) for r in conn.execute(query).all()]


def counts(conn: Connection) -> dict[str, int]:
    """Rows per status, for `oiswatch status`."""
    rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all()
    return {status: n for status, n in rows}


def _leased(now: datetime, lease: float) -> dict[str, object]:
    """The values that claim a row for one attempt, due again once ``lease`` runs out."""
    return {
        "attempts": outbox.c.attempts + 1,
        "last_attempt_at": now,
        "next_attempt_at": now + timedelta(seconds=lease),
        # Cleared while in flight, so a row claimed and never recorded can be told
        # from a scheduled retry (which always carries its error).
        "last_error": None,
    }


def claim(conn: Connection, entry: OutboxEntry, now: datetime, lease: float) -> bool:
    """Take ``entry`` for one attempt; False if another dispatcher took it first."""
    result = conn.execute(
        update(outbox)
        .where(
            outbox.c.id == entry.id,
            outbox.c.status == OutboxStatus.PENDING,
            outbox.c.next_attempt_at == entry.next_attempt_at,
        )
        .values(**_leased(now, lease))
    )
    return result.rowcount == 1


def claim_next(
    conn: Connection,
    now: datetime,
    lease: float,
    only: Collection[int] | None = None,
    destination: str | None = None,
) -> OutboxEntry | None:
    """PostgreSQL: lock the next due row, skipping rows other dispatchers hold, and lease it.

    ``FOR UPDATE SKIP LOCKED`` lets any number of dispatcher processes share the outbox: a
    row is claimed by exactly one of them, and none waits on another's row. Returns the
    row as it was before the claim (``attempts`` not yet counted), or None if none is due.
    """
    query = (
        select(outbox.c.id)
        .where(outbox.c.status == OutboxStatus.PENDING, outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if only is not None:
        query = query.where(outbox.c.id.in_(list(only)))
    if destination is not None:
        query = query.where(outbox.c.destination == destination)
    entry_id = conn.execute(query).scalar()
    if entry_id is None:
        return None
    entry = get(conn, entry_id)
    conn.execute(update(outbox).where(outbox.c.id == entry_id).values(**_leased(now, lease)))
    return entry


def alert_payload(conn: Connection, alert_id: int) -> str:
    return str(conn.execute(select(alerts.c.payload).where(alerts.c.id == alert_id)).scalar_one())


def record_sent(conn: Connection, entry_id: int, now: datetime) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == entry_id)
        .values(status=OutboxStatus.SENT, sent_at=now, last_error=None)
    )


def record_failure(conn: Connection, entry_id: int, error: str, retry_at: datetime | None) -> None:
    """A failed attempt: retried at ``retry_at``, or dead (kept for listing) when None."""
    values: dict[str, object] = {"last_error": error[:2000]}
    if retry_at is None:
        values["status"] = OutboxStatus.DEAD
    else:
        values["next_attempt_at"] = retry_at
    conn.execute(update(outbox).where(outbox.c.id == entry_id).values(**values))


def release_in_flight(conn: Connection, now: datetime) -> int:
    """Make rows claimed by a process that died before recording the outcome due now.

    Only for a process that holds the store alone (the SQLite store lock): any row still
    leased then belongs to a dead process. Its receiver may already have the alert; the
    retry carries the same delivery id, the one documented duplicate.
    """
    result = conn.execute(
        update(outbox)
        .where(
            outbox.c.status == OutboxStatus.PENDING,
            outbox.c.last_attempt_at.is_not(None),
            outbox.c.last_error.is_(None),
            outbox.c.next_attempt_at > now,
        )
        .values(next_attempt_at=now)
    )
    return result.rowcount


def reset(conn: Connection, entry_id: int, now: datetime) -> bool:
    """Make a row (sent or dead) pending again, due now, with a fresh attempt budget."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id == entry_id)
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            queued_at=now,
            next_attempt_at=now,
            sent_at=None,
        )
    )
    return result.rowcount == 1


def reset_many(
    conn: Connection,
    now: datetime,
    *,
    failed: bool,
    dead: bool,
    destinations: Collection[str] | None = None,
) -> list[int]:
    """Make rows pending again, due now, with a fresh attempt budget, in bulk: the ``failed``
    ones (pending, waiting for a retry after an error) and/or the ``dead`` ones, of the
    given destination keys only if any. Returns their ids, oldest first."""
    kinds = []
    if failed:
        kinds.append(
            and_(
                outbox.c.status == OutboxStatus.PENDING,
                outbox.c.attempts > 0,
                outbox.c.last_error.is_not(None),
            )
        )
    if dead:
        kinds.append(outbox.c.status == OutboxStatus.DEAD)
    if not kinds:
        return []
    query = select(outbox.c.id).where(or_(*kinds)).order_by(outbox.c.id)
    if destinations is not None:
        query = query.where(outbox.c.destination.in_(list(destinations)))
    ids = [int(i) for i in conn.execute(query).scalars()]
    if ids:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids))
            .values(
                status=OutboxStatus.PENDING,
                attempts=0,
                queued_at=now,
                next_attempt_at=now,
                sent_at=None,
            )
        )
    return ids


def by_destination(conn: Connection) -> dict[str, dict[str, int]]:
    """Rows per destination key and status, for `check-config`."""
    rows = conn.execute(
        select(outbox.c.destination, outbox.c.status, func.count()).group_by(
            outbox.c.destination, outbox.c.status
        )
    ).all()
    out: dict[str, dict[str, int]] = {}
    for key, status, n in rows:
        out.setdefault(str(key), {})[str(status)] = int(n)
    return out


def dismiss(conn: Connection, entry_ids: Collection[int] | None) -> int:
    """Mark dead rows (the given ones, or all) as seen and let go; how many changed."""
    query = (
        update(outbox)
        .where(outbox.c.status == OutboxStatus.DEAD)
        .values(status=OutboxStatus.DISMISSED)
    )
    if entry_ids is not None:
        query = query.where(outbox.c.id.in_(entry_ids))
    return conn.execute(query).rowcount


def withdraw(conn: Connection, alert_ids: Collection[int], reason: str) -> int:
    """Dismiss the pending rows of these alerts, never to be sent (an editor marked their
    article a false alarm); ``reason`` is kept as the row's error. How many changed.

    A row a dispatcher has already claimed may still go out: its send is in flight.
    """
    if not alert_ids:
        return 0
    query = (
        update(outbox)
        .where(outbox.c.alert_id.in_(list(alert_ids)), outbox.c.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.DISMISSED, last_error=reason[:2000])
    )
    return conn.execute(query).rowcount
