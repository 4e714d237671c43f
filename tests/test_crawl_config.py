"""How `scrapy crawl` finds the configuration, and which settings win."""

from __future__ import annotations

import re

from crawlkit import scrapy, write_config
from kit import python
from mocksite.newsroom import PATHS

from store import Store


def crawl_settings_line(log: str) -> str:
    match = re.search(r"crawl settings: (.*)", log)
    assert match, log[-2000:]
    return match.group(1)


def test_config_given_with_dash_s_is_used_like_the_environment_variable(newsroom, tmp_path):
    config = write_config(tmp_path, [("rss", newsroom.url(PATHS["atom"]), "Riverton Ledger")])
    result = scrapy("crawl", "feeds", "-s", f"OISWATCH_CONFIG={config}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DOWNLOAD_TIMEOUT=1.5" in crawl_settings_line(result.stderr)
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    assert store.feed_state("rss").entries_seen == 2
    store.close()


def test_command_line_settings_win_over_the_config_file(tmp_path):
    config = write_config(tmp_path, [])
    result = scrapy(
        "crawl",
        "feeds",
        "-s",
        "DOWNLOAD_DELAY=0.25",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        "-s",
        "AUTOTHROTTLE_ENABLED=True",
        config=config,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = crawl_settings_line(result.stderr)
    assert "DOWNLOAD_DELAY=0.25" in line and "CONCURRENT_REQUESTS_PER_DOMAIN=32" in line
    assert "AUTOTHROTTLE_ENABLED=True" in line
    # What the command line left alone comes from the file.
    assert "DOWNLOAD_TIMEOUT=1.5" in line and "DOWNLOAD_MAXSIZE=200000" in line
    assert "no enabled feeds" in result.stderr


def test_a_bad_config_stops_the_crawl_with_an_error_naming_the_key(tmp_path):
    config = write_config(tmp_path, [])
    text = config.read_text().replace(
        "download_timeout_seconds = 1.5", "download_timeout_seconds = -1"
    )
    config.write_text(text)
    result = scrapy("crawl", "feeds", config=config)
    assert result.returncode != 0
    assert "crawl.download_timeout_seconds" in result.stderr
    assert str(config) in result.stderr


# The daemon's crawl path, as `oiswatch run` takes it: oiswatch.crawling.FeedCrawls on the
# process's one reactor (oiswatch.reactor), polled twice; the feed answers 304 the second time.
POLL_TWICE = """
import sys
from config import load_config
from oiswatch import reactor
from oiswatch.crawling import FeedCrawls
from oiswatch.logs import setup_logging

async def main():
    config = load_config(sys.argv[1])
    crawls = FeedCrawls()
    first = await crawls(config)
    second = await crawls(config)
    print("FIRST", first.feeds_fetched, first.new_articles, first.finish_reason)
    print("SECOND", second.feeds_not_modified, second.new_articles, second.finish_reason)
    return 0

setup_logging("INFO")
sys.exit(reactor.run(main))
"""


def test_the_daemons_crawls_repeat_in_one_process(newsroom, tmp_path):
    config = write_config(tmp_path, [("atom", newsroom.url(PATHS["atom"]), "Riverton Ledger")])
    result = python("-c", POLL_TWICE, str(config), timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "FIRST 1 2 finished" in result.stdout, result.stderr[-3000:]
    assert "SECOND 1 0 finished" in result.stdout, result.stderr[-3000:]
    # Polled every few minutes, a crawl must not repeat its settings in the service's log.
    lines = result.stderr.splitlines()
    summaries = [line for line in lines if "crawl summary" in line]
    assert len(summaries) == 2, result.stderr[-3000:]
    assert "feeds fetched 1" in summaries[0] and "not modified 1" in summaries[1]
    assert not [line for line in lines if "crawl settings" in line]
    assert not [line for line in lines if "not modified" in line and "summary" not in line]
    assert not [line for line in lines if "extraction in" in line]
