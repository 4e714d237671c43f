"""The service lock's heartbeat, on a thread of its own.

The crawl shares one asyncio loop with the scheduler; a big page or a slow parse can hold
that loop for longer than the lock's stale time. A heartbeat scheduled on the loop would
then go silent, and a second process would judge this live one dead and take the store.
On its own thread the lease is renewed whatever the loop is doing.

When the lock turns out to be someone else's (this process was stopped or starved long
enough for another to take over), the store may be written by that process now: with
``hard_exit`` (the SQLite store lock, one writer per store) this process logs one line and
exits at once, writing nothing more; its work in flight is in the store or will be redone
(the outbox and the crawl are safe against a kill). Otherwise (the PostgreSQL leader lock,
where only scheduling is exclusive) ``on_lost`` is called and the daemon stands by.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from store.lock import LockLost, ServiceLock

log = logging.getLogger("oiswatch.lock")

# The same status as a process refused the store at start: another process has it.
EXIT_LOCK_LOST = 4


class LeaseKeeper:
    def __init__(
        self,
        lock: ServiceLock,
        seconds: float,
        on_lost: Callable[[LockLost], object] | None = None,
        *,
        hard_exit: bool,
    ) -> None:
        self.lock = lock
        self.seconds = seconds
        self.on_lost = on_lost
        self.hard_exit = hard_exit
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="oiswatch-lease", daemon=True)

    def start(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No more heartbeats (before the lock is released: one after would find it gone)."""
        self._stopping.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=self.seconds + 30)

    def _run(self) -> None:
        while not self._stopping.wait(self.seconds):
            try:
                self.lock.heartbeat()
            except LockLost as exc:
                if self._stopping.is_set():
                    return  # stopping anyway: the release says the rest
                self._lost(exc)
                return
            except Exception as exc:  # noqa: BLE001 - a busy store: the next beat may pass
                log.warning("could not renew the store lock (retrying): %s", exc)

    def _lost(self, exc: LockLost) -> None:
        if not self.hard_exit:
            if self.on_lost is not None:
                self.on_lost(exc)
            return
        log.error(
            "LOCK LOST: %s after this process (pid %d) missed its heartbeats; exiting at "
            "once, writing nothing more (exit %d)",
            exc,
            self.lock.pid,
            EXIT_LOCK_LOST,
        )
        logging.shutdown()  # flush the line before leaving without the usual clean-up
        os._exit(EXIT_LOCK_LOST)
