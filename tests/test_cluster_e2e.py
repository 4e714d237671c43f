"""The scaled-out service end to end: real PostgreSQL and Redis, the fixture news web, a
webhook receiver, two `oiswatch run` (a leader and a standby) and two `oiswatch worker`.

What a newsroom would notice: every article page is fetched once across the workers and
stored; the police shooting is alerted once; when the leader is SIGKILLed the standby
takes over within a bounded time, its polls find the next story, and that story is
fetched once and alerted once. No alert is lost or sent twice.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from kit import Proc, oiswatch_run, oiswatch_worker, stop_all, wait_until
from kit import write_config as write_sections
from mocksite import FeedItem, MockSite, build_newsroom
from mocksite.newsroom import PATHS
from mocksite.pages import article_page
from servicekit import shooting_paragraphs
from sqlalchemy import func, select

from store import Store
from store.schema import articles, outbox

RETRY_SECONDS = 0.5
# A standby retries the lock every RETRY_SECONDS; the rest is its start-up (a new crawl
# on a 2-core machine shared with the other processes).
TAKEOVER_BOUND = 10.0
# Pages the fixture serves as articles; the hostile ones fail and are retried.
FAILING = {"missing", "error", "slow", "huge", "loop"}
NEW_PATH = "/news/ashford-police-shooting"


def write_config(
    tmp_path: Path, pg_url: str, redis_url: str, site: MockSite, hook_url: str
) -> Path:
    feeds = "".join(
        f'[[feeds]]\nname = "{key}"\noutlet = "Riverton Ledger"\nurl = "{site.url(PATHS[key])}"\n'
        for key in ("rss", "atom", "briefs", "dead")
    )
    return write_sections(
        tmp_path,
        f"""
[storage]
url = "{pg_url}"

[cluster]
redis_url = "{redis_url}"
standby_retry_seconds = {RETRY_SECONDS}

[crawl]
download_timeout_seconds = 2
obey_robots_txt = false
concurrent_requests = 8
concurrent_requests_per_domain = 8
download_delay_seconds = 0
autothrottle = false
max_response_bytes = 200_000
max_fetch_attempts = 2
retry_times = 0
extraction_workers = 0

[schedule]
poll_minutes = 0.05
jitter_seconds = 0
dispatch_seconds = 1

[[alerts.webhooks]]
url = "{hook_url}"

{feeds}""",
    )


def page_hits(site: MockSite) -> Counter[str]:
    """Fetches of article pages; feeds and robots.txt are the leader's business."""
    return Counter({p: n for p, n in site.hits.items() if not p.startswith("/feeds/")})


def stored(store: Store) -> dict[str, tuple[str, int]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(articles.c.url, articles.c.fetch_status, articles.c.attempts))
        return {url: (status, attempts) for url, status, attempts in rows}


def outbox_pending(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        ).scalar_one()


def leads(proc: Proc) -> bool:
    return "leading: this process schedules" in proc.log()


@pytest.fixture
def site():
    s = build_newsroom(MockSite()).start()
    yield s
    s.stop()


def test_leader_standby_and_two_workers(pg_url, redis_url, site, http, tmp_path) -> None:
    config = write_config(tmp_path, pg_url, redis_url, site, http.url())
    store = Store(pg_url)  # migrate once, before the processes race to
    once = ("budget", "latin1", "shooting", "bridge", "library", "private", "pdf")
    ok_urls = {site.url(PATHS[k]) for k in ("budget", "latin1", "shooting", "bridge", "library")}
    shooting = site.url(PATHS["shooting"])
    running: list[Proc] = []
    try:
        workers = [
            oiswatch_worker(config, tmp_path / f"worker{i}.log", name=f"worker{i}") for i in (1, 2)
        ]
        running += workers
        first = oiswatch_run(config, tmp_path / "run1.log", "--grace-seconds", "5", name="run1")
        running.append(first)
        wait_until("a leader", lambda: leads(first), watch=running)
        second = oiswatch_run(config, tmp_path / "run2.log", "--grace-seconds", "5", name="run2")
        running.append(second)
        wait_until("a standby", lambda: "standing by" in second.log(), watch=running)
        assert f"pid {first.pid}" in second.log()  # the standby names the leader

        # Everything the feeds link to is fetched, stored, and the shooting alerted.
        wait_until(
            "articles stored",
            lambda: ok_urls <= {u for u, (s, _) in stored(store).items() if s == "ok"},
            watch=running,
        )
        wait_until("the shooting's alert", lambda: shooting in http.urls(), watch=running)
        # Wait out the retries of the failing pages (max_fetch_attempts = 2).
        failing = {site.url(PATHS[k]) for k in FAILING}
        wait_until(
            "failed pages tried twice",
            lambda: all(stored(store).get(u, ("", 0))[1] >= 2 for u in failing),
            watch=running,
            detail=lambda: (stored(store), page_hits(site)),
        )
        hits = page_hits(site)
        assert site.hits["/robots.txt"] == 0  # obey_robots_txt = false reaches every process
        for key in once:
            assert hits[PATHS[key]] == 1, (key, hits)
        for key in ("missing", "error", "huge"):
            assert hits[PATHS[key]] == 2, (key, hits)  # the first try and one retry
        assert not [w for w in workers if "Traceback" in w.log()]
        # The leader fetched no article itself, not even the retries: it hands links off.
        summaries = leader_summaries(first)
        assert summaries and all(FETCHED_NOTHING in line for line in summaries), summaries

        # A new story appears; the leader dies before or after it has seen it.
        serve_story(site)
        killed_at = time.monotonic()
        first.kill()
        wait_until("the standby to lead", lambda: leads(second), watch=running[:2] + [second])
        assert time.monotonic() - killed_at < TAKEOVER_BOUND
        new_url = site.url(NEW_PATH)
        wait_until(
            "the new story's alert", lambda: new_url in http.urls(), watch=running[:2] + [second]
        )
        wait_until("the outbox drained", lambda: outbox_pending(store) == 0, watch=[second])
        assert page_hits(site)[NEW_PATH] == 1
        for key in once:
            assert page_hits(site)[PATHS[key]] == 1, key
    finally:
        codes = stop_all(running)
        store.close()
    # Every alert exactly once: one webhook per outbox row, none repeated.
    assert Counter(http.urls()) == Counter({shooting: 1, new_url: 1})
    assert len(set(http.deliveries)) == len(http.deliveries) == 2
    assert codes["run2"] == 0 and codes["worker1"] == 0 and codes["worker2"] == 0, codes
    assert all(FETCHED_NOTHING in line for line in leader_summaries(second))


FETCHED_NOTHING = "articles new 0, duplicate 0, skipped 0, failed 0"


def leader_summaries(proc: Proc) -> list[str]:
    return [line for line in proc.log().splitlines() if "crawl summary (feeds" in line]


def serve_story(site: MockSite) -> None:
    site.add_page(
        NEW_PATH,
        article_page(
            "Ashford officer shoots man after foot chase",
            shooting_paragraphs("ash"),
            purpose="published while the leader dies: found by the standby",
            canonical=site.url(NEW_PATH),
            published="2025-03-01T08:00:00+00:00",
        ),
    )
    site.add_entry(
        PATHS["rss"],
        FeedItem("Ashford officer shoots man", NEW_PATH, "ledger-3001", time_now()),
    )


def time_now():
    from datetime import UTC, datetime

    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
