"""`oiswatch run` as a real process against the fixture news site and a webhook receiver.

Polls repeat every 3 seconds (poll_minutes = 0.05, no jitter). The tests wait on what a
user would see — rows in the store, webhooks received — with bounded polling loops.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from kit import oiswatch, oiswatch_run, wait_until
from servicekit import publish_shooting, serve_shooting, write_service_config
from sqlalchemy import select

from store import Store
from store.polls import count_finished
from store.schema import articles, outbox


def test_polls_repeat_new_articles_are_alerted_and_sigterm_stops_cleanly(
    tmp_path: Path, site, http
) -> None:
    ash = site.url(publish_shooting(site, "ash"))
    config = write_service_config(tmp_path, site, http)
    daemon = oiswatch_run(config, tmp_path / "daemon.log")
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    try:
        wait_until("the first alert", lambda: ash in http.urls(), watch=daemon)
        # Published between polls: the next poll finds it and alerts it.
        birch = site.url(publish_shooting(site, "birch", hours=1))
        wait_until("the second story's alert", lambda: birch in http.urls(), watch=daemon)
        wait_until("two finished polls", lambda: count_finished(store.engine) >= 2, watch=daemon)

        second = oiswatch("--config", str(config), "run", timeout=60)
        assert second.returncode != 0
        assert f"pid {daemon.proc.pid}" in second.stderr and "oiswatch run" in second.stderr

        daemon.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert daemon.wait(timeout=30) == 0, daemon.log()
        assert time.monotonic() - started < 30
    finally:
        daemon.kill()
    log = daemon.log()
    assert "stopping (SIGTERM)" in log and "oiswatch stopped" in log
    assert "poll finished" in log and "new articles" in log
    # Exactly once each: nothing crashed, so nothing was sent twice.
    assert sorted(http.urls()) == sorted([ash, birch])
    # The lock went with the process: a poll may run now.
    after = oiswatch("--config", str(config), "poll")
    assert after.returncode == 0, after.stderr
    store.close()


def test_sigkill_in_the_middle_of_a_poll_loses_no_article_and_no_alert(
    tmp_path: Path, site, http
) -> None:
    ash = site.url(publish_shooting(site, "ash"))
    hung_path = publish_shooting(site, "cedar", hang=True, hours=1)
    cedar = site.url(hung_path)
    config = write_service_config(tmp_path, site, http, timeout=60)
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    first = oiswatch_run(config, tmp_path / "first.log")
    try:
        # The poll is stuck on the page that never answers: kill the daemon right there.
        wait_until("the hanging page requested", lambda: site.requests_for(hung_path), watch=first)
        wait_until("the first alert", lambda: ash in http.urls(), watch=first)
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(10)
    finally:
        first.kill()

    serve_shooting(site, "cedar")  # the site recovers
    second = oiswatch_run(config, tmp_path / "second.log")
    try:
        wait_until("the interrupted story's alert", lambda: cedar in http.urls(), watch=second)
        dale = site.url(publish_shooting(site, "dale", hours=2))
        wait_until("a story published after the restart", lambda: dale in http.urls(), watch=second)
        second.proc.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, second.log()
    finally:
        second.kill()

    urls = http.urls()
    for url in (ash, cedar, dale):
        # At least once; twice only if the kill fell between sending and recording.
        assert 1 <= urls.count(url) <= 2, (url, urls)
    with store.engine.connect() as conn:
        stored = {r.url: r.fetch_status for r in conn.execute(select(articles)).all()}
        statuses = [r.status for r in conn.execute(select(outbox)).all()]
    for url in (ash, cedar, dale):
        assert stored.get(url) == "ok", stored
    assert statuses and set(statuses) == {"sent"}, statuses
    store.close()


def test_sigterm_during_a_stuck_poll_abandons_it_and_exits_zero_in_bounded_time(
    tmp_path: Path, site, http
) -> None:
    hung_path = publish_shooting(site, "cedar", hang=True)
    config = write_service_config(tmp_path, site, http, timeout=120)
    daemon = oiswatch_run(config, tmp_path / "daemon.log", "--grace-seconds", "1")
    try:
        wait_until("the hanging page requested", lambda: site.requests_for(hung_path), watch=daemon)
        daemon.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        # Grace (1 s) plus the crawl's own close: far below the page's 120 s timeout.
        assert daemon.wait(timeout=30) == 0, daemon.log()
        assert time.monotonic() - started < 30
    finally:
        daemon.kill()
    log = daemon.log()
    assert "abandoning 1 unfinished job" in log and "oiswatch stopped" in log

    # The abandoned story is not lost: once the page answers, a poll picks it up.
    serve_shooting(site, "cedar")
    result = oiswatch("--config", str(config), "poll")
    assert result.returncode == 0, result.stderr
    assert site.url(hung_path) in http.urls()
