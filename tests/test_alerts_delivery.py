"""Alerts reach a real SMTP server and a real webhook receiver on 127.0.0.1, exactly once."""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import pytest
from alert_fixtures import (
    STORY_A,
    STORY_A_FOLLOWUP,
    STORY_A_OTHER_OUTLET,
    T0,
    SmtpReceiver,
    article,
    free_port,
    make_config,
    store_article,
)
from sqlalchemy import select

from alerts import dispatch_due, resend, send_digest
from alerts.channels.email import EmailChannel
from alerts.dispatch import make_test_alert
from alerts.render.payloads import verify
from store import outbox
from store.schema import outbox as outbox_table

LATER = T0 + timedelta(hours=1)


def rows(store):
    with store.engine.connect() as conn:
        return outbox.entries(conn)


def test_email_content_and_threading(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    other = article(
        "https://othertv.test/b",
        "Man dies after officer fires",
        STORY_A_OTHER_OUTLET,
        outlet="Other TV",
    )
    store_article(store, config, other, now=T0 + timedelta(minutes=10))
    week_later = T0 + timedelta(days=6)
    follow = article(
        "https://kcdaily.test/c",
        "Family of man killed by police asks for video",
        STORY_A_FOLLOWUP,
        published=week_later,
        incident_date=None,
        followup=True,
    )
    store_article(store, config, follow, now=week_later)
    stats = dispatch_due(store, config, now=week_later)
    assert (stats.sent, stats.failed) == (3, 0)
    first, update, followup = smtp.parsed()
    assert followup["Subject"].startswith("[OIS update] Family of man killed")
    assert followup["In-Reply-To"] == first["Message-ID"]
    assert first["Subject"] == "[OIS] Police kill man — KC Daily"
    assert update["Subject"] == "[OIS update] Man dies after officer fires — Other TV"
    assert update["In-Reply-To"] == first["Message-ID"]
    assert update["References"] == first["Message-ID"]
    assert first["Message-ID"] != update["Message-ID"]
    assert [rcpt for rcpt, _ in smtp.messages] == [["desk@newsroom.test"]] * 3
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    for needle in ("Police kill man", "KC Daily", "https://kcdaily.test/a", "2026-03-04 15:00"):
        assert needle in text and needle in html
    assert "Kansas City police *shot* and killed" in text
    assert "Kansas City police <mark>shot</mark> and killed" in html
    assert "Fatal: yes" in text and "Investigating agency: Missouri State Highway Patrol" in text
    assert "Date: 2026-03-03" in text and "Place: Kansas City, MO" in text
    assert "Incident #1" in text
    # The update lists the incident's earlier article.
    update_text = update.get_body(("plain",)).get_content()
    assert "Police kill man — KC Daily" in update_text and "https://kcdaily.test/a" in update_text


def test_hostile_headline_is_escaped_and_injects_no_header(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port)
    title = "Police <script>alert(1)</script> shooting\r\nBcc: x@y.test"
    store_article(store, config, article("https://evil.test/a", title, STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    [(rcpts, raw)] = smtp.messages
    assert rcpts == ["desk@newsroom.test"]
    headers = raw.split(b"\r\n\r\n", 1)[0].decode()
    # The words may stay in the subject's text; no header line may start with them.
    assert not [h for h in headers.split("\r\n") if h.lower().startswith("bcc")]
    [msg] = smtp.parsed()
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"] and "Bcc: x@y.test" in msg["Subject"]
    html = msg.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_webhook_payload_signature_and_delivery_id(store, http) -> None:
    config = make_config(hook_url=http.url())
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    [req] = http.requests
    assert req.path == "/hook"
    assert verify(req.body, "s3cret-key", req.headers["X-Oiswatch-Signature"])
    assert not verify(req.body, "another-key", req.headers["X-Oiswatch-Signature"])
    body = json.loads(req.body)
    assert body["event"] == "incident.new"
    assert body["article"] == {
        "url": "https://kcdaily.test/a",
        "title": "Police kill man",
        "outlet": "KC Daily",
        "published": "2026-03-04T15:00:00+00:00",
    }
    assert body["incident"]["id"] == 1
    assert body["classification"]["fatal"] is True
    assert body["classification"]["score"] == 0.95
    assert body["classification"]["evidence"][0]["spans"] == [[19, 23]]
    assert req.headers["X-Oiswatch-Delivery"] == rows(store)[0].delivery_id == body["delivery_id"]


def test_slack_format_posts_a_readable_message(store, http) -> None:
    config = make_config(hook_url=http.url("/slack"), hook_format="slack")
    title = "Officer <fires> & man dies"
    store_article(store, config, article("https://kcdaily.test/a", title, STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    body = json.loads(http.requests[0].body)
    assert body["text"] == "[OIS] Officer &lt;fires&gt; &amp; man dies — KC Daily"
    section = body["blocks"][0]["text"]["text"]
    assert "<https://kcdaily.test/a|Officer &lt;fires&gt; &amp; man dies>" in section
    assert any("*shot*" in json.dumps(b) for b in body["blocks"])


def test_webhook_503_three_times_then_200_is_delivered_once(store, http) -> None:
    config = make_config(hook_url=http.url())
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [503, 503, 503]
    now, rng = T0, random.Random(1)
    for attempt in range(1, 4):
        stats = dispatch_due(store, config, now=now, rng=rng)
        assert (stats.sent, stats.failed) == (0, 1)
        [row] = rows(store)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "HTTP 503" in row.last_error
        # Exponential backoff with jitter: within [half, all] of base * 2^(n-1).
        delay = (row.next_attempt_at - now).total_seconds()
        assert 15 * 2 ** (attempt - 1) <= delay <= 30 * 2 ** (attempt - 1)
        assert dispatch_due(store, config, now=now + timedelta(seconds=delay - 1)).attempted == 0
        now = row.next_attempt_at
    assert dispatch_due(store, config, now=now).sent == 1
    assert dispatch_due(store, config, now=now + timedelta(days=1)).attempted == 0
    assert len(http.requests) == 4
    assert len({r.headers["X-Oiswatch-Delivery"] for r in http.requests}) == 1
    assert [r.status for r in rows(store)] == ["sent"]


def test_webhook_timeout_is_retried(store, http) -> None:
    config = make_config(hook_url=http.url())
    hook = config.alerts.webhooks[0].model_copy(update={"timeout_seconds": 0.3})
    config = config.model_copy(
        update={"alerts": config.alerts.model_copy(update={"webhooks": (hook,)})}
    )
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [0]
    assert dispatch_due(store, config, now=LATER).failed == 1
    assert "timed out" in rows(store)[0].last_error
    assert dispatch_due(store, config, now=LATER + timedelta(hours=1)).sent == 1


def test_smtp_down_then_up_is_delivered_once(store) -> None:
    receiver = SmtpReceiver(port=free_port())  # nothing listens there yet
    config = make_config(smtp_port=receiver.port)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    stats = dispatch_due(store, config, now=LATER)
    assert stats.failed == 1 and "Connection" in rows(store)[0].last_error
    receiver.start()
    try:
        assert dispatch_due(store, config, now=LATER + timedelta(hours=1)).sent == 1
        assert dispatch_due(store, config, now=LATER + timedelta(hours=2)).attempted == 0
        assert len(receiver.messages) == 1
    finally:
        receiver.stop()


def test_dead_after_max_attempts_is_logged_listed_and_resendable(store, http, caplog) -> None:
    config = make_config(hook_url=http.url(), max_attempts=3)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [500] * 3
    now = LATER
    with caplog.at_level(logging.ERROR, logger="oiswatch.alerts"):
        for _ in range(3):
            dispatch_due(store, config, now=now)
            now += timedelta(hours=1)
    [row] = rows(store)
    assert (row.status, row.attempts) == ("dead", 3)
    assert "ALERT UNDELIVERED" in caplog.text and f"resend {row.id}" in caplog.text
    with store.engine.connect() as conn:
        assert [r.id for r in outbox.entries(conn, "dead")] == [row.id]
        assert outbox.entries(conn, "pending") == []
    assert dispatch_due(store, config, now=now + timedelta(days=1)).attempted == 0
    stats = resend(store, config, row.id, now=now)
    assert stats.sent == 1
    assert rows(store)[0].status == "sent"
    assert len(http.requests) == 4


def test_undelivered_for_max_age_is_dead(store, http) -> None:
    config = make_config(hook_url=http.url(), max_age_hours=2)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [503, 503]
    dispatch_due(store, config, now=T0 + timedelta(minutes=1))
    dispatch_due(store, config, now=T0 + timedelta(hours=3))
    assert rows(store)[0].status == "dead"


def test_config_reload_queues_no_duplicate_and_removed_destination_is_dead(store, http) -> None:
    config = make_config(hook_url=http.url())
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    # The same file loaded again: the destination key is the same, nothing doubles.
    assert dispatch_due(store, make_config(hook_url=http.url()), now=LATER).sent == 1
    store_article(store, config, article("https://b.test/b", "Other", STORY_A_OTHER_OUTLET))
    moved = make_config(hook_url=http.url("/elsewhere"))
    assert dispatch_due(store, moved, now=LATER).dead == 1
    assert rows(store)[0].last_error == "destination no longer configured"
    assert len(http.requests) == 1


def test_apprise_destination_reaches_the_receiver(store, http) -> None:
    config = make_config(apprise_url=f"json://127.0.0.1:{http.port}/apprise")
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    [req] = http.requests
    assert req.path == "/apprise"
    body = json.loads(req.body)
    assert body["title"] == "[OIS] Police kill man — KC Daily"
    assert "https://kcdaily.test/a" in body["message"]


def test_apprise_failure_is_retried(store, http) -> None:
    config = make_config(apprise_url=f"json://127.0.0.1:{http.port}/apprise")
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [502]
    assert dispatch_due(store, config, now=LATER).failed == 1
    assert dispatch_due(store, config, now=LATER + timedelta(hours=1)).sent == 1


def test_digest_is_sent_once_per_day(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port, digest=True)
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    morning = T0 + timedelta(hours=16)
    first = send_digest(store, config, morning)
    again = send_digest(store, config, morning + timedelta(minutes=5))
    assert first == again
    digests = [m for m in smtp.parsed() if m["Subject"].startswith("[OIS digest]")]
    assert len(digests) == 1
    assert digests[0]["To"] == "editor@newsroom.test"
    assert "Police kill man" in digests[0].get_body(("plain",)).get_content()
    with store.engine.connect() as conn:
        keys = [r.destination for r in conn.execute(select(outbox_table))]
    assert "digest:2026-03-05" in keys


def test_smtp_login_uses_credentials_from_the_environment(store, monkeypatch, caplog) -> None:
    receiver = SmtpReceiver(login=("desk-bot", "pa55-word")).start()
    try:
        config = make_config(smtp_port=receiver.port)
        email = config.alerts.email.model_copy(
            update={
                "username_env": "OISWATCH_TEST_SMTP_USER",
                "password_env": "OISWATCH_TEST_SMTP_PASS",
                # aiosmtpd stalls a failed login instead of answering 535; don't wait long.
                "timeout_seconds": 1,
            }
        )
        config = config.model_copy(
            update={"alerts": config.alerts.model_copy(update={"email": email})}
        )
        store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
        assert dispatch_due(store, config, now=LATER).failed == 1
        assert "OISWATCH_TEST_SMTP_USER is not set" in rows(store)[0].last_error
        monkeypatch.setenv("OISWATCH_TEST_SMTP_USER", "desk-bot")
        monkeypatch.setenv("OISWATCH_TEST_SMTP_PASS", "wrong-secret")
        with caplog.at_level(logging.WARNING, logger="oiswatch.alerts"):
            assert dispatch_due(store, config, now=LATER + timedelta(hours=1)).failed == 1
        assert "wrong-secret" not in caplog.text + rows(store)[0].last_error
        monkeypatch.setenv("OISWATCH_TEST_SMTP_PASS", "pa55-word")
        assert dispatch_due(store, config, now=LATER + timedelta(hours=2)).sent == 1
        assert len(receiver.messages) == 1
    finally:
        receiver.stop()


@pytest.mark.parametrize("named", ["username_env", "password_env"])
def test_smtp_credentials_named_by_halves_say_which_key_is_missing(monkeypatch, named) -> None:
    monkeypatch.setenv("OISWATCH_TEST_SMTP_HALF", "desk-bot")
    email = make_config(smtp_port=free_port()).alerts.email
    email = email.model_copy(update={named: "OISWATCH_TEST_SMTP_HALF"})
    result = EmailChannel(email).send(make_test_alert(LATER))
    other = "password_env" if named == "username_env" else "username_env"
    assert not result.ok and f"{other} is not set" in result.detail


def test_a_restart_resends_at_once_what_a_killed_process_was_sending(store, http) -> None:
    """A row claimed by a process that died before recording is due again at restart."""
    from oiswatch.service import release_interrupted_alerts

    config = make_config(hook_url=http.url(), retry_base_seconds=600)
    store_article(store, config, article("https://kc.test/a", "Officer fires", STORY_A))
    http.statuses = [503]
    dispatch_due(store, config, now=T0)  # a failure: its retry is scheduled 600 s or so ahead
    store_article(
        store, config, article("https://kc.test/b", "Trooper fires", STORY_A_OTHER_OUTLET)
    )
    with store.begin() as conn:
        (in_flight,) = outbox.due(conn, T0)
        # The dying process claimed this row and never recorded the outcome.
        assert outbox.claim(conn, in_flight, T0, lease=300)

    release_interrupted_alerts(store, now=T0)

    with store.engine.connect() as conn:
        due_now = [entry.id for entry in outbox.due(conn, T0 + timedelta(seconds=1))]
    # The interrupted send is due at once; the scheduled retry keeps its backoff.
    assert due_now == [in_flight.id]
