"""The store lock: one holder at a time, a named holder when refused, stale holders replaced."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import Store
from store.lock import LockHeld, LockLost, StoreLock

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'lock.db'}")
    yield s
    s.close()


def test_second_holder_is_refused_with_the_holders_name(store: Store) -> None:
    first = StoreLock(store.engine, "daemon", host="newsroom-1", pid=4242)
    first.acquire(T0)
    second = StoreLock(store.engine, "poll", host="newsroom-2", pid=77)
    with pytest.raises(LockHeld) as info:
        second.acquire(T0 + timedelta(seconds=5))
    message = str(info.value)
    assert "pid 4242" in message and "newsroom-1" in message and "daemon" in message


def test_released_lock_can_be_taken(store: Store) -> None:
    first = StoreLock(store.engine, "daemon", host="h", pid=1)
    first.acquire(T0)
    first.release()
    second = StoreLock(store.engine, "poll", host="h2", pid=2)
    second.acquire(T0)
    assert second.holder().purpose == "poll"


def test_heartbeats_keep_the_lock_and_silence_makes_it_stale(store: Store) -> None:
    first = StoreLock(store.engine, "daemon", host="a", pid=1, stale_after=30)
    first.acquire(T0)
    for minute in range(1, 4):
        first.heartbeat(T0 + timedelta(minutes=minute))
    other = StoreLock(store.engine, "daemon", host="b", pid=2, stale_after=30)
    with pytest.raises(LockHeld):
        other.acquire(T0 + timedelta(minutes=3, seconds=20))
    # The first holder stops heartbeating (SIGKILL): after stale_after the lock is free.
    other.acquire(T0 + timedelta(minutes=3, seconds=31))
    assert other.holder().host == "b"
    with pytest.raises(LockLost):
        first.heartbeat(T0 + timedelta(minutes=4))


def test_a_dead_holder_on_this_host_is_replaced_at_once(store: Store) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    StoreLock(store.engine, "daemon", host="here", pid=dead_pid).acquire(T0)
    mine = StoreLock(store.engine, "poll", host="here", pid=dead_pid + 100000)
    mine.acquire(T0 + timedelta(seconds=1))
    assert mine.holder().pid == dead_pid + 100000


def test_a_live_holder_on_this_host_is_not_replaced(store: Store) -> None:
    import os

    StoreLock(store.engine, "daemon", host="here", pid=os.getppid()).acquire(T0)
    with pytest.raises(LockHeld):
        StoreLock(store.engine, "poll", host="here", pid=os.getpid()).acquire(T0)
