"""Apprise channel: any service an Apprise URL names, through the same outbox and retries."""

from __future__ import annotations

import logging

from alerts.channels.base import Channel
from alerts.destinations import redact
from alerts.records import Alert, DeliveryResult
from alerts.render.chat import discord_escape
from alerts.render.common import article_urls
from alerts.render.mail import render_text, subject
from config.model import AppriseConfig


class AppriseChannel(Channel):
    def __init__(self, settings: AppriseConfig, label: str | None = None) -> None:
        self.settings = settings
        self.label = label or "apprise"

    def send(self, alert: Alert) -> DeliveryResult:
        import apprise

        # A 3xx is a failed delivery, never a hop to wherever the receiver points.
        # service_timeout: Apprise gives up on a service after this long, retries included.
        asset = apprise.AppriseAsset(
            http_redirects=False, service_timeout=self.settings.timeout_seconds
        )
        notifier = apprise.Apprise(asset=asset)
        if not notifier.add(self.settings.url):
            return self.failed(alert, "Apprise does not understand this URL")
        title, body = subject(alert), render_text(alert)
        if any(type(service).__name__ == "NotifyDiscord" for service in notifier):
            # Discord reads mentions and masked links in any text (render/chat.py).
            keep = article_urls(alert)
            title, body = discord_escape(title, keep), discord_escape(body, keep)
        try:
            # Apprise logs each service's own errors; ours says which alert they belong to.
            with apprise.LogCapture(level=logging.WARNING) as captured:
                # Declared as text, Apprise escapes it for each service (Slack: &lt; …)
                # instead of passing "<!channel>" and "<http://evil|legit>" through.
                ok = notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
                detail = captured.getvalue()
        except Exception as exc:  # noqa: BLE001 - a plugin must not take the dispatcher down
            return self.failed(alert, f"{type(exc).__name__}: {exc}")
        if ok:
            return self.succeeded(alert, "notified")
        # Apprise's own messages may quote the URL's tokens; the error is logged and stored.
        return self.failed(alert, "Apprise reported failure", redact(detail, self.settings.url))
