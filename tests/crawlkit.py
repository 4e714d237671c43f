"""Helpers of the crawl tests: a test configuration for `scrapy crawl` (run by kit.scrapy)."""

from __future__ import annotations

from pathlib import Path

from kit import REPO, scrapy
from kit import write_config as write_sections

__all__ = ["REPO", "scrapy", "write_config"]

# Small limits so hostile pages fail fast; politeness off because the site is ours.
CRAWL_SECTION = """
[crawl]
download_timeout_seconds = 1.5
obey_robots_txt = true
concurrent_requests = 16
concurrent_requests_per_domain = 16
download_delay_seconds = 0
autothrottle = false
max_response_bytes = 200_000
max_fetch_attempts = 2
retry_times = 0
extraction_workers = {workers}
"""


def write_config(
    tmp_path: Path,
    feeds: list[tuple[str, str, str]],
    *,
    workers: int = 2,
    extra: str = "",
    crawl_extra: str = "",
) -> Path:
    """A config file with the given (name, url, outlet) feeds and a store in tmp_path;
    `crawl_extra` is added to its [crawl] section, `extra` after it."""
    sections = [
        CRAWL_SECTION.format(workers=workers) + crawl_extra,
        "[classifier]",
        'region = ["Riverton", "Missouri"]',
        extra,
    ]
    for name, url, outlet in feeds:
        sections += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f'outlet = "{outlet}"']
    return write_sections(tmp_path, *sections)
