"""One module per alert channel, each behind ``Channel.send(alert) -> DeliveryResult``."""

from __future__ import annotations

from alerts.channels.base import Channel
from alerts.destinations import Destination


def channel_for(dest: Destination) -> Channel:
    """The channel that delivers to ``dest`` (imports kept local: apprise is slow to load)."""
    if dest.kind == "email":
        from alerts.channels.email import EmailChannel

        return EmailChannel(dest.settings, label=dest.label)
    if dest.kind == "digest":
        from alerts.channels.email import EmailChannel

        email, recipients = dest.settings
        return EmailChannel(email, recipients=recipients, label=dest.label)
    if dest.kind == "webhook":
        from alerts.channels.webhook import WebhookChannel

        return WebhookChannel(dest.settings, label=dest.label)
    if dest.kind == "apprise":
        from alerts.channels.apprise import AppriseChannel

        return AppriseChannel(dest.settings, label=dest.label)
    raise ValueError(f"No channel for destination kind {dest.kind!r}")


__all__ = ["Channel", "channel_for"]
