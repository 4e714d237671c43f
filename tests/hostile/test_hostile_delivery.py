"""Misbehaving alert receivers: redirects, slow answers, mentions in headlines, replays.

Each receiver is a real server on 127.0.0.1; alerts go out through `oiswatch alerts` as an
operator runs it, or through the dispatcher the daemon calls.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest
from deliverykit import Answer, DrippingSmtp, Receiver, alerts_cmd, queue_one_alert
from kit import REPO, Proc, wait_until, write_config
from requests.structures import CaseInsensitiveDict

SECRET = "s3cret-key"


@pytest.fixture
def receivers():
    started: list[Receiver] = []

    def start(answer=lambda _req: Answer()) -> Receiver:
        started.append(Receiver(answer))
        return started[-1]

    yield start
    for r in started:
        r.stop()


def hooks_config(tmp_path: Path, *tables: str) -> Path:
    return write_config(tmp_path, "[alerts]", "retry_base_seconds = 30", *tables)


def webhook(url: str, fmt: str = "json", timeout: float = 5, name: str = "") -> str:
    named = f'name = "{name}"\n' if name else ""
    return (
        f'[[alerts.webhooks]]\n{named}url = "{url}"\nformat = "{fmt}"\n'
        f'secret_env = "OISWATCH_TEST_HOOK_SECRET"\ntimeout_seconds = {timeout}\n'
    )


def test_a_redirecting_receiver_is_a_failed_delivery_naming_the_location(
    tmp_path, receivers, monkeypatch
) -> None:
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", SECRET)
    elsewhere = receivers()
    moved = receivers(lambda req: Answer(302, {"Location": elsewhere.url("/took" + req.path)}))
    config = hooks_config(
        tmp_path,
        webhook(moved.url("/json")),
        webhook(moved.url("/slack"), fmt="slack"),
        f'[[alerts.apprise]]\nurl = "json://127.0.0.1:{moved.port}/apprise"\n',
    )
    queue_one_alert(config)
    dispatched = alerts_cmd(config, "dispatch")
    assert dispatched.returncode == 1
    assert "sent 0, failed 3" in dispatched.stdout
    # Nothing reached the host the redirect named: no alert, no signature.
    assert elsewhere.seen == []
    assert sorted(r.path for r in moved.seen) == ["/apprise", "/json", "/slack"]
    for path in ("/json", "/slack"):
        assert f"HTTP 302 redirect to {elsewhere.url('/took' + path)}" in dispatched.stderr
    listed = alerts_cmd(config, "list", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["pending"] * 3
    errors = sorted(r["last_error"] for r in rows)
    assert "Apprise reported failure" in errors[0]
    assert errors[1:] == [
        f"HTTP 302 redirect to {elsewhere.url('/took/json')} (not followed)",
        f"HTTP 302 redirect to {elsewhere.url('/took/slack')} (not followed)",
    ]
    table = alerts_cmd(config, "list").stdout
    assert f"last error: HTTP 302 redirect to {elsewhere.url('/took/json')}" in table


def readme_verifier():
    """The receiver's check exactly as alerts/README.md prints it, run as code."""
    readme = (REPO / "alerts" / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- verify-webhook: begin -->")[1].split("<!-- verify-webhook: end -->")[
        0
    ]
    code = block.split("```python")[1].split("```")[0]
    assert len(code.strip().splitlines()) <= 12, "the example stays about ten lines"
    namespace: dict[str, object] = {}
    exec(code, namespace)  # noqa: S102 - our own documentation, the point of the test
    return namespace["verify_webhook"]


@pytest.mark.parametrize("secret", [SECRET, "whsec_" + base64.b64encode(b"\x00\xffkey").decode()])
def test_a_captured_webhook_replayed_later_or_re_dated_is_refused(
    tmp_path, receivers, monkeypatch, secret
) -> None:
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", secret)
    hook = receivers()
    config = hooks_config(tmp_path, webhook(hook.url()))
    queue_one_alert(config)
    before = int(time.time())
    assert alerts_cmd(config, "dispatch").returncode == 0
    [got] = hook.seen
    headers = CaseInsensitiveDict(got.headers)
    assert headers["webhook-id"] == headers["X-Oiswatch-Delivery"]
    assert before <= int(headers["webhook-timestamp"]) <= time.time()
    verify_webhook = readme_verifier()
    assert verify_webhook(secret, headers, got.body)
    # Tampered: another body, or a fresh timestamp pasted on an old delivery.
    assert not verify_webhook(secret, headers, got.body.replace(b"Police", b"Nobody"))
    redated = CaseInsensitiveDict({**headers, "webhook-timestamp": str(int(time.time()) + 1)})
    assert not verify_webhook(secret, redated, got.body)
    assert not verify_webhook("another-key", headers, got.body)
    # The same delivery replayed ten minutes later is stale.
    sent_at = int(headers["webhook-timestamp"])
    monkeypatch.setattr(time, "time", lambda: sent_at + 600.0)
    assert not verify_webhook(secret, headers, got.body)


HOSTILE_TITLE = (
    "Officer fires at man <!channel> @everyone @here <@U123> <@123456789012345678> "
    "<http://evil.test|legit.example> [legit.example](http://evil.test)"
)
SLACK_PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<http://evil")


