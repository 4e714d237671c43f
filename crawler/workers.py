"""Extraction and classification off the crawl's event loop, in a pool of worker processes.

Extraction costs ~10 ms of CPU per page; in the Scrapy process it would stall downloads and
use one core. The crawl ships the response bytes here and gets back small frozen records.
A worker never dies on a bad page (errors come back in `PageResult.error`), and if one dies
anyway (segfault, OOM kill) the pool is rebuilt and only that page is reported failed.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from crawler.extraction import Extracted, extract_article

if TYPE_CHECKING:
    from classifier import Verdict

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class PageResult:
    extracted: Extracted | None  # None: no article text on the page (or extraction failed)
    verdict: Verdict | None  # None when not classified
    error: str | None  # what went wrong, for the log and the crawl stats


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def process_page(
    html: bytes,
    url: str,
    encoding: str | None,
    title_hint: str | None,
    published_hint: datetime | None,
    classify: bool = True,
    region: tuple[str, ...] = (),
) -> PageResult:
    """Extract one page and classify it. Runs in a worker process; never raises.

    The hints (usually from the feed entry) fill in a title or date the page lacks.
    """
    try:
        extracted = extract_article(html, url, encoding=encoding)
    except Exception as exc:  # extract_article catches its own; this guards our code too
        return PageResult(None, None, f"extraction failed: {type(exc).__name__}: {exc}")
    if extracted is None:
        return PageResult(None, None, None)
    try:
        if extracted.title is None and title_hint and title_hint.strip():
            extracted = replace(extracted, title=title_hint.strip())
        if extracted.published is None and published_hint is not None:
            extracted = replace(extracted, published=_as_utc(published_hint))
        if not classify:
            return PageResult(extracted, None, None)
        from classifier import classify as run_classifier  # the classifier loads in workers only

        verdict = run_classifier(
            extracted.title, extracted.text, extracted.published, region=tuple(region)
        )
        return PageResult(extracted, verdict, None)
    except Exception as exc:
        # Keep the article: an unclassified story is still stored, and the error is counted.
        return PageResult(extracted, None, f"classification failed: {type(exc).__name__}: {exc}")


def _init_worker() -> None:
    # trafilatura logs every page it discards; here that is a None result, not news.
    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _warm_up() -> int:
    """Import the heavy modules and compile the rules before the first page arrives."""
    import os

    from classifier import load_rules

    load_rules()
    extract_article(b"<html><body><article><p>Warm up.</p></article></body></html>", "http://x/")
    return os.getpid()


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


class PagePool:
    """`workers` processes running `process_page`; 0 runs it inline in the calling thread."""

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(f"extraction workers must be 0 or more, got {workers}")
        self.workers = workers
        self.rebuilds = 0
        self._executor: Executor | None = self._start() if workers else None

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_context(), initializer=_init_worker
        )
        # One warm-up task per worker starts them all now, while the crawl is still starting.
        for _ in range(self.workers):
            executor.submit(_warm_up)
        return executor

    def worker_pids(self) -> list[int]:
        processes = getattr(self._executor, "_processes", None) or {}
        return sorted(processes)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` in a worker. Raises BrokenProcessPool if the worker died (the pool
        is rebuilt for the next call)."""
        executor = self._executor
        if executor is None:
            return fn(*args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, partial(fn, *args))
        except BrokenProcessPool:
            self._rebuild(executor)
            raise

    async def process(
        self,
        html: bytes,
        url: str,
        encoding: str | None,
        title_hint: str | None,
        published_hint: datetime | None,
        classify: bool = True,
        region: tuple[str, ...] = (),
    ) -> PageResult:
        try:
            return await self.call(
                process_page, html, url, encoding, title_hint, published_hint, classify, region
            )
        except BrokenProcessPool as exc:
            logger.error("extraction worker died on %s; pool restarted", url)
            return PageResult(None, None, f"extraction worker died: {exc}")

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
