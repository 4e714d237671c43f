"""Backfill throughput with one and with two `oiswatch worker` processes on the same data.

The 181 pages of ../shared/benchmarks/article-extraction are served from 127.0.0.1; a
fresh PostgreSQL database and Redis frontier per run. Politeness is off in both runs
(DOWNLOAD_DELAY 0, AutoThrottle off, robots.txt not fetched: the site is ours), and each
worker extracts in its own process (extraction_workers = 0). Time runs from pushing the
links, once every worker is connected to Redis, to the last article stored.
Run: python benchmarks/cluster_throughput.py [--workers 1 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
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
from records import Lead  # noqa: E402
from store import Store  # noqa: E402
from store.schema import articles  # noqa: E402

# In the config (tests/cluster/pages_site.worker_config) already; said again, so both runs
# crawl without politeness delays whatever that file says.
POLITENESS_OFF = (
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
)  # fmt: skip


def one_run(
    n: int, pg: PostgresServer, rd: RedisServer, site: PagesSite, tmp: Path
) -> tuple[float, dict[str, int]]:
    """Seconds from push to the last article stored, and the articles' fetch statuses."""
    url = pg.create_database("bench")
    rd.flush()
    site.hits.clear()
    store = Store(url)
    cfg = worker_config(tmp / f"w{n}.toml", url, rd.url)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "oiswatch", "worker", "--config", str(cfg), *POLITENESS_OFF],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(n)
    ]
    client = redis_lib.Redis.from_url(rd.url)
    try:
        wait_connected(client, n, workers)
        urls = site.urls()
        started = time.monotonic()
        push_articles(client, [ArticleLink(Lead(u)) for u in urls])
        while True:
            with store.engine.connect() as conn:
                done = conn.execute(select(func.count()).select_from(articles)).scalar_one()
            if done >= len(urls):
                seconds = time.monotonic() - started
                break
            time.sleep(0.05)
        with store.engine.connect() as conn:
            statuses = conn.execute(
                select(articles.c.fetch_status, func.count()).group_by(articles.c.fetch_status)
            ).all()
        return seconds, {status: count for status, count in statuses}
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(60)
        store.close()


def wait_connected(client: redis_lib.Redis, n: int, workers: list, timeout: float = 120) -> None:
    """Until ``n`` workers have opened their spider (each holds Redis connections)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(w.poll() is not None for w in workers):
            raise SystemExit("a worker exited before the benchmark started")
        names = [c.get("name", "") for c in client.client_list()]
        # Our own connection is one; each worker's scheduler and spider add theirs.
        if len(names) - 1 >= 2 * n:
            return
        time.sleep(0.2)
    raise SystemExit(f"{n} worker(s) did not connect to Redis within {timeout}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs per worker count")
    args = parser.parse_args()
    pg, rd, site = PostgresServer().start(), RedisServer().start(), PagesSite().start()
    print(
        f"backfill of {len(site.pages)} pages from 127.0.0.1; politeness off "
        "(DOWNLOAD_DELAY 0, AutoThrottle off, robots.txt off); extraction in each worker"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rates: dict[int, float] = {}
            for n in args.workers:
                runs = []
                for _ in range(args.repeat):
                    seconds, statuses = one_run(n, pg, rd, site, Path(tmp))
                    if site.hits["/robots.txt"]:
                        raise SystemExit("robots.txt was fetched: politeness was not off")
                    if sorted(site.hits.items()) != sorted((p, 1) for p in site.pages):
                        raise SystemExit(f"pages not fetched exactly once: {site.hits}")
                    runs.append(len(site.pages) / seconds)
                    outcome = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                    print(f"  {n} worker(s): {len(site.pages)} pages in {seconds:.1f}s "
                          f"({outcome}), each fetched once")  # fmt: skip
                rates[n] = statistics.median(runs)
                print(f"{n} worker(s): {rates[n]:.1f} pages/s (median of {args.repeat})")
        if 1 in rates and 2 in rates:
            print(f"ratio two/one workers: {rates[2] / rates[1]:.2f}")
        print(
            f"note: {os.cpu_count()} CPU core(s) here, shared by the workers, PostgreSQL, "
            "Redis and the site; text extraction and classification keep a worker's core "
            "busy, so on a 2-core machine two workers saturate the cores and the ratio "
            "says little about more workers on more cores or machines."
        )
    finally:
        site.stop()
        rd.stop()
        pg.stop()


if __name__ == "__main__":
    main()
