"""Rendering is pure: what an editor reads, and what cannot leak or inject."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from alert_fixtures import T0, verdict

from alerts.channels.webhook import WebhookChannel
from alerts.destinations import destinations, mask_url
from alerts.records import Alert
from alerts.render.common import highlight
from alerts.render.mail import build_message, render_html, render_text, subject
from alerts.render.payloads import encode, event_json, signature, slack_json, verify
from config.model import parse_config
from records import ArticleRef, Event, IncidentRef

CENTRAL = timezone(timedelta(hours=-6))


def alert(url: str = "https://kcdaily.test/a", event: str = "incident.new", **kw) -> Alert:
    return Alert(
        id=7,
        event=Event(event),
        created_at=T0,
        article=ArticleRef(url, kw.pop("title", "Police kill man"), "KC Daily", kw.pop("pub", T0)),
        incident=IncidentRef(3, "abc123", T0),
        verdict=verdict(),
        delivery_id="7-xyz",
    )


def test_subjects_say_what_kind_of_alert() -> None:
    assert subject(alert()) == "[OIS] Police kill man — KC Daily"
    assert subject(alert(event="incident.update")) == "[OIS update] Police kill man — KC Daily"
    assert subject(alert(event="test")).startswith("[OIS TEST]")


def test_times_are_shown_in_utc_whatever_the_offset() -> None:
    evening_in_kc = datetime(2026, 3, 3, 22, 15, tzinfo=CENTRAL)
    assert "Published: 2026-03-04 04:15 UTC" in render_text(alert(pub=evening_in_kc))


def test_only_web_urls_become_links() -> None:
    html = render_html(alert(url="javascript:alert(1)"))
    assert 'href="javascript' not in html and "javascript:alert(1)" not in html.split("<h3>")[0]
    assert 'href="https://kcdaily.test/a"' in render_html(alert())
    blocks = slack_json(alert(url="javascript:alert(1)"))["blocks"]
    assert "javascript" not in str(blocks)


def test_highlight_clips_overlapping_and_out_of_range_spans() -> None:
    marked = highlight("officer shot a man", ((8, 12), (10, 14), (15, 99)), lambda s: f"[{s}]")
    assert marked == "officer [shot][ a] [man]"


def test_update_threads_under_the_incident_root() -> None:
    first = build_message(alert(), "bot@newsroom.test", ("desk@newsroom.test",))
    update = build_message(alert(event="incident.update"), "bot@newsroom.test", ("d@n.test",))
    assert first["Message-ID"] == "<oiswatch.abc123@newsroom.test>"
    assert update["In-Reply-To"] == first["Message-ID"] != update["Message-ID"]
    # Retrying renders the same Message-ID: it depends on the alert, not the attempt.
    again = build_message(alert(event="incident.update"), "bot@newsroom.test", ("d@n.test",))
    assert again["Message-ID"] == update["Message-ID"]


def test_signature_covers_the_exact_body() -> None:
    body = encode(event_json(alert()))
    header = signature(body, "k")
    assert verify(body, "k", header)
    assert not verify(body.replace(b"KC Daily", b"KC Dally"), "k", header)


def test_destination_keys_are_stable_and_secrets_masked() -> None:
    data = {
        "alerts": {
            "webhooks": [{"url": "https://hooks.slack.test/services/T000/B000/XXXXSECRETXXXX"}],
            "apprise": [{"url": "tgram://123456:ABCDEF-secret@/chat"}],
        }
    }
    first, again = destinations(parse_config(data).alerts), destinations(parse_config(data).alerts)
    assert [d.key for d in first] == [d.key for d in again]
    assert first[0].key.startswith("webhook:") and first[1].key.startswith("apprise:")
    assert "SECRET" not in first[0].label and "secret" not in first[1].label
    assert "SECRET" not in WebhookChannel(parse_config(data).alerts.webhooks[0]).label
    assert (
        mask_url("https://user:pw@host.test/x?token=abc")
        == "https://user:***@host.test/x?token=***"
    )


def test_evidence_marks_the_matched_words_when_the_sentence_spans_lines() -> None:
    # Extracted sentences keep the page's line breaks; spans count them.
    a = replace(alert(), verdict=verdict("Kansas City\n   police shot and killed a man."))
    assert "  Kansas City police *shot* and killed a man." in render_text(a)
    texts = [b["text"]["text"] for b in slack_json(a)["blocks"] if "text" in b]
    assert "> Kansas City police *shot* and killed a man." in texts


def test_redact_hides_the_tokens_of_a_destination_url_in_a_service_message() -> None:
    from alerts.destinations import redact

    url = "slack://TokenAAAAAA/TokenBBBBBB/TokenCCCCCCCC?webhook_secret=s3cr3tvalue&mode=x"
    echoed = (
        "Failed to send to TokenAAAAAA/TokenBBBBBB/TokenCCCCCCCC (secret s3cr3tvalue): "
        "HTTP 404, mode x"
    )
    cleaned = redact(echoed, url)
    for secret in ("TokenAAAAAA", "TokenBBBBBB", "TokenCCCCCCCC", "s3cr3tvalue"):
        assert secret not in cleaned
    assert "HTTP 404, mode x" in cleaned  # the useful part of the message stays
