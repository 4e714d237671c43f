"""Helpers of the service tests: a small newsroom with police shootings, and its configuration.

Everything listens on 127.0.0.1 (ephemeral ports) and is started by the test itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_fixtures import HttpReceiver
from kit import write_config
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


def write_service_config(
    tmp_path: Path, site: MockSite, hook: HttpReceiver, *, timeout: float = 20
) -> Path:
    return write_config(
        tmp_path,
        f"""
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
url = "{hook.url()}"

[[feeds]]
name = "courier"
outlet = "The Valley Courier"
url = "{site.url(FEED)}"
""",
    )


# -- pytest fixtures (a plugin: tests/conftest.py registers this module) -------------------


@pytest.fixture
def site() -> Iterator[MockSite]:
    s = newsroom_site()
    yield s
    s.stop()
