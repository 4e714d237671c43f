"""A Redis outage on the leader is visible and loses no link: the feed counts as failed, its
validators are not kept, and the next poll (Redis back) reads it in full and queues them."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import redis
from kit import oiswatch
from servicekit import FEED, publish_shooting

from crawler.cluster import START_KEY


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(tmp_path: Path, site, pg_url: str, redis_url: str) -> Path:
    path = tmp_path / "oiswatch.toml"
    path.write_text(
        f'[storage]\nurl = "{pg_url}"\n[cluster]\nredis_url = "{redis_url}"\n'
        "[crawl]\ndownload_delay_seconds = 0\nautothrottle = false\n"
        f'[[feeds]]\nname = "courier"\nurl = "{site.url(FEED)}"\n',
        encoding="utf-8",
    )
    return path


def test_redis_down_fails_the_feed_and_the_next_poll_queues_its_links(
    tmp_path: Path, site, pg_url: str, redis_url: str
) -> None:
    story = site.url(publish_shooting(site, "ash"))
    down = write(tmp_path, site, pg_url, f"redis://127.0.0.1:{closed_port()}/0")
    first = oiswatch("--config", str(down), "poll", "--log-json")
    assert first.returncode == 0, first.stderr
    (summary,) = [
        json.loads(line)
        for line in first.stderr.splitlines()
        if line.startswith("{") and json.loads(line).get("event") == "poll"
    ]
    assert (summary["feeds_fetched"], summary["feeds_failed"]) == (0, 1)
    status = json.loads(oiswatch("--config", str(down), "status", "--json").stdout)
    (feed,) = status["feeds"]
    assert feed["last_status"] == "cluster" and feed["consecutive_failures"] == 1
    assert "cannot queue links for the workers: Redis" in feed["last_error"]
    assert "cannot queue links" in oiswatch("--config", str(down), "status").stdout

    # Redis is back: the feed is read in full (no 304 hides its entries) and queued.
    up = write(tmp_path, site, pg_url, redis_url)
    second = oiswatch("--config", str(up), "poll")
    assert second.returncode == 0, second.stderr
    assert site.not_modified[FEED] == 0 and site.hits[FEED] == 2
    queued = [json.loads(x) for x in redis.Redis.from_url(redis_url).lrange(START_KEY, 0, -1)]
    assert story in json.dumps(queued)
