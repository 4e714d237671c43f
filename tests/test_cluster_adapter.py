"""The scrapy-redis adapter: workers read links from Redis and share one dupefilter."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import redis as redis_lib
import scrapy
from conftest import REPO
from scrapy.settings import Settings

from crawler.cluster import (
    START_KEY,
    ArticleLink,
    RedisStartMixin,
    frontier_size,
    push_articles,
)
from crawler.spiders.base import LEAD
from records import Lead

PAGES = 30


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: CountingServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with self.server.lock:
            self.server.hits[self.path] += 1
        body = f"<html><title>{self.path}</title><p>page</p></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[CountingServer]:
    server = CountingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_workers(redis_url: str, tmp_path, n: int, run: str = "") -> list[list[dict]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    script = REPO / "tests" / "cluster" / "toy_worker.py"
    procs, outs = [], []
    for i in range(n):
        out = tmp_path / f"worker{run}{i}.jsonl"
        outs.append(out)
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script), redis_url, str(out), "2"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        )
    results = []
    for proc, out in zip(procs, outs, strict=True):
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr[-3000:]
        assert json.loads(stdout.strip().splitlines()[-1])["finish_reason"] == "finished"
        lines = out.read_text().splitlines() if out.exists() else []
        results.append([json.loads(line) for line in lines])
    return results


def test_two_workers_fetch_each_link_once_even_when_pushed_twice(
    redis_url: str, site: CountingServer, tmp_path
) -> None:
    base = f"http://127.0.0.1:{site.server_address[1]}"
    links = [ArticleLink(Lead(f"{base}/a/{i}", feed="f1")) for i in range(PAGES)]
    client = redis_lib.Redis.from_url(redis_url)
    # The same links again, as when two feeds carry one story or a poll repeats.
    assert push_articles(client, links + links[:10]) == PAGES + 10

    per_worker = run_workers(redis_url, tmp_path, 2)

    assert site.hits == Counter({f"/a/{i}": 1 for i in range(PAGES)})
    scraped = [item["url"] for items in per_worker for item in items]
    assert sorted(scraped) == sorted(link.url for link in links)
    assert {item["feed"] for items in per_worker for item in items} == {"f1"}
    assert frontier_size(client) == {"waiting": 0, "queued": 0, "seen": PAGES}


def test_refetch_passes_the_dupefilter_and_bad_entries_are_dropped(
    redis_url: str, site: CountingServer, tmp_path
) -> None:
    base = f"http://127.0.0.1:{site.server_address[1]}"
    client = redis_lib.Redis.from_url(redis_url)
    push_articles(client, [ArticleLink(Lead(f"{base}/r"))])
    run_workers(redis_url, tmp_path, 1)
    client.rpush(START_KEY, b"not json", b'{"no": "url"}', b"\xff\xfe")
    push_articles(
        client, [ArticleLink(Lead(f"{base}/r")), ArticleLink(Lead(f"{base}/r"), refetch=True)]
    )
    (items,) = run_workers(redis_url, tmp_path, 1, run="second")
    assert site.hits["/r"] == 2
    assert [item["url"] for item in items] == [f"{base}/r"]


def test_leader_hands_a_link_off_once_and_again_only_when_its_worker_died(
    redis_url: str,
) -> None:
    """Polls that see an unstored link again leave it while it is queued or being fetched;
    after the lease it goes again, past the dupefilter (its worker died holding it)."""
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.settings import Settings
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.handoff import HandOffArticles

    client = redis_lib.Redis.from_url(redis_url)
    spider = SimpleNamespace(store=None, parse_article=lambda response: None)
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    spider.crawler = SimpleNamespace(stats=stats)
    handoff = HandOffArticles(client, lease_seconds=3600)

    def poll() -> list[object]:
        url = "http://127.0.0.1:9/news/a"
        request = Request(url, callback=spider.parse_article, meta={LEAD: Lead(url)})
        feed_item = {"not": "a request"}
        return list(handoff.process_spider_output(None, [request, feed_item], spider))

    assert poll() == [{"not": "a request"}]  # the article went to Redis, the rest passes
    assert poll() == [{"not": "a request"}]
    queued = [ArticleLink.from_json(d) for d in client.lrange(START_KEY, 0, -1)]
    assert [(link.url, link.refetch) for link in queued] == [("http://127.0.0.1:9/news/a", False)]

    handoff.lease_seconds = 0  # the lease is over and the article is still not stored
    poll()
    queued = [ArticleLink.from_json(d) for d in client.lrange(START_KEY, 0, -1)]
    assert [link.refetch for link in queued] == [False, True]
    assert stats.get_value("oiswatch/cluster/still_queued") == 1


def test_a_worker_waits_out_a_redis_outage_instead_of_finishing() -> None:
    class RestartingRedis:
        """Refuses the first two reads, as a Redis server does while it restarts."""

        reads = 0

        def llen(self, key: str) -> int:
            self.reads += 1
            if self.reads <= 2:
                raise redis_lib.exceptions.ConnectionError("Connection refused")
            return 0

    class Worker(RedisStartMixin, scrapy.Spider):
        name = "restarting-redis"
        redis_poll_seconds = 0
        redis_retry_seconds = 0

    link = scrapy.Request("http://127.0.0.1:9/a")
    worker = Worker()
    worker.crawler = SimpleNamespace(  # type: ignore[assignment]
        engine=SimpleNamespace(needs_backout=lambda: False), settings=Settings()
    )
    worker.server = RestartingRedis()
    worker.redis_batch_size = 16
    worker.next_requests = lambda: iter([link])  # type: ignore[method-assign]

    async def first_request() -> scrapy.Request:
        # Before: the error ended start(), and the worker exited as "finished".
        return await anext(worker.start())

    assert asyncio.run(first_request()) is link
    assert worker.server.reads == 3
