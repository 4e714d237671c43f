"""Bad luck rather than malice: the crawl process killed with SIGKILL mid-poll."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO
from hostilekit import write_config
from mocksite import FeedItem, MockSite, Route
from proctree import alive, descendants


def test_a_killed_crawl_leaves_no_extraction_worker_or_forkserver_behind(tmp_path: Path):
    site = MockSite().start()
    site.add_feed("/news.rss", "rss", "Outlet")
    site.add("/slow", Route(hang=True))  # keeps the crawl mid-poll
    site.add_entry("/news.rss", FeedItem("Slow", "/slow", "s-1", datetime.now(UTC)))
    config = write_config(tmp_path, [("news", site.url("/news.rss"), "Outlet")], workers=2)
    env = {**os.environ, "PYTHONPATH": str(REPO), "OISWATCH_CONFIG": str(config)}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "feeds", "-s", "DOWNLOAD_TIMEOUT=60"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        # The forkserver is the crawl's child and the two workers its children.
        while time.monotonic() < deadline and len(tree) < 3:
            tree = descendants(crawl.pid)
            time.sleep(0.2)
        assert len(tree) >= 3, f"extraction workers never started: {tree}"
        while site.requests_for("/slow") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = descendants(crawl.pid)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(10)
        deadline = time.monotonic() + 10
        while alive(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(tree), f"left running after kill -9 of the crawl: {alive(tree)}"
    finally:
        if crawl.poll() is None:
            crawl.kill()
        for pid in alive(tree):
            os.kill(pid, signal.SIGKILL)
        site.stop()
