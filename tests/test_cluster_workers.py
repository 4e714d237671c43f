"""`oiswatch worker` processes share one frontier: every article is fetched once and stored."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import redis as redis_lib
from cluster.pages_site import PagesSite, worker_config
from conftest import REPO
from sqlalchemy import func, select

from crawler.cluster import ArticleLink, frontier_size, push_articles
from store import Store
from store.schema import article_sources, articles

PAGES = 24


def start_worker(config_path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "oiswatch", "worker", "--config", str(config_path),
         "--idle-exit", "3"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_workers_store_every_article_once(pg_url: str, redis_url: str, tmp_path) -> None:
    site = PagesSite(limit=PAGES).start()
    try:
        cfg = worker_config(tmp_path / "oiswatch.toml", pg_url, redis_url)
        Store(pg_url).close()  # migrate before the workers race to
        urls = site.urls()
        links = [ArticleLink(u, {"feed": "metro", "outlet": "Metro Daily"}) for u in urls]
        client = redis_lib.Redis.from_url(redis_url)
        # Half the links twice: a story in two feeds, or a leader that polled again.
        push_articles(client, links + links[::2])

        workers = [start_worker(cfg) for _ in range(2)]
        for w in workers:
            _out, err = w.communicate(timeout=180)
            assert w.returncode == 0, err[-3000:]

        fetched = Counter({p: n for p, n in site.hits.items() if p.startswith("/news/")})
        assert fetched == Counter({path: 1 for path in site.pages})
        store = Store(pg_url)
        try:
            with store.engine.connect() as conn:
                rows = conn.execute(select(articles.c.url, articles.c.fetch_status)).all()
                sources = conn.execute(
                    select(func.count()).select_from(article_sources)
                ).scalar_one()
        finally:
            store.close()
        assert sorted(url for url, _ in rows) == sorted(urls)
        statuses = Counter(status for _, status in rows)
        assert statuses["ok"] + statuses["duplicate"] >= PAGES * 3 // 4, statuses
        assert sources >= statuses["ok"]
        assert frontier_size(client)["waiting"] == 0
    finally:
        site.stop()
