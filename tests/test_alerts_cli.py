"""`oiswatch alerts` as a user runs it, and a dispatcher killed mid-delivery."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import kit
from alert_fixtures import STORY_A, T0, article, store_article
from kit import free_port

from alerts import dispatch_due
from alerts.dispatch import lease_seconds
from config import load_config
from store import Store, outbox

LATER = T0 + timedelta(hours=1)


def write_config(tmp_path: Path, smtp_port: int | None, hook_url: str | None) -> Path:
    sections = ["[alerts]", "retry_base_seconds = 30"]
    if smtp_port:
        sections += [
            "[alerts.email]",
            'host = "127.0.0.1"',
            f"port = {smtp_port}",
            'security = "none"',
            'sender = "oiswatch@newsroom.test"',
            'recipients = ["desk@newsroom.test"]',
            "timeout_seconds = 5",
        ]
    if hook_url:
        sections += [
            "[[alerts.webhooks]]",
            f'url = "{hook_url}"',
            'secret_env = "OISWATCH_TEST_HOOK_SECRET"',
            "timeout_seconds = 5",
        ]
    return kit.write_config(tmp_path, *sections, store=f"sqlite:///{tmp_path / 't.db'}")


def oiswatch(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return kit.oiswatch("--config", str(config), "alerts", *args)


def test_alerts_test_reaches_every_destination(tmp_path, smtp, http) -> None:
    result = oiswatch(write_config(tmp_path, smtp.port, http.url()), "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok  ") == 2
    [msg] = smtp.parsed()
    assert msg["Subject"].startswith("[OIS TEST]")
    assert "THIS IS A TEST ALERT" in msg.get_body(("plain",)).get_content()
    body = json.loads(http.requests[0].body)
    assert body["event"] == "test" and body["test"] is True


def test_alerts_test_fails_when_a_destination_is_down(tmp_path, http) -> None:
    result = oiswatch(write_config(tmp_path, free_port(), http.url()), "test")
    assert result.returncode == 1
    assert "FAIL  email to desk@newsroom.test" in result.stdout
    assert "ok    webhook http://127.0.0.1" in result.stdout


def test_list_resend_and_dispatch(tmp_path, http) -> None:
    path = write_config(tmp_path, None, http.url())
    config = load_config(path)
    store = Store(config.storage.url)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    listed = oiswatch(path, "list", "--json")
    assert listed.returncode == 0
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["status"], row["event"], row["key"]) == ("pending", "incident.new", "article:1")
    assert oiswatch(path, "list", "--status", "dead").stdout.strip() == "no alerts with status dead"
    dispatched = oiswatch(path, "dispatch")
    assert dispatched.returncode == 0 and "sent 1" in dispatched.stdout
    table = oiswatch(path, "list").stdout
    assert "sent" in table and "incident.new" in table
    resent = oiswatch(path, "resend", str(row["id"]))
    assert resent.returncode == 0 and "sent 1" in resent.stdout
    assert len(http.requests) == 2
    assert http.requests[0].headers["X-Oiswatch-Delivery"] == row["delivery_id"]
    missing = oiswatch(path, "resend", "999")
    assert missing.returncode == 1 and "No alert in the outbox with id 999" in missing.stdout
    store.close()


DISPATCH_ONCE = """
import sys
from datetime import datetime
from alerts import dispatch_due
from config import load_config
from store import Store
config = load_config(sys.argv[1])
dispatch_due(Store(config.storage.url), config, now=datetime.fromisoformat(sys.argv[2]))
"""


def test_killed_between_sending_and_recording_sends_one_duplicate_same_id(tmp_path, http) -> None:
    path = write_config(tmp_path, None, http.url())
    config = load_config(path)
    store = Store(config.storage.url)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    proc = subprocess.Popen(
        [sys.executable, "-c", DISPATCH_ONCE, str(path), LATER.isoformat()],
        cwd=kit.REPO,
        env=kit.env(),
    )

    def kill_sender(_request: object) -> None:
        # The receiver has the alert; the sender dies before it can record that.
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    http.on_request = kill_sender
    assert proc.wait(timeout=60) == -signal.SIGKILL
    http.on_request = None
    with store.engine.connect() as conn:
        [row] = outbox.entries(conn)
    assert (row.status, row.attempts) == ("pending", 1)
    # While the claim's lease runs, another dispatcher leaves the row alone...
    assert dispatch_due(store, config, now=LATER + timedelta(seconds=10)).attempted == 0
    # ...then sends it again: the one documented duplicate, under the same delivery id.
    after_lease = LATER + timedelta(seconds=lease_seconds(config) + 1)
    assert dispatch_due(store, config, now=after_lease).sent == 1
    assert dispatch_due(store, config, now=after_lease + timedelta(days=1)).attempted == 0
    assert len(http.requests) == 2
    ids = {r.headers["X-Oiswatch-Delivery"] for r in http.requests}
    assert ids == {row.delivery_id}
    assert http.requests[0].body == http.requests[1].body
    store.close()
