"""Where alerts go: one stable key per configured destination.

Keys name the destination, not its position in the file, so reordering or reloading the
configuration never queues an alert twice: "email", "webhook:<hash of URL>",
"apprise:<hash of URL>", and "digest:<date>" for the daily digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from config.model import AlertsConfig


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


_SECRETISH = re.compile(r"(://[^/@\s]*:)[^/@\s]+@|([?&](?:token|key|secret|password|sig)=)[^&]+")


def mask_url(url: str) -> str:
    """A URL fit for logs: passwords and token parameters replaced, long paths shortened."""
    masked = _SECRETISH.sub(
        lambda m: (m.group(1) or m.group(2)) + "***" + ("@" * bool(m.group(1))), url
    )
    scheme, sep, rest = masked.partition("://")
    host, slash, path = rest.partition("/")
    if len(path) > 12:
        # Webhook paths (Slack, Discord) are themselves the secret.
        path = path[:6] + "…"
    return f"{scheme}{sep}{host}{slash}{path}"


@dataclass(frozen=True)
class Destination:
    key: str
    kind: str  # email | webhook | apprise
    label: str  # for people and logs: never holds a secret
    settings: Any  # the config section it was built from


def destinations(alerts: AlertsConfig) -> list[Destination]:
    out = []
    if alerts.email:
        rcpt = ", ".join(alerts.email.recipients)
        out.append(Destination("email", "email", f"email to {rcpt}", alerts.email))
    for hook in alerts.webhooks:
        url = str(hook.url)
        out.append(
            Destination(f"webhook:{url_key(url)}", "webhook", f"webhook {mask_url(url)}", hook)
        )
    for app in alerts.apprise:
        out.append(
            Destination(
                f"apprise:{url_key(app.url)}", "apprise", f"apprise {mask_url(app.url)}", app
            )
        )
    seen: set[str] = set()
    # The same URL listed twice is one destination, not two deliveries.
    return [d for d in out if not (d.key in seen or seen.add(d.key))]
