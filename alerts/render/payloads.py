"""Webhook bodies: the signed JSON event and the Slack incoming-webhook message. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from alerts.records import Alert, DeskLinks
from alerts.render.common import facts, headline, highlight, one_line, web_link, when
from records import Event
from records.codec import to_json


def event_json(alert: Alert) -> dict[str, Any]:
    art, inc, v = alert.article, alert.incident, alert.verdict
    body: dict[str, Any] = {
        "event": alert.event,
        "test": alert.is_test,
        "delivery_id": alert.delivery_id,
        "alert_id": alert.id,
        "created_at": alert.created_at.isoformat(),
        "article": None,
        "incident": None,
        "classification": None,
    }
    if art:
        body["article"] = {
            "url": art.url,
            "title": art.title,
            "outlet": art.outlet,
            "published": art.published.isoformat() if art.published else None,
        }
    if inc:
        body["incident"] = {
            # The id editors see everywhere (email, status, export, logs); "uid" is the same
            # value, kept for receivers written against earlier versions.
            "id": inc.uid,
            "uid": inc.uid,
            "opened_at": inc.opened_at.isoformat(),
            "city": inc.city,
            "state": inc.state,
            "date": inc.event_date.isoformat() if inc.event_date else None,
            "articles": [to_json(a) for a in inc.articles],
            "facts": dict(inc.facts),
        }
        body["changes"] = list(alert.changes)
    if alert.links:
        body["links"] = {
            "article": alert.links.article,
            "incident": alert.links.incident,
            "false_alarm": alert.links.false_alarm,
            "wrong_incident": alert.links.wrong_incident,
        }
    if v:
        d = to_json(v)
        body["classification"] = {
            "score": d["score"],
            "category": d["category"],
            "reason": d["reason"],
            "evidence": d["evidence"],
            **{k: d[k] for k in ("fatal", "anyone_hit", "officer_injured", "agencies")},
            **{k: d[k] for k in ("investigating_agency", "location", "incident_date")},
            **{k: d[k] for k in ("followup", "in_region")},
            **{k: d.get(k) for k in ("victim_name", "victim_age", "officer_names")},
        }
    return body


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(body: bytes, key: str) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body>``, the X-Oiswatch-Signature header."""
    return "sha256=" + hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, key: str, header: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(signature(body, key), header)


def standard_key(secret: str) -> bytes:
    """The HMAC key of the Standard Webhooks headers: the base64 after a ``whsec_`` prefix
    (the form their libraries generate), else the secret's own bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode("utf-8")


def standard_signature(delivery_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, the webhook-signature header.

    Signing the time with the body lets a receiver refuse a captured delivery replayed later.
    """
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn treats <...> as links and mentions; these three are all it needs.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_json(alert: Alert) -> dict[str, Any]:
    label = {
        Event.INCIDENT_NEW: "OIS",
        Event.INCIDENT_UPDATE: "OIS update",
        Event.INCIDENT_EARLIER: "OIS earlier report",
        Event.TEST: "OIS TEST",
    }.get(alert.event, "OIS")
    title = _slack_escape(headline(alert))
    art = alert.article
    outlet = _slack_escape(one_line(art.outlet) if art else "") or "unknown outlet"
    href = web_link(art.url) if art else None
    # Slack splits links on "|" and ends them at ">": such a URL is shown, not linked.
    link = f"<{href}|{title}>" if href and not set("|<> ") & set(href) else title
    text = f"[{label}] {title} — {outlet}"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*[{label}]* {link}"}},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"{outlet} · {when(art.published if art else None)}"}
            ],
        },
    ]
    v = alert.verdict
    if v and v.evidence:
        ev = v.evidence[0]
        quote = highlight(ev.sentence, ev.spans, lambda s: f"*{_slack_escape(s)}*", _slack_escape)
        # One line: a line break would end Slack's quote.
        quote = one_line(quote, 2000)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"> {quote}"}})
    if v:
        fields = [
            {"type": "mrkdwn", "text": f"*{k}:* {_slack_escape(val)}"} for k, val in facts(alert)
        ]
        blocks.append({"type": "section", "fields": fields[:10]})
    if alert.incident:
        n = len(alert.incident.articles)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Incident {alert.incident.uid} · {n} other article(s)",
                    }
                ],
            }
        )
    if alert.links:
        blocks.append({"type": "context", "elements": [_slack_links(alert.links)]})
    return {"text": text, "blocks": blocks}


def _slack_links(links: DeskLinks) -> dict[str, Any]:
    pairs = (
        (links.article, "On the desk"),
        (links.incident, "Its incident"),
        (links.false_alarm, "False alarm"),
        (links.wrong_incident, "Wrong incident"),
    )
    shown = [
        f"<{url}|{label}>" if web_link(url) and not set("|<> ") & set(url) else url
        for url, label in pairs
    ]
    return {"type": "mrkdwn", "text": " · ".join(shown)}
