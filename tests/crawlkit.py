"""Helpers of the crawl tests: a test configuration, and `scrapy crawl` run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

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
    lines = [
        "[storage]",
        f'url = "sqlite:///{tmp_path / "oiswatch.db"}"',
        CRAWL_SECTION.format(workers=workers) + crawl_extra,
        "[classifier]",
        'region = ["Riverton", "Missouri"]',
        extra,
    ]
    for name, url, outlet in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f'outlet = "{outlet}"']
    path = tmp_path / "oiswatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scrapy(
    *args: str, config: Path | None = None, cwd: Path = REPO, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m scrapy ARGS` from the repo root, as an operator would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("OISWATCH_CONFIG", None)
    if config is not None:
        env["OISWATCH_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
