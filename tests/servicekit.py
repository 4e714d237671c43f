"""Helpers of the service tests: a webhook receiver, a small newsroom, the daemon as a process.

Everything listens on 127.0.0.1 (ephemeral ports) and is started by the test itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from conftest import REPO
from mocksite import FeedItem, MockSite
from mocksite.pages import article_page, story
from mocksite.server import Route

FEED = "/feeds/local.rss"
DAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

# Distinct police shootings (different towns, agencies, days), so each is its own incident.
SHOOTINGS = {
    "ash": ("Ashford", "Ashford Police Department", "Monday", "Cole Avenue"),
    "birch": ("Birchwood", "Birchwood County Sheriff's Office", "Tuesday", "Route 12"),
    "cedar": ("Cedar Bluff", "Cedar Bluff Police Department", "Wednesday", "Pine Street"),
    "dale": ("Dalton", "Dalton Police Department", "Thursday", "Mercer Road"),
}


def shooting_paragraphs(key: str) -> list[str]:
    town, agency, day, street = SHOOTINGS[key]
    officer = "deputy" if "Sheriff" in agency else "officer"
    a = "An" if town[0] in "AEIOU" else "A"
    return [
        f"{a} {town} police {officer} shot and wounded a man {day} night on {street} after the "
        f"man fired at officers during a foot chase, the {agency} said.",
        f"The {officer} returned fire, hitting the man in the leg. He was taken to {town} "
        f"Regional Hospital and is expected to survive. No officers were hurt.",
        f"The state Bureau of Investigation is investigating the shooting at the request of "
        f"the {agency}, which said the {officer} has been placed on administrative leave.",
        f"Residents of the {street} neighborhood in {town} said they heard about a dozen shots "
        f"shortly after {8 + len(town) % 4} p.m. and saw ambulances arrive minutes later.",
    ]


def publish_shooting(site: MockSite, key: str, *, hang: bool = False, hours: int = 0) -> str:
    """Add the story's page (or a page that never answers) and its feed entry; its path."""
    path = f"/news/{key}-police-shooting"
    town = SHOOTINGS[key][0]
    if hang:
        site.add(path, Route(hang=True))
    else:
        serve_shooting(site, key)
    site.add_entry(
        FEED,
        FeedItem(
            f"{town} officer shoots man after foot chase",
            path,
            f"guid-{key}",
            DAY + timedelta(hours=hours),
        ),
    )
    return path


def serve_shooting(site: MockSite, key: str) -> None:
    path = f"/news/{key}-police-shooting"
    town = SHOOTINGS[key][0]
    site.add_page(
        path,
        article_page(
            f"{town} officer shoots man after foot chase",
            shooting_paragraphs(key),
            purpose=f"an officer-involved shooting in {town}: flagged, alerted",
            canonical=site.url(path),
            published=(DAY - timedelta(hours=2)).isoformat(),
        ),
    )


def newsroom_site() -> MockSite:
    """A site with robots.txt, one RSS feed, one shooting and one ordinary story."""
    site = MockSite()
    site.add("/robots.txt", Route(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    site.add_feed(FEED, "rss", "The Valley Courier")
    site.add_page(
        "/news/school-budget",
        article_page(
            "School board adopts budget",
            story("school budget", "Ashford"),
            purpose="an ordinary story: stored, not flagged",
            canonical=site.url("/news/school-budget"),
            published=(DAY - timedelta(hours=5)).isoformat(),
        ),
    )
    site.add_entry(
        FEED, FeedItem("School board adopts budget", "/news/school-budget", "guid-budget", DAY)
    )
    return site.start()


class WebhookReceiver:
    """Accepts alert webhooks and keeps their JSON bodies; ``fail`` makes it answer 503."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        # The X-Oiswatch-Delivery header of each accepted webhook: one per outbox row.
        self.deliveries: list[str] = []
        self.fail = False
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                with receiver._lock:
                    receiver.bodies.append(json.loads(data))
                    receiver.deliveries.append(self.headers.get("X-Oiswatch-Delivery", ""))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def urls(self) -> list[str]:
        with self._lock:
            return [b["article"]["url"] for b in self.bodies if b.get("article")]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def write_service_config(
    tmp_path: Path, site: MockSite, hook: WebhookReceiver, *, timeout: float = 20
) -> Path:
    text = f"""
[storage]
url = "sqlite:///{tmp_path / "oiswatch.db"}"

[crawl]
download_timeout_seconds = {timeout}
download_delay_seconds = 0
autothrottle = false
concurrent_requests_per_domain = 8
retry_times = 0
extraction_workers = 0

[schedule]
poll_minutes = 0.05
jitter_seconds = 0
dispatch_seconds = 1

[[alerts.webhooks]]
url = "{hook.url}"

[[feeds]]
name = "courier"
outlet = "The Valley Courier"
url = "{site.url(FEED)}"
"""
    path = tmp_path / "oiswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def env() -> dict[str, str]:
    out = {**os.environ, "PYTHONPATH": str(REPO)}
    out.pop("OISWATCH_CONFIG", None)
    return out


def oiswatch(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oiswatch", *args],
        cwd=REPO,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Daemon:
    """``python -m oiswatch run`` as a real process; its output goes to a file."""

    def __init__(self, config: Path, log: Path, *args: str) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oiswatch", "--config", str(config), "run", *args],
            cwd=REPO,
            env=env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


def wait_until(
    what: str, check: Callable[[], Any], timeout: float = 60, daemon: Daemon | None = None
) -> Any:
    """Poll ``check`` until it returns something true; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if daemon is not None and daemon.proc.poll() is not None:
            raise AssertionError(
                f"daemon exited ({daemon.proc.returncode}) before {what}:\n{daemon.log()}"
            )
        time.sleep(0.2)
    log = daemon.log() if daemon else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")


# -- pytest fixtures (imported by the service test modules) --------------------------------

import pytest  # noqa: E402


@pytest.fixture
def site() -> Iterator[MockSite]:
    s = newsroom_site()
    yield s
    s.stop()


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    h = WebhookReceiver()
    yield h
    h.stop()
