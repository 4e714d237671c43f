"""What an operator reads in the log: one line per failed request, no traceback for the
network, no migration chatter, no false alarm at exit."""

from __future__ import annotations

import socket
from pathlib import Path

from kit import oiswatch
from servicekit import publish_shooting, write_service_config


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on: connections are refused, as offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_feeds_log_one_line_per_failed_request_without_tracebacks(
    tmp_path: Path,
) -> None:
    ports = [closed_port(), closed_port()]
    feeds = "".join(
        f'\n[[feeds]]\nname = "down{i}"\nurl = "http://127.0.0.1:{port}/feed.xml"\n'
        for i, port in enumerate(ports)
    )
    config = tmp_path / "oiswatch.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path / "o.db"}"\n'
        "[crawl]\nretry_times = 1\ndownload_delay_seconds = 0\nextraction_workers = 0\n" + feeds
    )
    result = oiswatch("--config", str(config), "poll")
    assert result.returncode == 0, result.stderr
    log = result.stderr
    assert "Traceback" not in log
    assert "Gave up retrying" not in log
    # Alembic's narration of the store's creation is for DEBUG; one line says what it did.
    assert "Context impl" not in log and "Running upgrade" not in log
    assert "store upgraded from schema revision (new) to" in log
    for i, port in enumerate(ports):
        host = f"127.0.0.1:{port}"
        lines = [line for line in log.splitlines() if host in line]
        # The robots.txt request and the feed request: one line each, host and reason.
        assert len(lines) == 2, lines
        robots, feed = sorted(lines, key=lambda line: "robots.txt" not in line)
        assert f"robots.txt of {host} not fetched (connection refused)" in robots
        assert "WARNING" in robots
        assert f"feed down{i} ({host}) failed: connection refused" in feed


def test_an_apprise_destination_leaves_no_thread_blocked_at_exit(
    tmp_path: Path, site, http
) -> None:
    publish_shooting(site, "ash")
    config = write_service_config(tmp_path, site, http)
    port = http.port
    config.write_text(
        config.read_text() + f'\n[[alerts.apprise]]\nurl = "json://127.0.0.1:{port}/hook"\n'
    )
    result = oiswatch("--config", str(config), "poll")
    assert result.returncode == 0, result.stderr
    assert "still blocked" not in result.stderr, result.stderr
    # Both destinations got the alert: the webhook's signed JSON and Apprise's message.
    assert len(http.bodies) == 2, http.bodies


def test_a_crawl_that_closes_without_a_reason_reports_the_error_that_closed_it(
    tmp_path: Path, caplog
) -> None:
    import asyncio
    import logging

    from config import parse_config
    from crawler.runner import CrawlStats
    from oiswatch.cycle import Cycle
    from store import Store
    from store.polls import recent_runs

    async def crawl(config):  # what Scrapy does when a crawl fails to open: log, no reason
        logging.getLogger("scrapy.core.engine").error("Error while opening spider: disk full")
        return CrawlStats(0, 0, 0, 0, 0, 0, 0, 0, finish_reason=None)

    store = Store(f"sqlite:///{tmp_path / 'o.db'}")
    config = parse_config({"storage": {"url": store.url}})
    cycle = Cycle(config=config, store=store, crawl=crawl, dispatch=lambda s, c: {})
    with caplog.at_level(logging.INFO):
        asyncio.run(cycle.run("poll"))
    (run,) = recent_runs(store.engine, 1)
    store.close()
    assert run.error == (
        "crawl ended early: the crawl closed without finishing; "
        "last error: scrapy.core.engine: Error while opening spider: disk full"
    )
    assert "None" not in caplog.text and run.error in caplog.text
