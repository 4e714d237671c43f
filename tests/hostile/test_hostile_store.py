"""Bad luck with the store: another program holds its write lock, or its path is unusable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO
from hostilekit import add_story, read_store, write_config
from mocksite import FeedItem, MockSite, Route

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def oiswatch(*args: str, config: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "oiswatch", *args, "--config", str(config)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


class WriteLock:
    """A second program (a backup, an export) holding the SQLite store's write lock."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self.held = threading.Event()  # taken at least once
        self.mutex = threading.Lock()

    def take(self) -> None:
        with self.mutex:
            if not self.held.is_set():
                self.conn.execute("BEGIN IMMEDIATE")
                self.held.set()

    def release(self) -> None:
        with self.mutex:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.release()
        self.conn.close()


def poll_releasing_when_refused(config: Path, lock: WriteLock) -> tuple[int, str]:
    """`oiswatch poll`; the lock is released as soon as the poll says a write failed, so
    that what it does next (recording the failure) meets a free store, as it would once a
    backup finishes."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "oiswatch", "poll", "--config", str(config)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)
        if "store write failed" in line:
            lock.release()
    return proc.wait(90), "".join(lines)


def test_a_write_locked_store_fails_the_feed_and_the_article_comes_next_poll(tmp_path):
    site = MockSite().start()
    db = tmp_path / "oiswatch.db"
    try:
        site.add_feed("/news.rss", "rss", "Outlet")
        story = add_story(site, "/news/shooting", "Deputies shoot armed man on Route 9")
        config = write_config(tmp_path, [("news", site.url("/news.rss"), "Outlet")], workers=0)
        # Writes wait 2 s for the lock before failing, rather than 30.
        config.write_text(config.read_text().replace('oiswatch.db"', 'oiswatch.db?timeout=2"'))
        assert oiswatch("poll", config=config).returncode == 0  # the store exists

        lock = WriteLock(db)
        page = site.routes["/news/shooting"]
        site.add("/news/shooting", Route(body=page.body, on_request=lock.take))
        site.add_entry("/news.rss", FeedItem("Shooting", "/news/shooting", "s-1", DAY))
        try:
            code, log = poll_releasing_when_refused(config, lock)
        finally:
            lock.close()
        assert lock.held.is_set()
        assert code == 3, log[-3000:]
        assert "database is locked" in log
        found, feeds = read_store(db)
        assert story not in found
        assert feeds["news"]["consecutive_failures"] == 1
        assert "store write failed: database is locked" in feeds["news"]["last_error"]
        status = oiswatch("status", config=config)
        assert "database is locked" in status.stdout, status.stdout

        second = oiswatch("poll", config=config)
        assert second.returncode == 0, second.stderr[-3000:]
        found, feeds = read_store(db)
        assert found[story]["fetch_status"] == "ok"
        assert site.requests_for("/news/shooting") == 2
        assert feeds["news"]["consecutive_failures"] == 0
    finally:
        site.stop()


def test_a_store_locked_at_start_is_one_line_and_a_non_zero_exit(tmp_path):
    config = write_config(tmp_path, [("news", "http://127.0.0.1:9/news.rss", "Outlet")])
    config.write_text(config.read_text().replace('oiswatch.db"', 'oiswatch.db?timeout=0.5"'))
    assert oiswatch("check-config", config=config).returncode == 0
    oiswatch("status", config=config)  # creates the store
    lock = WriteLock(tmp_path / "oiswatch.db")
    lock.take()
    try:
        result = oiswatch("poll", config=config)
    finally:
        lock.close()
    assert result.returncode == 3
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    problem = [line for line in result.stderr.splitlines() if "oiswatch:" in line]
    assert len(problem) == 1 and "database is locked" in problem[0], result.stderr[-2000:]
    assert str(tmp_path / "oiswatch.db") in problem[0]


def test_an_unusable_store_path_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be\n")
    config = write_config(tmp_path, [("news", "http://127.0.0.1:9/news.rss", "Outlet")])
    config.write_text(
        config.read_text().replace(str(tmp_path / "oiswatch.db"), str(blocker / "oiswatch.db"))
    )
    result = oiswatch("poll", config=config)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    problem = [line for line in result.stderr.splitlines() if "oiswatch:" in line]
    assert len(problem) == 1 and str(blocker) in problem[0], result.stderr[-2000:]
