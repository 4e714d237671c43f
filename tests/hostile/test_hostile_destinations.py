"""Editing a destination in the configuration: its queued alerts follow its name.

A wrong URL fixed in the file must re-target what is pending, failed or dead, not strand
it; unnamed destinations keep their identity by URL, so reordering sends nothing twice;
`check-config` says what becomes of rows whose destination is gone.
"""

from __future__ import annotations

import json

import pytest
from alert_fixtures import STORY_B
from deliverykit import Answer, Receiver, alerts_cmd, queue_one_alert
from kit import oiswatch, write_config

SECRET = "s3cret-key"


@pytest.fixture
def hook(monkeypatch):
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", SECRET)
    # Only /right is a receiver; every other path is the typo an operator made.
    receiver = Receiver(
        lambda req: Answer() if req.path.startswith("/right") else Answer(404, body=b"no")
    )
    yield receiver
    receiver.stop()


def config(tmp_path, *hooks: tuple[str, str], max_attempts: int = 10):
    tables = [
        (f'[[alerts.webhooks]]\n{f"name = {name!r}" if name else ""}\nurl = "{url}"\n'
         'secret_env = "OISWATCH_TEST_HOOK_SECRET"\ntimeout_seconds = 5\n')
        for name, url in hooks
    ]  # fmt: skip
    return write_config(
        tmp_path, "[alerts]", f"max_attempts = {max_attempts}", "retry_base_seconds = 30", *tables
    )


def listed(path):
    return [json.loads(line) for line in alerts_cmd(path, "list", "--json").stdout.splitlines()]


def test_fixing_a_named_destinations_url_re_targets_its_failed_and_dead_alerts(
    tmp_path, hook
) -> None:
    wrong = config(tmp_path, ("desk", hook.url("/wrnog")))
    queue_one_alert(wrong, url="https://kcdaily.test/a")
    assert alerts_cmd(wrong, "dispatch").returncode == 1  # HTTP 404: failed, retried later
    [row] = listed(wrong)
    assert (row["destination"], row["status"]) == ("name:desk", "pending")
    # The operator fixes the typo; the failed alert goes to the right URL when resent.
    fixed = config(tmp_path, ("desk", hook.url("/right")))
    resent = alerts_cmd(fixed, "resend", "--failed")
    assert resent.returncode == 0, resent.stdout
    assert "1 failed alert(s) re-queued" in resent.stdout and "sent 1" in resent.stdout
    assert [r.path for r in hook.seen] == ["/wrnog", "/right"]
    assert listed(fixed)[0]["status"] == "sent"

    # Dead ones too: one attempt allowed, a typo again, then fixed and resent by name.
    wrong = config(tmp_path, ("desk", hook.url("/wrnog")), max_attempts=1)
    queue_one_alert(wrong, url="https://kcdaily.test/b", title="Officer fires", text=STORY_B)
    alerts_cmd(wrong, "dispatch")
    assert [r["status"] for r in listed(wrong)] == ["dead", "sent"]
    fixed = config(tmp_path, ("desk", hook.url("/right")))
    assert (
        "1 dead alert(s) re-queued for desk"
        in alerts_cmd(fixed, "resend", "--dead", "--to", "desk").stdout
    )
    assert [r.path for r in hook.seen][-1] == "/right"
    assert [r["status"] for r in listed(fixed)] == ["sent", "sent"]


def test_unnamed_destinations_keep_their_identity_and_check_config_tells_of_stranded_rows(
    tmp_path, hook
) -> None:
    first, second = hook.url("/right"), hook.url("/right?copy=2")
    path = config(tmp_path, (None, first), (None, second))
    queue_one_alert(path)
    # Reordered in the file: the same two destinations, each sent once.
    reordered = config(tmp_path, (None, second), (None, first))
    assert "sent 2" in alerts_cmd(reordered, "dispatch").stdout
    assert alerts_cmd(reordered, "dispatch").stdout.startswith("sent 0")
    assert len(hook.seen) == 2

    # The unnamed one's URL edited while an alert is queued for it: check-config says so.
    queue_one_alert(path, url="https://kcdaily.test/c", title="Officer fires", text=STORY_B)
    edited = config(tmp_path, (None, first), (None, hook.url("/right?copy=3")))
    checked = oiswatch("--config", str(edited), "check-config")
    [stranded] = [
        line for line in checked.stdout.splitlines() if line.startswith("warning: outbox")
    ]
    assert "1 pending and 0 dead alert(s) for webhook:" in stranded
    assert "go dead at their next attempt" in stranded and "resend --to webhook:" in stranded
    # Naming the destinations leaves nothing stranded: rows queued before follow the name.
    named = config(tmp_path, ("desk", first), ("copy", second))
    assert "warning: outbox" not in oiswatch("--config", str(named), "check-config").stdout
    assert "sent 2" in alerts_cmd(named, "dispatch").stdout
    assert len(hook.seen) == 4
