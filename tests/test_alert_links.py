"""Every alert links to its article and incident on the desk, with one-click "false alarm"
and "wrong incident" links that cannot be forged, altered, replayed for another alert or
used after they expire. Checked in real emails and real webhook bodies."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from alert_fixtures import STORY_A, STORY_B, T0, article, make_config, store_article
from sqlalchemy import select

from alerts import dispatch_due
from alerts.links import LinkError, desk_secret, sign_link, verify_link
from config.model import Config, WebConfig
from incidents import edit
from store import Store
from store.schema import alerts, incidents

DESK = "https://desk.newsroom.test"
SECRET = b"k" * 32
NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def with_desk(config: Config, **web: object) -> Config:
    settings = WebConfig(base_url=DESK, secret_env="OISWATCH_TEST_DESK_SECRET", **web)
    return config.model_copy(update={"web": settings})


def token(action: str = "false_alarm", alert_id: int = 7, expires: datetime | None = None) -> str:
    return sign_link(SECRET, alert_id, 3, "abc123", action, expires or NOW + timedelta(days=1))


def test_a_genuine_link_says_what_it_does() -> None:
    link = verify_link(SECRET, token(), NOW)
    assert (link.alert_id, link.article_id, link.incident_uid, link.action) == (
        7,
        3,
        "abc123",
        "false_alarm",
    )
    assert verify_link(SECRET, token("wrong_incident"), NOW).action == "wrong_incident"
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token())  # fits in a URL path as it is


def test_forged_tampered_replayed_and_expired_links_are_refused() -> None:
    with pytest.raises(LinkError, match="forged"):
        verify_link(b"another key", token(), NOW)  # signed with a key not the desk's
    # Another alert's claims under this alert's signature: a replay for another alert.
    body_7, mac_7 = token(alert_id=7).split(".")
    body_8, _ = token(alert_id=8).split(".")
    with pytest.raises(LinkError, match="forged"):
        verify_link(SECRET, f"{body_8}.{mac_7}", NOW)
    # The claims edited by hand (another action, a later expiry), the signature kept.
    claims = json.loads(base64.urlsafe_b64decode(body_7 + "=" * (-len(body_7) % 4)))
    for change in ({"x": "wrong_incident"}, {"e": claims["e"] + 86400 * 365}, {"a": 8}):
        edited = json.dumps({**claims, **change}, separators=(",", ":"), sort_keys=True)
        forged = base64.urlsafe_b64encode(edited.encode()).rstrip(b"=").decode()
        with pytest.raises(LinkError):
            verify_link(SECRET, f"{forged}.{mac_7}", NOW)
    with pytest.raises(LinkError, match="expired"):
        verify_link(SECRET, token(expires=NOW - timedelta(seconds=1)), NOW)
    for junk in ("", "abc", "a.b", "é.é", f"{body_7}.", f".{mac_7}"):
        with pytest.raises(LinkError):
            verify_link(SECRET, junk, NOW)
    with pytest.raises(ValueError):
        token("delete_everything")


def test_the_desk_key_is_the_environment_s_else_one_kept_in_the_store(
    store, monkeypatch, tmp_path
) -> None:
    config = with_desk(make_config())
    monkeypatch.delenv("OISWATCH_TEST_DESK_SECRET", raising=False)
    kept = desk_secret(config, store)
    assert len(kept) == 32
    # Another process opening the same store gets the same key.
    other = Store(store.url)
    try:
        assert desk_secret(config, other) == kept
    finally:
        other.close()
    monkeypatch.setenv("OISWATCH_TEST_DESK_SECRET", "")
    assert desk_secret(config, store) == kept  # empty counts as unset
    monkeypatch.setenv("OISWATCH_TEST_DESK_SECRET", "from-the-environment")
    assert desk_secret(config, store) == b"from-the-environment"


def ids(store: Store, article_id: int) -> tuple[int, str]:
    with store.engine.connect() as conn:
        alert_id = conn.execute(
            select(alerts.c.id).where(alerts.c.article_id == article_id)
        ).scalar_one()
        uid = conn.execute(
            select(incidents.c.uid)
            .join(alerts, alerts.c.incident_id == incidents.c.id)
            .where(alerts.c.id == alert_id)
        ).scalar_one()
    return alert_id, uid


def check_links(found: dict[str, str], store: Store, config: Config, article_id: int) -> None:
    alert_id, uid = ids(store, article_id)
    assert found["article"] == f"{DESK}/articles/{article_id}"
    assert found["incident"] == f"{DESK}/incidents/{uid}"
    secret = desk_secret(config, store)
    for action in ("false_alarm", "wrong_incident"):
        url = found[action]
        assert url.startswith(f"{DESK}/l/")
        link = verify_link(secret, url.removeprefix(f"{DESK}/l/"), LATER)
        assert (link.alert_id, link.article_id, link.incident_uid, link.action) == (
            alert_id,
            article_id,
            uid,
            action,
        )
        # Valid for web.link_days (3 here) after the alert was queued, not one second more.
        verify_link(secret, url.removeprefix(f"{DESK}/l/"), T0 + timedelta(days=3, seconds=-1))
        with pytest.raises(LinkError, match="expired"):
            verify_link(secret, url.removeprefix(f"{DESK}/l/"), T0 + timedelta(days=3))


def test_email_text_and_html_carry_the_desk_links(store, smtp, monkeypatch) -> None:
    monkeypatch.setenv("OISWATCH_TEST_DESK_SECRET", "desk-key-for-tests")
    config = with_desk(make_config(smtp_port=smtp.port), link_days=3)
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    (msg,) = smtp.parsed()
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    in_text = {
        "article": re.search(r"On the desk: (\S+)", text)[1],
        "incident": re.search(r"Its incident: (\S+)", text)[1],
        "false_alarm": re.search(r"false alarm: (\S+)", text)[1],
        "wrong_incident": re.search(r"says so: (\S+)", text)[1],
    }
    check_links(in_text, store, config, a1)
    hrefs = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    in_html = {label: href for href, label in hrefs}
    check_links(
        {
            "article": in_html["Open on the desk"],
            "incident": in_html["its incident"],
            "false_alarm": in_html["False alarm (not a police shooting)"],
            "wrong_incident": in_html["Wrong incident"],
        },
        store,
        config,
        a1,
    )
    # The desk key signs them: the store's own key would not verify them.
    monkeypatch.delenv("OISWATCH_TEST_DESK_SECRET")
    with pytest.raises(LinkError):
        verify_link(desk_secret(config, store), in_text["false_alarm"].split("/l/")[1], LATER)


def test_webhook_json_and_slack_carry_the_desk_links(store, http) -> None:
    config = with_desk(make_config(hook_url=http.url()), link_days=3)
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    assert dispatch_due(store, config, now=LATER).sent == 1
    (body,) = http.bodies
    check_links(body["links"], store, config, a1)

    slack = with_desk(make_config(hook_url=http.url("/slack"), hook_format="slack"), link_days=3)
    b = article("https://kcdaily.test/b", "Officer wounds woman", STORY_B, fatal=False)
    b1 = store_article(store, slack, b, now=T0)
    assert dispatch_due(store, slack, now=LATER).sent == 1
    text = json.dumps(http.bodies[-1]["blocks"])
    urls = dict((label, url) for url, label in re.findall(r"<(https://[^|>]+)\|([^>]+)>", text))
    alert_id, _ = ids(store, b1)
    assert urls["On the desk"] == f"{DESK}/articles/{b1}"
    link = verify_link(desk_secret(slack, store), urls["False alarm"].split("/l/")[1], LATER)
    assert (link.alert_id, link.article_id, link.action) == (alert_id, b1, "false_alarm")


def test_a_retried_webhook_carries_the_same_links_and_signature(store, http) -> None:
    config = with_desk(make_config(hook_url=http.url()))
    store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    http.statuses = [503]
    assert dispatch_due(store, config, now=LATER).failed == 1
    assert dispatch_due(store, config, now=LATER + timedelta(hours=1)).sent == 1
    first, second = http.requests
    assert first.body == second.body
    assert first.headers["X-Oiswatch-Signature"] == second.headers["X-Oiswatch-Signature"]


def test_links_lead_to_the_incident_the_article_is_in_when_sent(store, http) -> None:
    config = with_desk(make_config(hook_url=http.url()))
    a = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    b = article("https://kcdaily.test/b", "Officer wounds woman", STORY_B, fatal=False)
    b1 = store_article(store, config, b)
    with store.begin() as conn:
        keep = conn.execute(select(alerts.c.incident_id).where(alerts.c.article_id == a))
        keep_id = keep.scalar_one()
        edit.move(conn, b1, keep_id, "maria")  # before its alert went out
        kept_uid = conn.execute(
            select(incidents.c.uid).where(incidents.c.id == keep_id)
        ).scalar_one()
    assert dispatch_due(store, config, now=LATER).sent == 2
    by_article = {body["article"]["url"]: body["links"] for body in http.bodies}
    assert by_article["https://kcdaily.test/b"]["incident"] == f"{DESK}/incidents/{kept_uid}"
    token = by_article["https://kcdaily.test/b"]["wrong_incident"].split("/l/")[1]
    assert verify_link(desk_secret(config, store), token, LATER).incident_uid == kept_uid
