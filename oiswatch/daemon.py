"""``oiswatch run``: the scheduler, its jobs, the store lock's heartbeat, and a clean stop.

Jobs (APScheduler's AsyncIOScheduler on the reactor's loop):
- one poll job per distinct polling interval (feeds with their own ``poll_minutes`` get
  their own job), jittered, ``max_instances=1`` and coalescing, so a slow poll skips the
  next turn instead of piling up; polls themselves run one at a time;
- alert delivery every ``schedule.dispatch_seconds`` (retries; a poll also delivers at once);
- the daily digest at ``alerts.digest.hour`` in ``alerts.timezone``, when configured;
- and, on a thread of its own (``oiswatch.lease``), the lock's heartbeat: a loop held up by
  a big page or a slow parse must not let another process take a live daemon's store.

SIGTERM / SIGINT: the scheduler is paused (no new work), what is running gets
``grace_seconds`` to finish, then it is cancelled; the lock is released and the process
exits 0. A crawl cut short loses nothing stored: the next poll picks up what it left.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import defaultdict
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from oiswatch.cycle import Cycle
from oiswatch.lease import LeaseKeeper
from store.lock import HEARTBEAT_SECONDS, LockLost, ServiceLock, StoreLock

log = logging.getLogger("oiswatch.daemon")

DigestFn = Callable[[Any, Any, datetime], Any]


def poll_groups(config: Any) -> dict[float, tuple[str, ...]]:
    """Enabled feeds grouped by their polling interval in minutes."""
    groups: dict[float, list[str]] = defaultdict(list)
    for feed in config.feeds:
        if feed.enabled:
            groups[feed.poll_minutes or config.schedule.poll_minutes].append(feed.name)
    return {minutes: tuple(names) for minutes, names in sorted(groups.items())}


class Daemon:
    def __init__(
        self,
        cycle: Cycle,
        lock: ServiceLock,
        *,
        digest: DigestFn | None = None,
        grace_seconds: float = 20.0,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.cycle = cycle
        self.config = cycle.config
        self.lock = lock
        self.digest = digest
        self.grace_seconds = grace_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.exit_code = 0
        self.lock_lost = False
        self._stop = asyncio.Event()
        self._inflight: set[asyncio.Task[Any]] = set()
        self._poll_lock = asyncio.Lock()
        self._dispatch_lock = asyncio.Lock()

    # -- jobs ----------------------------------------------------------------------------

    def _tracked(
        self, name: str, fn: Callable[[], Coroutine[Any, Any, Any]]
    ) -> Callable[[], Coroutine[Any, Any, None]]:
        async def job() -> None:
            if self._stop.is_set():
                return
            task = asyncio.current_task()
            assert task is not None
            self._inflight.add(task)
            try:
                await fn()
            except asyncio.CancelledError:
                log.warning("%s abandoned at shutdown", name)
                raise
            except Exception:  # noqa: BLE001 - a failed job is logged; the next one runs
                log.exception("%s failed", name)
            finally:
                self._inflight.discard(task)

        job.__name__ = name.replace(" ", "_")
        return job

    async def _poll(self, feeds: tuple[str, ...]) -> None:
        async with self._poll_lock:
            if not self._stop.is_set():
                await self.cycle.run("run", feeds)

    async def _dispatch(self) -> None:
        async with self._dispatch_lock:
            stats = await self.cycle.deliver()
            if getattr(stats, "attempted", 0) or getattr(stats, "sent", 0):
                log.info("alerts delivered: %s", stats)

    async def _digest(self) -> None:
        assert self.digest is not None
        loop = asyncio.get_running_loop()
        now = datetime.now(UTC)
        result = await loop.run_in_executor(
            self.cycle.executor, self.digest, self.cycle.store, self.config, now
        )
        log.info("digest: %s", result)

    def _lock_lost(self, exc: LockLost) -> None:
        """On the loop: the leader lock's session broke; stop scheduling, stand by."""
        log.error("%s; stopping", exc)
        self.exit_code = 1
        self.lock_lost = True
        self.request_stop("lock lost")

    def _schedule(self, scheduler: AsyncIOScheduler) -> None:
        schedule = self.config.schedule
        now = datetime.now(UTC)
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        groups = poll_groups(self.config)
        for minutes, feeds in groups.items():
            scheduler.add_job(
                self._tracked(f"poll every {minutes:g} min", partial(self._poll, feeds)),
                IntervalTrigger(seconds=minutes * 60, jitter=schedule.jitter_seconds or None),
                id=f"poll-{minutes:g}",
                next_run_time=now,
                **common,
            )
            log.info("polling %d feeds every %g minutes", len(feeds), minutes)
        if not groups:
            log.warning("no enabled feeds in the configuration: only delivering alerts")
        scheduler.add_job(
            self._tracked("alert delivery", self._dispatch),
            IntervalTrigger(seconds=schedule.dispatch_seconds),
            id="dispatch",
            **common,
        )
        digest = self.config.alerts.digest
        if self.digest is not None and digest is not None and digest.enabled:
            scheduler.add_job(
                self._tracked("digest", self._digest),
                CronTrigger(hour=digest.hour, minute=0, timezone=self.config.alerts.zone),
                id="digest",
                **common,
            )

    # -- life cycle ------------------------------------------------------------------------

    def request_stop(self, why: str) -> None:
        if not self._stop.is_set():
            log.info(
                "stopping (%s): no new work; waiting up to %gs for work in flight",
                why,
                self.grace_seconds,
            )
            self._stop.set()

    async def serve(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name)
        self.cycle.recover()
        # Started first and stopped last: the lease is kept while work in flight finishes.
        lease = LeaseKeeper(
            self.lock,
            self.heartbeat_seconds,
            lambda exc: loop.call_soon_threadsafe(self._lock_lost, exc),
            hard_exit=isinstance(self.lock, StoreLock),
        ).start()
        scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        self._schedule(scheduler)
        scheduler.start()
        log.info("oiswatch running (pid %d); store %s", self.lock.pid, self.cycle.store.url)
        try:
            await self._stop.wait()
            # No new work; the lease is still renewed so nobody takes the store meanwhile.
            for job in scheduler.get_jobs():
                job.pause()
            await self._drain()
        finally:
            scheduler.shutdown(wait=False)
            self.cycle.close()
            lease.stop()
            self.lock.release()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        log.info("oiswatch stopped")
        return self.exit_code

    async def _drain(self) -> None:
        pending = set(self._inflight)
        if not pending:
            return
        done, pending = await asyncio.wait(pending, timeout=self.grace_seconds)
        if not pending:
            return
        log.warning(
            "abandoning %d unfinished job(s); the next start picks their work up", len(pending)
        )
        stop = getattr(self.cycle.crawl, "stop", None)
        if stop is not None:
            try:
                await asyncio.wait_for(stop(), timeout=5)
            except Exception:  # noqa: BLE001 - cancelling below is the fallback
                log.warning("the crawl did not stop in time; cancelling it")
            pending = {t for t in pending if not t.done()}
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=5)
