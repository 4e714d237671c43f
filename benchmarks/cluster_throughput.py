"""Backfill throughput with one and with two `oiswatch worker` processes on the same data.

The 181 pages of ../shared/benchmarks/article-extraction are served from 127.0.0.1; a
fresh PostgreSQL database and Redis frontier per run. Time runs from pushing the links to
the last article stored. Run: python benchmarks/cluster_throughput.py [--workers 1 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import redis as redis_lib  # noqa: E402
from cluster.pages_site import PagesSite, worker_config  # noqa: E402
from servers import PostgresServer, RedisServer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from crawler.cluster import ArticleLink, push_articles  # noqa: E402
from store import Store  # noqa: E402
from store.schema import articles  # noqa: E402


def one_run(n: int, pg: PostgresServer, rd: RedisServer, site: PagesSite, tmp: Path) -> float:
    url = pg.create_database("bench")
    rd.flush()
    store = Store(url)
    cfg = worker_config(tmp / f"w{n}.toml", url, rd.url)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "oiswatch", "worker", "--config", str(cfg)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(n)
    ]
    try:
        time.sleep(3)  # let the workers start (imports, store, Redis) before timing
        urls = site.urls()
        started = time.monotonic()
        push_articles(redis_lib.Redis.from_url(rd.url), [ArticleLink(u) for u in urls])
        while True:
            with store.engine.connect() as conn:
                done = conn.execute(select(func.count()).select_from(articles)).scalar_one()
            if done >= len(urls):
                return time.monotonic() - started
            time.sleep(0.1)
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(60)
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    pg, rd, site = PostgresServer().start(), RedisServer().start(), PagesSite().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rates = {}
            for n in args.workers:
                seconds = one_run(n, pg, rd, site, Path(tmp))
                rates[n] = len(site.pages) / seconds
                print(f"{n} worker(s): {len(site.pages)} pages in {seconds:.1f}s, "
                      f"{rates[n]:.1f} pages/s")  # fmt: skip
        if 1 in rates and 2 in rates:
            print(f"ratio two/one workers: {rates[2] / rates[1]:.2f} (on {os.cpu_count()} cores)")
    finally:
        site.stop()
        rd.stop()
        pg.stop()


if __name__ == "__main__":
    main()
