"""The store lock: one daemon or poll per store at a time.

A row in ``locks`` names its holder (host, pid, when it started) and carries a heartbeat.
Taking it is one atomic statement (an INSERT that the primary key lets only one process
win, or an UPDATE that only matches a stale row), so two processes can never both hold it,
whatever the backend. A holder killed with SIGKILL stops heartbeating; after
``stale_after`` seconds anyone may take the lock over, and at once if the holder is a
process on this host that no longer exists.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Self

from sqlalchemy import Column, Engine, Integer, String, Table, delete, inspect, select, update
from sqlalchemy.exc import IntegrityError

from store.schema import UTCDateTime, metadata

locks = Table(
    "locks",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("token", String(64), nullable=False),
    Column("holder_host", String(255), nullable=False),
    Column("holder_pid", Integer, nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)

log = logging.getLogger("oiswatch.lock")

LOCK_NAME = "oiswatch"
HEARTBEAT_SECONDS = 10.0
# Three missed heartbeats: long enough for a busy host, short enough after a crash.
STALE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    purpose: str
    started_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return (
            f"{self.purpose} (pid {self.pid} on {self.host}, started "
            f"{self.started_at:%Y-%m-%d %H:%M:%S} UTC, last heartbeat "
            f"{self.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC)"
        )


def current_holder(engine: Engine, name: str = LOCK_NAME) -> Holder | None:
    """Who holds the lock now (None: nobody, or no process ever took it); writes nothing."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(locks.name):
            return None
        row = conn.execute(select(locks).where(locks.c.name == name)).mappings().first()
    if row is None:
        return None
    return Holder(
        row["holder_host"],
        row["holder_pid"],
        row["purpose"],
        row["started_at"],
        row["heartbeat_at"],
    )


class LockHeld(RuntimeError):
    """Another process holds the store lock."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder
        super().__init__(f"the store is in use by {holder.describe()}")


class LockLost(RuntimeError):
    """Our lock was taken over (we missed heartbeats and someone judged us dead)."""


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, owned by someone else
    return False


class ServiceLock(ABC):
    """What the daemon holds while it schedules: the store lock (SQLite) or the leader lock
    (PostgreSQL, ``store.leader``). ``acquire`` once, ``heartbeat`` often, ``release`` at
    the end."""

    pid: int
    held: bool

    @abstractmethod
    def acquire(self, now: datetime | None = None) -> None:
        """Take the lock, or raise naming who has it."""

    @abstractmethod
    def heartbeat(self, now: datetime | None = None) -> None:
        """Show we are alive; raise LockLost if the lock is no longer ours."""

    @abstractmethod
    def release(self) -> None: ...

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class StoreLock(ServiceLock):
    """The lock on one store: one daemon or poll at a time."""

    def __init__(
        self,
        engine: Engine,
        purpose: str,
        *,
        name: str = LOCK_NAME,
        stale_after: float = STALE_AFTER_SECONDS,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        self.engine = engine
        self.purpose = purpose
        self.name = name
        self.stale_after = timedelta(seconds=stale_after)
        self.host = host or socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()
        self.token = secrets.token_hex(16)
        self.held = False
        locks.create(engine, checkfirst=True)

    def holder(self) -> Holder | None:
        return current_holder(self.engine, self.name)

    def _is_dead(self, holder: Holder, now: datetime) -> bool:
        if now - holder.heartbeat_at > self.stale_after:
            return True
        return holder.host == self.host and holder.pid != self.pid and _pid_gone(holder.pid)

    def acquire(self, now: datetime | None = None) -> None:
        """Take the lock, or raise LockHeld naming who has it."""
        now = now or datetime.now(UTC)
        mine = {
            "token": self.token,
            "holder_host": self.host,
            "holder_pid": self.pid,
            "purpose": self.purpose,
            "started_at": now,
            "heartbeat_at": now,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(locks.insert().values(name=self.name, **mine))
            self.held = True
            return
        except IntegrityError:
            pass
        holder = self.holder()
        if holder is None:  # released between our insert and our read: try once more
            return self.acquire(now)
        if not self._is_dead(holder, now):
            raise LockHeld(holder)
        # Take over only the exact row we judged dead: if another process refreshed or took
        # it meanwhile, the UPDATE matches nothing and we report that process instead.
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(locks)
                .where(
                    locks.c.name == self.name,
                    locks.c.holder_host == holder.host,
                    locks.c.holder_pid == holder.pid,
                    locks.c.heartbeat_at == holder.heartbeat_at,
                )
                .values(**mine)
            ).rowcount
        if taken != 1:
            current = self.holder()
            if current is None:
                return self.acquire(now)
            raise LockHeld(current)
        self.held = True
        silent = (now - holder.heartbeat_at).total_seconds()
        why = (
            "its process is gone"
            if silent <= self.stale_after.total_seconds()
            else (f"no heartbeat for {silent:.0f} s")
        )
        log.warning(
            "took the store lock over from %s: %s. If that process is alive it "
            "stops at its next heartbeat.",
            holder.describe(),
            why,
        )

    def heartbeat(self, now: datetime | None = None) -> None:
        """Show we are alive; raise LockLost if someone took the lock from us."""
        now = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            n = conn.execute(
                update(locks)
                .where(locks.c.name == self.name, locks.c.token == self.token)
                .values(heartbeat_at=now)
            ).rowcount
        if n != 1:
            self.held = False
            holder = self.holder()
            by = holder.describe() if holder else "another process (since gone)"
            raise LockLost(f"the store lock was taken over by {by}")

    def release(self) -> None:
        if not self.held:
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(locks).where(locks.c.name == self.name, locks.c.token == self.token)
            )
        self.held = False
