"""Extraction and classification off the crawl's event loop, in a pool of worker processes.

Extraction costs ~10 ms of CPU per page; in the Scrapy process it would stall downloads and
use one core. The crawl ships the response bytes here and gets back small frozen records.
A worker never dies on a bad page (errors come back in `PageResult.error`). If one dies
anyway (segfault, OOM kill) or a page outruns the timeout, the pool is rebuilt and only the
pages it held at that moment come back failed; the crawl goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from classifier import Rules
    from crawler.extraction import Extracted
    from records import Verdict

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Seconds a page may take, queueing included, before its worker is killed. Pages take ~10 ms;
# even a 10 MB page takes a few seconds.
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class PageResult:
    extracted: Extracted | None  # None: no article text on the page (or extraction failed)
    verdict: Verdict | None  # None when not classified
    error: str | None  # what went wrong, for the log and the crawl stats


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=8)
def rules_for(path: str | None) -> Rules:
    """The classifier rules of a file (None: the bundled ones), read once per process."""
    from classifier import load_rules  # the classifier loads in workers only

    return load_rules(Path(path) if path is not None else None)


@dataclass(frozen=True, repr=False)
class PageJob:
    """One page for a worker: the bytes, where they came from, and how to classify them."""

    html: bytes
    url: str  # where the page was fetched (redirects followed): relative links resolve here
    encoding: str | None = None
    # From the feed entry or sitemap: they fill in a title or date the page lacks.
    title_hint: str | None = None
    published_hint: datetime | None = None
    classify: bool = True
    region: tuple[str, ...] = ()
    rules_path: str | None = None  # `[classifier] rules`; None: the bundled rules

    def __repr__(self) -> str:
        return f"PageJob(url={self.url!r}, html={len(self.html)} bytes)"


def process_page(job: PageJob) -> PageResult:
    """Extract one page and classify it. Runs in a worker process; never raises."""
    # Imported here: the crawl process only ships pages to workers, and trafilatura costs
    # it ~0.1 s of start-up (the forkserver preloads it for the workers).
    from crawler.extraction import extract_article

    try:
        extracted = extract_article(job.html, job.url, encoding=job.encoding)
    except Exception as exc:  # extract_article catches its own; this guards our code too
        return PageResult(None, None, f"extraction failed: {type(exc).__name__}: {exc}")
    if extracted is None:
        return PageResult(None, None, None)
    try:
        if extracted.title is None and job.title_hint and job.title_hint.strip():
            extracted = replace(extracted, title=job.title_hint.strip())
        if extracted.published is None and job.published_hint is not None:
            extracted = replace(extracted, published=_as_utc(job.published_hint))
        if not job.classify:
            return PageResult(extracted, None, None)
        from classifier import classify as run_classifier

        verdict = run_classifier(
            extracted.title,
            extracted.text,
            extracted.published,
            rules=rules_for(job.rules_path),
            region=tuple(job.region),
        )
        return PageResult(extracted, verdict, None)
    except Exception as exc:
        # Keep the article: an unclassified story is still stored, and the error is counted.
        return PageResult(extracted, None, f"classification failed: {type(exc).__name__}: {exc}")


def _exit_when_parent_dies() -> None:
    """End this worker as soon as the crawl process that started it is gone.

    After a kill -9 of the crawl, its workers would otherwise wait for work forever (each
    holds the task queue's write end, so it never reads end-of-file), and the forkserver,
    which keeps running while any worker does, would stay too: ~125 MB of orphans.
    ``parent_sentinel`` is the read end of a pipe only the crawl process writes to, so it
    becomes readable exactly when that process ends, however it ends.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _init_worker() -> None:
    _exit_when_parent_dies()
    # trafilatura logs every page it discards; here that is a None result, not news.
    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _warm_up(rules_path: str | None) -> int:
    """Import the heavy modules and compile the rules before the first page arrives."""
    from crawler.extraction import extract_article

    rules_for(rules_path)
    extract_article(b"<html><body><article><p>Warm up.</p></article></body></html>", "http://x/")
    return os.getpid()


def _warm(executor: Executor, workers: int, rules_path: str | None) -> None:
    with contextlib.suppress(RuntimeError):  # closed before it started: nothing to warm
        for _ in range(workers):
            executor.submit(_warm_up, rules_path)


def _context() -> multiprocessing.context.BaseContext:
    # Never plain fork: the crawl process runs Twisted/asyncio threads, and a forked child
    # would inherit their locks mid-flight. A forkserver imports the extraction code once and
    # forks clean workers from it, so a rebuilt pool starts in milliseconds; where there is no
    # forkserver (Windows, macOS defaults aside), spawn.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.workers", "crawler.extraction", "classifier"])
        return ctx
    return multiprocessing.get_context("spawn")


def _processes(executor: Executor | None) -> dict[int, Any]:
    # A shut-down ProcessPoolExecutor sets _processes to None: a second page timing out
    # together with the first finds its pool already killed and rebuilt.
    return getattr(executor, "_processes", None) or {}


class PageTimeout(Exception):
    """A page took longer than the pool's timeout; its worker was killed."""


class PagePool:
    """`workers` processes running `process_page`; 0 runs it inline in the calling thread.

    A page that takes longer than `timeout` seconds (queueing included) gets its worker
    killed: a pathological page must not hold a core forever. Pages in flight on the killed
    pool come back as errors, and the pool is rebuilt.
    """

    def __init__(
        self,
        workers: int,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        rules_path: str | None = None,
    ) -> None:
        if workers < 0:
            raise ValueError(f"extraction workers must be 0 or more, got {workers}")
        self.workers = workers
        self.timeout = timeout
        # Warm-up compiles these rules in each worker; pages name their own rules file.
        self.rules_path = rules_path
        self.rebuilds = 0
        self._executor: Executor | None = self._start() if workers else None

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_context(), initializer=_init_worker
        )
        # One warm-up task per worker starts them all now, while the crawl is still starting.
        # Submitted from a thread: the first submit waits for the forkserver to import the
        # extraction code (~0.2 s), which would otherwise hold up the event loop.
        threading.Thread(
            target=_warm,
            args=(executor, self.workers, self.rules_path),
            name="pagepool-warm-up",
            daemon=True,
        ).start()
        return executor

    def worker_pids(self) -> list[int]:
        return sorted(_processes(self._executor))

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` in a worker. Raises BrokenProcessPool if the worker died, and
        PageTimeout after `timeout` seconds; either way the pool is rebuilt for the next call."""
        executor = self._executor
        if executor is None:
            return fn(*args)
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(executor, partial(fn, *args)), self.timeout
            )
        except BrokenProcessPool:
            self._rebuild(executor)
            raise
        except TimeoutError:
            self._kill(executor)
            raise PageTimeout(f"no result after {self.timeout:g} s; worker killed") from None

    async def process(self, job: PageJob) -> PageResult:
        try:
            return await self.call(process_page, job)
        except BrokenProcessPool as exc:
            logger.error("extraction worker died on %s; pool restarted", job.url)
            return PageResult(None, None, f"extraction worker died: {exc}")
        except PageTimeout as exc:
            logger.error("extraction of %s timed out; pool restarted", job.url)
            return PageResult(None, None, f"extraction timed out: {exc}")

    def _kill(self, executor: Executor) -> None:
        # The executor cannot cancel a running task: end its processes, then rebuild.
        for process in list(_processes(executor).values()):
            with contextlib.suppress(OSError):
                process.kill()
        self._rebuild(executor)

    def _rebuild(self, broken: Executor) -> None:
        # Several pages fail together when a worker dies; only the first rebuilds the pool.
        if self._executor is not broken:
            return
        broken.shutdown(wait=False, cancel_futures=True)
        self.rebuilds += 1
        self._executor = self._start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