def slack_links(text: str, desk: str) -> set[str]:
    """Where each of Slack's <target|label> / <target> tokens points, but the desk's own
    links (the article and incident on the editors' desk, one-click corrections)."""
    found = {m.group(1) for m in re.finditer(r"<([^<>|]+)(?:\|[^<>]*)?>", text)}
    return {url for url in found if not url.startswith(desk + "/")}


def test_headlines_cannot_ping_a_chat_room_or_disguise_a_link(tmp_path, receivers, monkeypatch):
    from apprise.plugins.discord import NotifyDiscord
    from apprise.plugins.slack import NotifySlack

    from alerts import dispatch_due
    from config import load_config

    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", SECRET)
    chat = receivers(
        lambda req: Answer(200, body=b"ok") if "/services/" in req.path else Answer(204, body=b"")
    )
    # Apprise's Slack and Discord plugins post to those services' fixed hosts: pointed here.
    monkeypatch.setattr(NotifySlack, "webhook_url", chat.url("/services"))
    monkeypatch.setattr(NotifyDiscord, "notify_url", chat.url("/discord"))
    path = hooks_config(
        tmp_path,
        webhook(chat.url("/own-slack"), fmt="slack"),
        webhook(chat.url("/own-discord"), fmt="discord"),
        '[[alerts.apprise]]\nurl = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"\n',
        '[[alerts.apprise]]\nurl = "discord://417429632418316298/JHZ7lQml277CDHmQKMHI8qBe7bk"\n',
    )
    article_url = "https://kcdaily.test/news/2026/officer-fires?id=7&ref=rss"
    store = queue_one_alert(path, url=article_url, title=HOSTILE_TITLE)
    config = load_config(path)
    assert dispatch_due(store, config).sent == 4
    by_path = {req.path.split("/")[1]: json.loads(req.body) for req in chat.seen}
    assert set(by_path) == {"own-slack", "own-discord", "services", "discord"}

    own = by_path["own-slack"]
    own_texts = [own["text"], *re.findall(r'"text": "((?:[^"\\]|\\.)*)"', json.dumps(own))]
    attachment = by_path["services"]["attachments"][0]
    for text in [*own_texts, attachment["title"], attachment["text"]]:
        assert not any(ping in text for ping in SLACK_PINGS), text
        # Links go to the article's real URL or to the desk's own pages (config.web).
        assert slack_links(text, config.web.public_url) <= {article_url}, text
    assert "&lt;!channel&gt; @everyone" in own["text"]
    assert f"<{article_url}|" in json.dumps(own["blocks"])
    assert "&lt;!channel&gt;" in attachment["text"]
    assert article_url.replace("&", "&amp;") in attachment["text"]  # Slack's escape of &

    own_discord = by_path["own-discord"]
    assert own_discord["allowed_mentions"] == {"parse": []}  # Discord's own switch, too
    for discord in (by_path["discord"]["content"], own_discord["content"]):
        assert not re.search(r"@(everyone|here|\d)", discord), discord
        assert not re.search(r"(?<!\\)<[@#!]", discord), discord
        # A masked link is [label](url) with an unescaped bracket; none is left.
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", discord), discord
        assert "@\u200beveryone" in discord
        assert "\\[legit.example\\](http://evil.test)" in discord
        assert f"{article_url}\n" in discord
    assert f"Link: {article_url}\n" in by_path["discord"]["content"]


def test_dripping_receivers_are_cut_at_their_deadline_and_delay_no_one_else(
    tmp_path, receivers, monkeypatch
) -> None:
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", SECRET)
    smtp = DrippingSmtp(drip_seconds=0.3)
    slow = receivers(lambda _req: Answer(200, drip_seconds=0.3))
    fast = receivers()
    config = hooks_config(
        tmp_path,
        '[alerts.email]\nhost = "127.0.0.1"\n'
        f'port = {smtp.port}\nsecurity = "none"\nsender = "oiswatch@newsroom.test"\n'
        'recipients = ["desk@newsroom.test"]\ntimeout_seconds = 3\n',
        webhook(slow.url("/slow"), timeout=3),
        f'[[alerts.apprise]]\nurl = "json://127.0.0.1:{slow.port}/apprise"\ntimeout_seconds = 3\n',
        webhook(fast.url("/fast")),
    )
    queue_one_alert(config)
    started = time.monotonic()
    first = Proc("dispatch", ["--config", str(config), "alerts", "dispatch"], tmp_path / "d.log")
    try:
        wait_until("the slow requests", lambda: len(slow.seen) == 2, timeout=20, watch=first)
        # Meanwhile another dispatcher finds every row leased: nothing is sent twice.
        second = alerts_cmd(config, "dispatch", timeout=40)
        assert "sent 0, failed 0 (will retry), dead 0" in second.stdout
        first.wait(40)
    finally:
        smtp.stop()
        if first.alive():
            first.proc.kill()
    took = time.monotonic() - started
    output = first.log()
    assert "sent 1, failed 3" in output, output
    assert output.count("timed out: no complete answer within 3 s") >= 2
    assert smtp.connections == 1 and sorted(r.path for r in slow.seen) == ["/apprise", "/slow"]
    # The fast receiver had its alert while the slow ones were still dripping.
    [fast_req] = fast.seen
    assert fast_req.at - min(r.at for r in slow.seen) < 1.5
    # Both slow deliveries ran side by side, each cut at its 3 s: not 2 × 3 s, nor hours.
    assert took < 3 + 12, took
