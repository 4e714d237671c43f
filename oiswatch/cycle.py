"""One poll cycle: crawl the feeds (fetch, extract, classify, store, enqueue), then deliver.

Shared by ``oiswatch run`` (each scheduled poll), ``oiswatch poll`` and ``oiswatch demo``.
It runs inside the asyncio reactor; the blocking alert delivery goes to a worker thread so
the crawl and the scheduler keep running while a slow receiver times out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from config import Config
from store import Store
from store.polls import PollCounts, finish_run, forget_validators, recover_interrupted, start_run

log = logging.getLogger("oiswatch.poll")

CrawlFn = Callable[[Config], Awaitable[Any]]
DispatchFn = Callable[[Store, Config], Any]


def _n(stats: Any, name: str) -> int:
    """A count from a stats dict or a stats record; absent means none."""
    value = stats.get(name) if isinstance(stats, dict) else getattr(stats, name, None)
    return int(value or 0)


def poll_counts(crawl_stats: Any, dispatch_stats: Any) -> PollCounts:
    """The poll's counts from the crawl's CrawlStats and the dispatcher's DispatchStats."""
    return PollCounts(
        feeds_fetched=_n(crawl_stats, "feeds_fetched"),
        feeds_not_modified=_n(crawl_stats, "feeds_not_modified"),
        feeds_failed=_n(crawl_stats, "feeds_failed"),
        new_articles=_n(crawl_stats, "new_articles"),
        flagged=_n(crawl_stats, "flagged"),
        alerts_sent=_n(dispatch_stats, "sent"),
        alerts_failed=_n(dispatch_stats, "failed") + _n(dispatch_stats, "dead"),
    )


def summary(counts: PollCounts, seconds: float) -> str:
    """The one log line per poll."""
    c = counts
    return (
        f"poll finished in {seconds:.1f}s: feeds {c.feeds_fetched} fetched, "
        f"{c.feeds_not_modified} not modified, {c.feeds_failed} failed; "
        f"{c.new_articles} new articles, {c.flagged} flagged; "
        f"alerts {c.alerts_sent} sent, {c.alerts_failed} failed"
    )


@dataclass
class Cycle:
    """The parts a cycle is made of; tests and the demo pass their own."""

    config: Config
    store: Store
    crawl: CrawlFn
    dispatch: DispatchFn
    executor: Executor | None = None
    store_failed: bool = False  # the last run's crawl could not write to the store

    def close(self) -> None:
        """Let the delivery thread go (it may still be blocked on a receiver)."""
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)

    async def deliver(self) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.dispatch, self.store, self.config)

    def recover(self) -> None:
        """After a crash: close its poll's row and re-read every feed in full next time.

        The feeds spider saves validators only when its crawl finishes, so this is a second
        line of defence (validators left by an older version, a store edited by hand).
        """
        n = recover_interrupted(self.store.engine, datetime.now(UTC))
        if n:
            log.warning(
                "%d earlier poll(s) did not finish (the process was killed); "
                "the next poll reads every feed in full so nothing is missed",
                n,
            )
            forget_validators(self.store.engine)

    async def run(self, trigger: str, feeds: tuple[str, ...] | None = None) -> PollCounts:
        """Poll ``feeds`` (names; all enabled feeds when None), then deliver due alerts."""
        config = self.config
        if feeds is not None:
            config = config.model_copy(
                update={"feeds": tuple(f for f in config.feeds if f.name in feeds)}
            )
        started = time.monotonic()
        run_id = start_run(self.store.engine, trigger, datetime.now(UTC))
        error = None
        crawl_stats: Any = {}
        dispatch_stats: Any = {}
        try:
            crawl_stats = await self.crawl(config)
        except Exception as exc:  # noqa: BLE001 - one failed crawl must not stop the service
            log.exception("crawl failed")
            error = f"crawl: {exc}"
        reason = getattr(crawl_stats, "finish_reason", None)
        refused = _n(crawl_stats, "store_failures")
        self.store_failed = bool(refused)
        if refused:
            # Their feeds failed and are read in full next poll; the store needs a look.
            error = f"{refused} store write(s) failed"
        elif not error and reason != "finished":
            # Nothing is lost: a crawl cut short keeps no new validators (the feeds spider
            # saves them only once it finishes), so the next poll reads those feeds in full.
            error = f"crawl ended early: {reason}"
        try:
            dispatch_stats = await self.deliver()
        except Exception as exc:  # noqa: BLE001
            log.exception("alert delivery failed")
            error = f"{error + '; ' if error else ''}dispatch: {exc}"
        counts = poll_counts(crawl_stats, dispatch_stats)
        finish_run(self.store.engine, run_id, counts, datetime.now(UTC), error)
        seconds = time.monotonic() - started
        log.log(
            logging.WARNING if error else logging.INFO,
            summary(counts, seconds) + (f" ({error})" if error else ""),
            extra={
                "event": "poll",
                "trigger": trigger,
                "seconds": round(seconds, 2),
                "error": error,
                **vars(counts),
            },
        )
        return counts
