"""The one interface every channel implements, and the logging they share."""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod

from alerts.records import Alert, DeliveryResult

log = logging.getLogger("oiswatch.alerts")


class Channel(ABC):
    """Delivers an alert to one destination. ``send`` never raises: it returns a result."""

    label: str

    @abstractmethod
    def send(self, alert: Alert) -> DeliveryResult: ...

    def failed(self, alert: Alert, detail: str, body: str = "") -> DeliveryResult:
        """Log a failed delivery with a truncated response body, and return it."""
        snippet = " ".join(body.split())[:200]
        log.warning(
            "alert %s (delivery %s) to %s failed: %s%s",
            alert.id,
            alert.delivery_id,
            self.label,
            detail,
            f" — body: {snippet}" if snippet else "",
        )
        return DeliveryResult.failure(detail + (f": {snippet}" if snippet else ""))

    def succeeded(self, alert: Alert, detail: str) -> DeliveryResult:
        log.info(
            "alert %s (delivery %s) sent to %s: %s", alert.id, alert.delivery_id, self.label, detail
        )
        return DeliveryResult(True, detail)


def secret(env_name: str | None) -> str | None:
    """The value of the environment variable the configuration names, if set."""
    return os.environ.get(env_name) if env_name else None


def mask(text: str, *secrets: str | None) -> str:
    """``text`` with every secret replaced, for logs and stored errors."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
