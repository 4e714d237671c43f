"""`[classifier] rules` reaches the crawl: a custom rules file decides the stored verdict,
and a bad one stops `scrapy crawl feeds` before anything is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawlkit import REPO, scrapy, write_config
from mocksite import FeedItem, MockSite
from mocksite.newsroom import DAY
from mocksite.pages import article_page, shooting_story
from sqlalchemy import select

from store import Store
from store.schema import articles

STORY = "/news/mill-street-shooting"
BUNDLED_RULES = REPO / "config" / "classifier.toml"


@pytest.fixture
def site():
    site = MockSite()
    site.add_page(
        STORY,
        article_page(
            "Riverton officer shoots, kills driver after Mill Street traffic stop",
            shooting_story(),
            purpose="an OIS report: flagged by the bundled rules",
            published="2025-02-23T08:00:00+00:00",
        ),
    )
    site.add_feed("/feeds/news.rss", "rss", "Ledger")
    site.add_entry("/feeds/news.rss", FeedItem("Officer shoots driver", STORY, "g-1", DAY))
    site.start()
    yield site
    site.stop()


def crawl_with_rules(tmp_path: Path, site: MockSite, rules: str | None) -> dict:
    extra = f'rules = "{rules}"' if rules else ""
    config = write_config(
        tmp_path, [("rss", site.url("/feeds/news.rss"), "Ledger")], workers=1, extra=extra
    )
    result = scrapy("crawl", "feeds", config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    with store.engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.url == site.url(STORY))).mappings()
        stored = dict(row.one())
    store.close()
    return stored


def test_bundled_rules_flag_the_story(tmp_path, site):
    stored = crawl_with_rules(tmp_path, site, None)
    assert stored["ois"] is True and stored["category"] == "ois"


def test_a_custom_rules_file_decides_the_stored_verdict(tmp_path, site):
    # Same rules, but a score must be near certain to flag: the story scores just below.
    text = BUNDLED_RULES.read_text(encoding="utf-8")
    strict = text.replace("threshold = 0.5 ", "threshold = 0.999 ", 1)
    assert strict != text
    (tmp_path / "strict-rules.toml").write_text(strict, encoding="utf-8")
    stored = crawl_with_rules(tmp_path, site, "strict-rules.toml")  # relative to the config
    assert stored["fetch_status"] == "ok"
    assert stored["ois"] is False and stored["category"] == "not_ois"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ('[settings]\nthreshold = "high"\n', "settings.threshold"),
    ],
)
def test_a_bad_rules_file_stops_the_crawl_before_any_fetch(tmp_path, site, content, problem):
    rules = tmp_path / "my-rules.toml"
    if content is not None:
        rules.write_text(content, encoding="utf-8")
    config = write_config(
        tmp_path,
        [("rss", site.url("/feeds/news.rss"), "Ledger")],
        workers=1,
        extra=f'rules = "{rules.name}"',
    )
    result = scrapy("crawl", "feeds", config=config)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "[classifier] rules" in line]
    assert errors, result.stderr[-3000:]
    assert str(rules) in errors[0] and problem in errors[0]
    assert str(config) in errors[0]
    assert site.hits == {}  # failed at start-up: not one page or feed fetched
