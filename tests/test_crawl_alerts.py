"""A crawl raises alerts through the outbox: feeds always, a backfill only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawlkit import scrapy, write_config
from mocksite import MockSite, build_newsroom
from mocksite.newsroom import PATHS
from sqlalchemy import select

from store import Store
from store.schema import alerts, articles, incident_articles, outbox

# A destination so that alerts get outbox rows; nothing is dispatched by a crawl.
WEBHOOK = '[[alerts.webhooks]]\nurl = "http://127.0.0.1:9/hook"\n'


@pytest.fixture(scope="module")
def site():
    site = build_newsroom(MockSite()).start()
    yield site
    site.stop()


def queued(store: Store) -> list[tuple[str, str, str]]:
    """(article url, event, outbox status) for every outbox row."""
    query = (
        select(articles.c.url, alerts.c.event, outbox.c.status)
        .join(alerts, alerts.c.article_id == articles.c.id)
        .join(outbox, outbox.c.alert_id == alerts.c.id)
    )
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def flagged(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return [r.url for r in conn.execute(select(articles.c.url).where(articles.c.ois))]


def test_a_feed_crawl_queues_one_alert_per_flagged_article(site: MockSite, tmp_path: Path):
    config = write_config(tmp_path, [("rss", site.url(PATHS["rss"]), "Ledger")], extra=WEBHOOK)
    for _ in range(2):
        result = scrapy("crawl", "feeds", config=config)
        assert result.returncode == 0, result.stderr[-3000:]
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    shooting = site.url(PATHS["shooting"])
    assert flagged(store) == [shooting]
    # Two polls, one alert: the second poll neither refetches nor re-alerts.
    assert queued(store) == [(shooting, "incident.new", "pending")]


@pytest.mark.parametrize(("ask", "expected"), [((), 0), (("-a", "alert=yes"), 1)])
def test_a_backfill_alerts_only_when_asked(
    site: MockSite, tmp_path: Path, ask: tuple[str, ...], expected: int
):
    config = write_config(tmp_path, [], extra=WEBHOOK)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{site.url(PATHS['shooting'])}\n{site.url(PATHS['budget'])}\n")
    result = scrapy("crawl", "backfill", "-a", f"urls={listing}", *ask, config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    assert flagged(store) == [site.url(PATHS["shooting"])]
    assert len(queued(store)) == expected
    # Alerts or not, the flagged article is grouped into an incident for `oiswatch export`.
    with store.engine.connect() as conn:
        assert len(conn.execute(select(incident_articles)).all()) == 1
