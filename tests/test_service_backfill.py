"""`scrapy crawl backfill -a alert=yes` delivers what it flags by the end of the crawl."""

from __future__ import annotations

from pathlib import Path

from crawlkit import scrapy, write_config
from mocksite.newsroom import PATHS


def test_a_backfill_asked_to_alert_delivers_its_alerts(newsroom, http, tmp_path: Path) -> None:
    extra = f'[[alerts.webhooks]]\nurl = "{http.url()}"\n'
    config = write_config(tmp_path, [], extra=extra, workers=0)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{newsroom.url(PATHS['shooting'])}\n{newsroom.url(PATHS['budget'])}\n")
    result = scrapy("crawl", "backfill", "-a", f"urls={listing}", "-a", "alert=yes", config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert http.urls() == [newsroom.url(PATHS["shooting"])]
    assert "alerts after the backfill: 1 sent" in result.stderr

    # Without alert=yes the same kind of crawl sends nothing.
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    config = write_config(quiet, [], extra=extra, workers=0)
    result = scrapy("crawl", "backfill", "-a", f"urls={listing}", config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(http.urls()) == 1
