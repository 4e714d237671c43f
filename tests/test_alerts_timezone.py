"""`[alerts] timezone`: editors read their own clock in emails, the digest and `status`;
the store keeps UTC."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alert_fixtures import STORY_A, T0, article, make_config, store_article
from sqlalchemy import select

from alerts import dispatch_due, send_digest
from config import ConfigError, parse_config
from oiswatch.status import RecentIncident, Status, render_table
from store.schema import articles
from store.schema import outbox as outbox_table

CHICAGO = "America/Chicago"  # T0 is 2026-03-04 15:00 UTC: 09:00 CST


def test_email_times_are_in_the_newsrooms_zone_and_the_store_keeps_utc(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port, timezone=CHICAGO)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    assert dispatch_due(store, config, now=T0 + timedelta(hours=1)).sent == 1
    (message,) = smtp.parsed()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Published: 2026-03-04 09:00 CST" in text and "2026-03-04 09:00 CST" in html
    assert "UTC" not in text
    with store.engine.connect() as conn:
        (published,) = conn.execute(select(articles.c.published)).scalars().all()
    assert published == T0  # stored as UTC, unchanged


def test_the_digest_belongs_to_the_newsrooms_day(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port, digest=True, timezone=CHICAGO)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    # 03:00 UTC on the 5th is still the evening of the 4th in Chicago.
    evening = T0 + timedelta(hours=12)
    send_digest(store, config, evening)
    with store.engine.connect() as conn:
        keys = [r.destination for r in conn.execute(select(outbox_table))]
    assert "digest:2026-03-04" in keys
    (digest,) = [m for m in smtp.parsed() if m["Subject"].startswith("[OIS digest]")]
    assert digest["Subject"].startswith("[OIS digest] 2026-03-04:")


def test_status_shows_clock_times_in_the_newsrooms_zone() -> None:
    status = Status(
        now=T0,
        store="sqlite:///x.db",
        feeds=(),
        fetched_today=0,
        flagged_today=0,
        failed_today=0,
        articles_total=0,
        alerts={"pending": 0, "sent": 0, "dead": 0, "dismissed": 0},
        last_poll=None,
        last_successful_poll_at=None,
        daemon="oiswatch run (pid 1 on host)",
        next_poll_at=T0 + timedelta(minutes=7),
        poll_minutes=10,
        recent_incidents=(RecentIncident("3f9a1c2b7d0e4f5a6b7c", T0, "Kansas City, MO", "x"),),
        timezone=CHICAGO,
    )
    table = render_table(status)
    assert "next poll: in 7m (09:07 CST)" in table
    assert "3f9a1c2b7d0e4f5a6b7c  opened 2026-03-04 09:00 CST" in table


def test_an_unknown_zone_is_a_configuration_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"alerts\.timezone: .*'Central' is not an IANA"):
        parse_config({"alerts": {"timezone": "Central"}}, Path("oiswatch.toml"))
