"""process_page never raises; PagePool runs inline or in real worker processes and recovers
when a worker dies."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.workers import PageJob, PagePool, PageResult, PageTimeout, process_page

STORY = (
    b"<html lang='en'><head><title>Officers shoot armed man in Kansas City</title></head><body>"
    b"<article><h1>Officers shoot armed man in Kansas City</h1>"
    b"<p>Kansas City police officers shot and killed a man on Tuesday night after he pointed a "
    b"rifle at them outside a home on Prospect Avenue, police said.</p>"
    b"<p>The Missouri State Highway Patrol is investigating the shooting, as it does whenever "
    b"Kansas City officers use deadly force. No officers were hurt.</p></article></body></html>"
)

UNDATED = (
    b"<html><body><article>"
    b"<p>The city council voted on Monday to extend library hours at four branches across the "
    b"north side, starting next month, after a year of requests from parents and students.</p>"
    b"<p>The change costs about two hundred thousand dollars a year, the budget office said.</p>"
    b"</article></body></html>"
)

A = "https://kc.example.com/a"


def test_process_page_extracts_without_classifying() -> None:
    result = process_page(PageJob(STORY, A, classify=False))
    assert result.error is None and result.verdict is None
    assert result.extracted is not None and "Prospect Avenue" in result.extracted.text


def test_process_page_classifies_with_region() -> None:
    result = process_page(PageJob(STORY, A, region=("Kansas City",)))
    assert result.error is None
    assert result.verdict is not None
    assert result.verdict.ois is True and result.verdict.in_region is True
    other = process_page(PageJob(UNDATED, "https://kc.example.com/b"))
    assert other.verdict is not None and other.verdict.ois is False


def test_hints_fill_what_the_page_lacks() -> None:
    hint_time = datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    result = process_page(
        PageJob(UNDATED, "https://kc.example.com/b", None, "Library hours", hint_time, False)
    )
    assert result.extracted is not None
    assert result.extracted.title == "Library hours"
    assert result.extracted.published == datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
    # The page's own title beats the feed's.
    result = process_page(PageJob(STORY, A, None, "Feed title", hint_time, False))
    assert result.extracted is not None
    assert result.extracted.title == "Officers shoot armed man in Kansas City"


def test_page_without_article_is_no_error() -> None:
    result = process_page(PageJob(b"\x00\xff" * 3000, "https://kc.example.com/x"))
    assert result == PageResult(None, None, None)


def test_process_page_reports_errors_instead_of_raising() -> None:
    # A hint of the wrong type breaks our own code after extraction: the article is kept.
    result = process_page(PageJob(STORY, A, None, None, "2024-05-01", False))  # type: ignore[arg-type]
    assert result.extracted is not None
    assert result.error is not None and "AttributeError" in result.error
    # A region of the wrong type breaks the classifier: the article is kept, the error named.
    result = process_page(PageJob(STORY, A, region=42))  # type: ignore[arg-type]
    assert result.extracted is not None and result.verdict is None
    assert result.error is not None and result.error.startswith("classification failed")


def test_inline_pool_runs_in_this_process() -> None:
    pool = PagePool(0)
    try:
        assert asyncio.run(pool.call(os.getpid)) == os.getpid()
        result = asyncio.run(pool.process(PageJob(STORY, A)))
        assert result.verdict is not None and result.verdict.ois
    finally:
        pool.close()


def test_pool_rejects_negative_workers() -> None:
    with pytest.raises(ValueError, match="extraction workers"):
        PagePool(-1)


async def _run_many(pool: PagePool, pages: int) -> list[PageResult]:
    jobs = [
        pool.process(PageJob(STORY, f"https://kc.example.com/{i}", region=("Missouri",)))
        for i in range(pages)
    ]
    return await asyncio.gather(*jobs)


def test_two_worker_processes() -> None:
    pool = PagePool(2)
    try:
        results = asyncio.run(_run_many(pool, 8))
        assert all(r.error is None and r.verdict is not None and r.verdict.ois for r in results)
        pids = pool.worker_pids()
        assert len(pids) == 2 and os.getpid() not in pids
        seen = {asyncio.run(pool.call(os.getpid)) for _ in range(6)}
        assert seen <= set(pids)
    finally:
        pool.close()


def test_pool_recovers_after_a_worker_dies() -> None:
    pool = PagePool(2)
    try:

        async def scenario() -> tuple[PageResult, PageResult]:
            first = await pool.process(PageJob(STORY, A))
            before = pool.worker_pids()
            with pytest.raises(Exception, match="terminated abruptly"):
                await pool.call(os._exit, 3)  # the worker dies mid-task
            assert pool.rebuilds == 1
            assert not set(pool.worker_pids()) & set(before)
            after = await pool.process(PageJob(STORY, A))
            return first, after

        first, after = asyncio.run(scenario())
        assert first.error is None and after.error is None
        assert after.extracted == first.extracted
    finally:
        pool.close()


def test_page_lost_with_a_dead_worker_is_reported_not_raised() -> None:
    pool = PagePool(1)
    try:

        async def scenario() -> list[PageResult | BaseException]:
            crash = pool.call(os._exit, 3)
            page = pool.process(PageJob(STORY, A))
            return await asyncio.gather(crash, page, return_exceptions=True)

        crashed, page = asyncio.run(scenario())
        assert isinstance(crashed, BaseException)
        # The page queued behind the crash either failed with the pool or ran on the new one.
        assert isinstance(page, PageResult)
        assert page.error is None or page.error.startswith("extraction worker died")
        later = asyncio.run(pool.process(PageJob(STORY, A)))
        assert later.error is None and later.extracted is not None
    finally:
        pool.close()


def test_a_page_that_never_finishes_is_timed_out_and_the_pool_recovers() -> None:
    pool = PagePool(1, timeout=0.5)
    try:

        async def scenario() -> PageResult:
            with pytest.raises(PageTimeout):
                await pool.call(signal.pause)  # blocks until a signal: a page that never ends
            assert pool.rebuilds == 1
            pool.timeout = None  # a busy test machine must not time out the real page
            return await pool.process(PageJob(STORY, A))

        assert asyncio.run(scenario()).extracted is not None
    finally:
        pool.close()


def test_two_pages_timing_out_together_both_come_back_as_timeouts() -> None:
    pool = PagePool(2, timeout=0.5)
    try:

        async def scenario() -> list[BaseException | None]:
            hung = [pool.call(signal.pause), pool.call(signal.pause)]
            return await asyncio.gather(*hung, return_exceptions=True)

        results = asyncio.run(scenario())
        # The second timeout finds its pool already killed and rebuilt by the first.
        assert [type(r) for r in results] == [PageTimeout, PageTimeout]
        assert pool.rebuilds == 1
    finally:
        pool.close()
