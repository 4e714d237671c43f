"""`oiswatch status` for people and for health checks: real store, real processes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import REPO
from kit import env, oiswatch
from servicekit import publish_shooting, write_service_config
from sqlalchemy import update

from oiswatch.health import unhealthy
from oiswatch.status import FeedStatus, Status
from store import Store
from store.lock import StoreLock
from store.schema import outbox

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_status_and_export_refuse_a_store_that_does_not_exist(tmp_path: Path, site, http) -> None:
    config = write_service_config(tmp_path, site, http)
    for command in (("status",), ("status", "--check"), ("export",)):
        result = oiswatch("--config", str(config), *command)
        assert result.returncode == 3, (command, result.stderr)
        assert f"no store at sqlite:///{tmp_path / 'oiswatch.db'}" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "oiswatch.db").exists()  # nothing was created


def feed(name: str, failures: int = 0) -> FeedStatus:
    return FeedStatus(name, True, True, NOW, NOW, "200", failures, 3, None)


def status(**changes: object) -> Status:
    healthy = Status(
        now=NOW,
        store="sqlite:///x.db",
        feeds=(feed("a"), feed("b", failures=2)),
        fetched_today=1,
        flagged_today=0,
        failed_today=0,
        articles_total=1,
        alerts={"pending": 0, "sent": 1, "dead": 0, "dismissed": 3},
        last_poll=None,
        last_successful_poll_at=NOW - timedelta(minutes=25),
        daemon="oiswatch run (pid 1 on host)",
        next_poll_at=NOW,
        poll_minutes=10,
    )
    return Status(**{**healthy.__dict__, **changes})


def test_health_rules() -> None:
    assert unhealthy(status()) == []  # one feed failing, last success 2.5 intervals ago
    (stalled,) = unhealthy(status(last_successful_poll_at=NOW - timedelta(minutes=31)))
    assert stalled.startswith("no successful poll since 2025-03-03 11:29 UTC")
    (never,) = unhealthy(status(last_successful_poll_at=None))
    assert never.startswith("no successful poll ever")
    (failing,) = unhealthy(status(feeds=(feed("a", 1), feed("b", 4))))
    assert failing == "every feed is failing (2 enabled)"
    (dead,) = unhealthy(status(alerts={"pending": 0, "sent": 0, "dead": 2, "dismissed": 0}))
    assert dead.startswith("2 dead alert(s)")


def test_status_check_passes_until_an_alert_dies_and_again_once_it_is_dismissed(polled) -> None:
    config, _ = polled
    # Polls every 10 minutes from now on: the one poll stays recent for the whole test.
    config.write_text(config.read_text().replace("poll_minutes = 0.05", "poll_minutes = 10"))
    check = oiswatch("--config", str(config), "status", "--check")
    assert (check.returncode, check.stdout.strip()) == (0, "healthy"), check.stdout
    store = Store(f"sqlite:///{config.parent / 'oiswatch.db'}")
    with store.begin() as conn:
        conn.execute(update(outbox).values(status="dead"))
    store.close()
    check = oiswatch("--config", str(config), "status", "--check")
    assert check.returncode == 1 and "2 dead alert(s)" in check.stdout
    assert "unhealthy:" in oiswatch("--config", str(config), "status").stdout
    dismissed = oiswatch("--config", str(config), "alerts", "dismiss", "--all")
    assert dismissed.returncode == 0 and "2 dead alert(s) dismissed" in dismissed.stdout
    assert oiswatch("--config", str(config), "status", "--check").returncode == 0


def test_status_names_the_daemon_holding_the_store_and_its_next_poll(polled) -> None:
    config, _ = polled
    before = oiswatch("--config", str(config), "status").stdout
    assert "daemon: none (no process polls this store)" in before
    assert "next poll:" not in before
    store = Store(f"sqlite:///{config.parent / 'oiswatch.db'}")
    lock = StoreLock(store.engine, "oiswatch run", pid=4242, host="newsroom-1")
    lock.acquire()
    try:
        during = oiswatch("--config", str(config), "status").stdout
    finally:
        lock.release()
        store.close()
    assert "daemon: oiswatch run (pid 4242 on newsroom-1, started" in during
    # The feeds were polled moments ago, every 0.05 minutes: the next poll is due about now.
    assert "next poll: " in during


def test_status_into_a_closed_pipe_exits_quietly(polled) -> None:
    config, _ = polled
    proc = subprocess.run(
        f"{sys.executable} -m oiswatch --config {config} status | true",
        shell=True,
        cwd=REPO,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.stderr == ""


def test_editors_see_one_incident_id_in_email_webhook_status_export_and_logs(
    tmp_path: Path, site, http
) -> None:
    import csv
    import io
    import json

    from sqlalchemy import select

    from alerts.records import Alert
    from alerts.render.mail import render_html, render_text
    from records import codec
    from store.outbox import alert_payload
    from store.schema import alerts, incidents

    publish_shooting(site, "ash")
    config = write_service_config(tmp_path, site, http)
    poll = oiswatch("--config", str(config), "poll")
    assert poll.returncode == 0, poll.stderr
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    with store.engine.connect() as conn:
        (uid,) = conn.execute(select(incidents.c.uid)).scalars().all()
        (alert_id,) = conn.execute(select(alerts.c.id)).scalars().all()
        alert = codec.from_json(Alert, json.loads(alert_payload(conn, alert_id)))
    store.close()
    assert f"Incident {uid} " in render_text(alert) and f"Incident {uid}<" in render_html(alert)
    (body,) = [b for b in http.bodies if b.get("incident")]
    assert body["incident"]["id"] == uid
    assert f"  {uid}  opened " in oiswatch("--config", str(config), "status").stdout
    exported = oiswatch("--config", str(config), "export", "--format", "csv").stdout
    assert [row["incident_id"] for row in csv.DictReader(io.StringIO(exported))] == [uid]
    assert f"opens incident {uid}" in poll.stderr
