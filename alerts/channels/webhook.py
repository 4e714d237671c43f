"""Webhook channel: a signed JSON POST (or a Slack message); 2xx is success."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request

from alerts.channels.base import Channel, mask, secret
from alerts.channels.deadline import Deadline
from alerts.channels.httpopen import opener
from alerts.destinations import mask_url
from alerts.records import Alert, DeliveryResult
from alerts.render.chat import discord_json
from alerts.render.common import one_line
from alerts.render.payloads import (
    encode,
    event_json,
    signature,
    slack_json,
    standard_signature,
)
from config.model import WebhookConfig

USER_AGENT = "oiswatch-webhook/0.1"


class WebhookChannel(Channel):
    def __init__(self, settings: WebhookConfig, label: str | None = None) -> None:
        self.settings = settings
        self.url = str(settings.url)
        # The label is logged with every outcome; a webhook's URL is often its secret.
        self.label = label or f"webhook {mask_url(self.url)}"

    def request(self, alert: Alert, timestamp: int | None = None) -> urllib.request.Request:
        """The exact request sent: body, signatures and delivery id, signed at ``timestamp``
        (unix seconds; now by default)."""
        s = self.settings
        timestamp = int(time.time()) if timestamp is None else timestamp
        payload = {"slack": slack_json, "discord": discord_json}.get(s.format, event_json)(alert)
        body = encode(payload)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Oiswatch-Event": alert.event,
            "X-Oiswatch-Delivery": alert.delivery_id,
            # Standard Webhooks (standardwebhooks.com): what their libraries verify.
            "webhook-id": alert.delivery_id,
            "webhook-timestamp": str(timestamp),
        }
        key = secret(s.secret_env)
        if key:
            headers["X-Oiswatch-Signature"] = signature(body, key)
            headers["webhook-signature"] = standard_signature(
                alert.delivery_id, timestamp, body, key
            )
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")

    def send(self, alert: Alert) -> DeliveryResult:
        s = self.settings
        key = secret(s.secret_env)
        if s.secret_env and not key:
            return self.failed(alert, f"environment variable {s.secret_env} is not set")
        try:
            request = self.request(alert)
        except ValueError:  # binascii.Error: the key cannot be decoded
            return self.failed(alert, f"{s.secret_env} starts with whsec_ but is not base64")
        with Deadline(s.timeout_seconds) as deadline:
            return self._post(alert, request, deadline, key)

    def _post(
        self, alert: Alert, request: urllib.request.Request, deadline: Deadline, key: str | None
    ) -> DeliveryResult:
        try:
            with opener(deadline).open(request, timeout=deadline.remaining()) as resp:
                status = resp.status
                return self.succeeded(alert, f"HTTP {status}")
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:
                location = one_line(exc.headers.get("Location"), 300) or "(no Location)"
                detail = f"HTTP {exc.code} redirect to {location} (not followed)"
                return self.failed(alert, mask(detail, key))
            try:
                body = exc.read(2000).decode("utf-8", "replace") if exc.fp else ""
            except (OSError, http.client.HTTPException):
                body = ""  # the receiver hung up mid-body; the status is what matters
            return self.failed(alert, f"HTTP {exc.code}", mask(body, key))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if deadline.expired:
                return self.failed(alert, deadline.why())
            # URLError and timeouts are OSErrors; a garbled response is an HTTPException.
            reason = getattr(exc, "reason", exc)
            return self.failed(alert, mask(f"{type(exc).__name__}: {reason}", key))
