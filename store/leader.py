"""Leader election on PostgreSQL: one scheduler among any number of ``oiswatch run``.

The leader holds a session-level advisory lock on a connection of its own, kept open for
as long as it schedules. When the process dies, however it dies, PostgreSQL closes that
session and frees the lock, so a standby retrying ``pg_try_advisory_lock`` every few
seconds takes over within that many seconds. TCP keepalives on the session bound the
takeover when the leader's whole machine disappears instead.

Like ``store.lock.StoreLock`` it is a ``ServiceLock``, so the daemon treats both the same;
SQLite keeps the row lock, PostgreSQL uses this (``store.backends`` says which).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from store.lock import LockLost, ServiceLock

logger = logging.getLogger(__name__)

LEADER_LOCK_NAME = "oiswatch:scheduler"
# Seconds of silence before PostgreSQL drops a vanished leader's session (idle + n*interval).
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class LeaderInfo:
    application_name: str
    client_addr: str | None
    backend_start: datetime | None

    def describe(self) -> str:
        since = f", since {self.backend_start:%Y-%m-%d %H:%M:%S} UTC" if self.backend_start else ""
        return f"{self.application_name} from {self.client_addr or 'local socket'}{since}"


class NotLeader(RuntimeError):
    """Another process holds the scheduler lock."""

    def __init__(self, leader: LeaderInfo | None) -> None:
        self.leader = leader
        who = leader.describe() if leader else "another process"
        super().__init__(f"the scheduler lock is held by {who}")


class LeadershipLost(LockLost):
    """The lock's session broke: another process may be leader now, so stop scheduling."""


class AdvisoryLeaderLock(ServiceLock):
    """``acquire`` once (or until it succeeds), ``heartbeat`` often, ``release`` at the end."""

    def __init__(
        self,
        url: str,
        purpose: str = "run",
        *,
        name: str = LEADER_LOCK_NAME,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        self.key = lock_key(name)
        self.name = name
        host = host or socket.gethostname()
        pid = pid if pid is not None else os.getpid()
        self.pid = pid
        # Shown in pg_stat_activity, which is how `leader()` names the holder.
        self.application_name = f"oiswatch {purpose} pid {pid} on {host}"[:63]
        self._engine: Engine = create_engine(
            url,
            poolclass=NullPool,
            connect_args={**KEEPALIVE, "application_name": self.application_name},
        )
        self._conn: Connection | None = None
        self.held = False

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            # Server-side keepalives too, so the server notices a vanished client promptly.
            conn.execute(text("SET tcp_keepalives_idle = 5"))
            conn.execute(text("SET tcp_keepalives_interval = 2"))
            conn.execute(text("SET tcp_keepalives_count = 3"))
            self._conn = conn
        return self._conn

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never waits.

        An unreachable database means "not now": a standby stands by through a database
        restart or failover and retries, rather than the error ending ``oiswatch run``.
        """
        if self.held:
            return True
        try:
            conn = self._connection()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        except DBAPIError as exc:
            logger.warning("scheduler lock: cannot reach the database, will retry: %s", exc.orig)
            self._drop_connection()
            return False
        self.held = bool(got)
        if not self.held:
            # Standbys need not keep a session open between attempts.
            self._drop_connection()
        return self.held

    def acquire(self, now: datetime | None = None) -> None:
        """Take the lock, or raise NotLeader naming who has it."""
        if not self.try_acquire():
            raise NotLeader(self.leader())

    def heartbeat(self, now: datetime | None = None) -> None:
        """Check the lock's session is alive; raise LeadershipLost if it is not."""
        if not self.held:
            raise LeadershipLost("not the leader")
        try:
            assert self._conn is not None
            still = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND classid = :hi AND objid = :lo"
                    " AND objsubid = 1"
                ),
                self._split(),
            ).scalar()
        except Exception as exc:  # noqa: BLE001 - any failure means the session is gone
            self.held = False
            self._drop_connection()
            raise LeadershipLost(f"lost the scheduler lock's database session: {exc}") from exc
        if not still:
            self.held = False
            self._drop_connection()
            raise LeadershipLost("the scheduler lock is no longer held by this session")

    def _split(self) -> dict[str, int]:
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        return {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}

    def leader(self) -> LeaderInfo | None:
        """Who holds the lock now, from pg_stat_activity; None if nobody (or unknown: the
        database cannot be reached, which ``try_acquire`` has logged)."""
        try:
            with self._engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT a.application_name, host(a.client_addr), a.backend_start"
                        " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi"
                        " AND l.objid = :lo AND l.objsubid = 1"
                    ),
                    self._split(),
                ).first()
        except DBAPIError:
            return None
        if row is None:
            return None
        started = row[2].astimezone(UTC) if row[2] is not None else None
        return LeaderInfo(row[0] or "(unnamed)", row[1], started)

    def _drop_connection(self) -> None:
        if self._conn is not None:
            # The session may already be dead; closing is all that is left to do.
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        """Give the lock up; closing the session frees it even if the unlock fails."""
        if self.held and self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        self.held = False
        self._drop_connection()

    async def wait(self, retry_seconds: float, stop: Any) -> bool:
        """Stand by until this process leads (True) or ``stop`` (an asyncio.Event) is set."""
        import asyncio

        while not stop.is_set():
            if self.try_acquire():
                return True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), retry_seconds)
        return False

    def close(self) -> None:
        self.release()
        self._engine.dispose()
