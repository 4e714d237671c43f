"""What the hostile-input tests share: a fixture web on 127.0.0.1, a crawl run for real,
and the store read back. An attack is a few routes on a ``MockSite`` plus assertions.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawlkit import scrapy, write_config
from mocksite import MockSite
from mocksite.pages import article_page, story
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from store.schema import articles, feeds


def add_story(site: MockSite, path: str, title: str) -> str:
    """An ordinary article page at `path`; returns its full URL."""
    site.add_page(path, article_page(title, story(title), purpose="a plain story"))
    return site.url(path)


@dataclass(frozen=True)
class Crawl:
    result: subprocess.CompletedProcess[str]
    articles: dict[str, dict[str, Any]]  # by URL
    feeds: dict[str, dict[str, Any]]  # by feed name

    @property
    def log(self) -> str:
        return self.result.stderr


def read_store(db: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(select(articles)).mappings()]
            feed_rows = [dict(r) for r in conn.execute(select(feeds)).mappings()]
    except OperationalError:
        return {}, {}  # no store made: the crawl stopped at start (its log says why)
    finally:
        engine.dispose()
    return {r["url"]: r for r in rows}, {r["name"]: r for r in feed_rows}


def crawl_feeds(config: Path, timeout: float = 60) -> Crawl:
    """`scrapy crawl feeds` with `config`, then what the store holds."""
    result = scrapy("crawl", "feeds", config=config, timeout=timeout)
    found, feed_rows = read_store(config.parent / "oiswatch.db")
    return Crawl(result, found, feed_rows)


__all__ = ["Crawl", "add_story", "crawl_feeds", "read_store", "write_config"]
