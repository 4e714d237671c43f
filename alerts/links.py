"""Signed one-click links in alerts: "false alarm" and "wrong incident", no login needed.

A token says which alert, article and incident it acts on, what it does and until when,
and carries an HMAC-SHA256 of all that keyed with the desk's secret (``desk_secret``).
Changing any part (another alert's id, another action, a later expiry) breaks the
signature, so a link cannot be forged or replayed for another alert; it stops working at
its expiry (``web.link_days`` after the alert was queued) or when the key changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select

from alerts.records import Alert, DeskLinks
from config.model import Config
from store import keys
from store.schema import alerts, incidents

ACTIONS = ("false_alarm", "wrong_incident")
# Kept apart from any other use of the same key (sessions are signed with it too).
_PURPOSE = b"oiswatch.link.v1:"


class LinkError(ValueError):
    """A one-click link that must not be acted on: forged, tampered with, or expired."""


@dataclass(frozen=True)
class LinkAction:
    alert_id: int
    article_id: int
    incident_uid: str
    action: str


class _HasEngine(Protocol):
    engine: Engine


def desk_secret(config: Config, store: _HasEngine) -> bytes:
    """The key that signs links and sessions: the environment variable ``web.secret_env``
    names when it is set and not empty, else a key kept in the store (the same for every
    process that opens it)."""
    name = config.web.secret_env
    value = os.environ.get(name) if name else None
    if value:
        return value.encode("utf-8")
    return keys.key(store.engine, "desk")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, _PURPOSE + body.encode("ascii"), hashlib.sha256).digest())


def sign_link(
    secret: bytes,
    alert_id: int,
    article_id: int,
    incident_uid: str,
    action: str,
    expires: datetime,
) -> str:
    """A URL-safe token for ``/l/<token>``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}; one of {', '.join(ACTIONS)}")
    if not secret:
        raise ValueError("an empty key signs nothing")
    claims = {
        "a": alert_id,
        "r": article_id,
        "i": incident_uid,
        "x": action,
        "e": int(expires.timestamp()),
    }
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{body}.{_mac(secret, body)}"


def verify_link(secret: bytes, token: str, now: datetime) -> LinkAction:
    """What the token asks, if it is genuine and not expired; else LinkError."""
    body, dot, mac = token.partition(".")
    if not dot or not body or not mac:
        raise LinkError("not a link token")
    try:
        body.encode("ascii")
        good = hmac.compare_digest(_mac(secret, body).encode(), mac.encode("ascii"))
    except UnicodeEncodeError:
        raise LinkError("not a link token") from None
    if not good:
        raise LinkError("the link's signature does not match: forged or altered")
    try:
        claims: dict[str, Any] = json.loads(_unb64(body))
        link = LinkAction(
            alert_id=int(claims["a"]),
            article_id=int(claims["r"]),
            incident_uid=str(claims["i"]),
            action=str(claims["x"]),
        )
        expires = datetime.fromtimestamp(int(claims["e"]), UTC)
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise LinkError(f"unreadable link: {exc}") from None
    if link.action not in ACTIONS:
        raise LinkError(f"unknown link action {link.action!r}")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # the store's convention: naive times are UTC
    if now >= expires:
        raise LinkError(f"the link expired at {expires:%Y-%m-%d %H:%M} UTC")
    return link


def expiry(queued_at: datetime, link_days: float) -> datetime:
    """When an alert's links stop working: ``link_days`` after it was queued (a resend
    queues it again). Counted from the queueing, not the send, so a retried alert carries
    the same links, body and signature."""
    return queued_at + timedelta(days=link_days)


def current_uid(conn: Connection, alert_id: int) -> str | None:
    """The uid of the incident the alert belongs to now: an editor may have moved its
    article or merged its incident since it was queued."""
    query = (
        select(incidents.c.uid)
        .join(alerts, alerts.c.incident_id == incidents.c.id)
        .where(alerts.c.id == alert_id)
    )
    found = conn.execute(query).scalar()
    return str(found) if found is not None else None


def desk_links(
    config: Config, secret: bytes, alert: Alert, incident_uid: str, expires: datetime
) -> DeskLinks | None:
    """The desk's pages for the alert's article and incident, and its one-click links;
    None for an alert about no stored article (a digest, a test)."""
    art = alert.article
    if art is None or art.id is None or not alert.id:
        return None
    base = config.web.public_url

    def click(action: str) -> str:
        token = sign_link(secret, alert.id, art.id or 0, incident_uid, action, expires)
        return f"{base}/l/{token}"

    return DeskLinks(
        article=f"{base}/articles/{art.id}",
        incident=f"{base}/incidents/{incident_uid}",
        false_alarm=click("false_alarm"),
        wrong_incident=click("wrong_incident"),
    )


def with_links(store: _HasEngine, config: Config, alert: Alert, queued_at: datetime) -> Alert:
    """The alert as it is sent: with its desk links, to the incident its article is in
    now, expiring ``web.link_days`` after ``queued_at``. Unchanged when it is about no
    stored article (a digest)."""
    if alert.article is None or alert.incident is None or alert.article.id is None:
        return alert
    with store.engine.connect() as conn:
        uid = current_uid(conn, alert.id) or alert.incident.uid
    secret = desk_secret(config, store)
    links = desk_links(config, secret, alert, uid, expiry(queued_at, config.web.link_days))
    return replace(alert, links=links)
