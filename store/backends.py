"""What the store does differently on SQLite and on PostgreSQL: one class per backend.

Code above the store asks the store's ``backend`` what it can do, never the dialect's name
(the APScheduler data stores' shape: one interface, an implementation per database).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from store import outbox
from store.lock import ServiceLock, StoreLock
from store.outbox import Claim


class Backend(ABC):
    # Several processes, on several machines, may share a store of this kind: `oiswatch run`
    # elects a leader rather than refusing to start, and an outbox row in flight may be
    # another live process's.
    shared: bool

    @abstractmethod
    def claim_due(
        self,
        engine: Engine,
        now: datetime,
        lease: float,
        limit: int,
        only: Collection[int] | None = None,
        destination: str | None = None,
    ) -> Iterator[Claim | None]:
        """Due outbox rows, each leased to this dispatcher for ``lease`` seconds, with its
        alert; None for a row another dispatcher took first (skipped). Each row is claimed
        only when the caller asks for it, just before it is sent, so its lease needs to
        outlast one attempt, not the whole batch. ``destination``: that key's rows only."""

    @abstractmethod
    def scheduler_lock(self, engine: Engine, url: str, purpose: str) -> ServiceLock:
        """The lock whose holder schedules polls and dispatches."""


class SQLiteBackend(Backend):
    """One machine, one scheduling process (the store lock); others may still dispatch
    (`oiswatch alerts dispatch`), so a row is claimed with a conditional update."""

    shared = False

    def claim_due(
        self,
        engine: Engine,
        now: datetime,
        lease: float,
        limit: int,
        only: Collection[int] | None = None,
        destination: str | None = None,
    ) -> Iterator[Claim | None]:
        with engine.connect() as conn:
            due = outbox.due(conn, now, limit, only, destination)
        for entry in due:
            with engine.begin() as conn:
                if not outbox.claim(conn, entry, now, lease):
                    yield None
                    continue
                claim = Claim(entry, outbox.alert_payload(conn, entry.alert_id))
            yield claim

    def scheduler_lock(self, engine: Engine, url: str, purpose: str) -> ServiceLock:
        return StoreLock(engine, purpose)


class PostgreSQLBackend(Backend):
    """Any number of processes: row locks decide which dispatcher sends a row, and an
    advisory lock which `oiswatch run` schedules."""

    shared = True

    def claim_due(
        self,
        engine: Engine,
        now: datetime,
        lease: float,
        limit: int,
        only: Collection[int] | None = None,
        destination: str | None = None,
    ) -> Iterator[Claim | None]:
        for _ in range(limit):
            with engine.begin() as conn:
                entry = outbox.claim_next(conn, now, lease, only, destination)
                if entry is None:
                    return
                claim = Claim(entry, outbox.alert_payload(conn, entry.alert_id))
            yield claim

    def scheduler_lock(self, engine: Engine, url: str, purpose: str) -> ServiceLock:
        from store.leader import AdvisoryLeaderLock

        return AdvisoryLeaderLock(url, purpose)


def backend_for(url: str) -> Backend:
    """The backend of a store URL (one that is not a database URL counts as SQLite's: the
    store refuses it when opened, with the error naming the key)."""
    try:
        name = make_url(url).get_backend_name()
    except Exception:  # noqa: BLE001 - any unparsable URL
        return SQLiteBackend()
    return PostgreSQLBackend() if name == "postgresql" else SQLiteBackend()
