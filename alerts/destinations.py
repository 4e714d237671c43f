"""Where alerts go: one stable key per configured destination.

Keys name the destination, not its position in the file, so reordering or reloading the
configuration never queues an alert twice. A destination with a ``name`` is keyed
"name:<name>": its outbox rows follow the name, and its address is read from the
configuration when each is sent, so fixing a URL re-targets what is pending or failed.
Unnamed ones are keyed by what they are: "email", "webhook:<hash of URL>",
"apprise:<hash of URL>"; and "digest:<date>" for the daily digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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


def redact(text: str, url: str) -> str:
    """``text`` with every secret-looking part of ``url`` (password, long path segment or
    query value: tokens, webhook ids) replaced, for messages a service echoes back."""
    parts = urlsplit(url)
    secrets = [parts.password or ""]
    # Apprise schemes often carry a token where a host would be (slack://TokenA/TokenB/...).
    host = parts.netloc.rpartition("@")[2].split(":")[0]  # .hostname would lower-case it
    if "." not in host and len(host) >= 8:
        secrets.append(host)
    secrets += [seg for seg in parts.path.split("/") if len(seg) >= 8]
    secrets += [value for _key, value in parse_qsl(parts.query) if len(value) >= 8]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


@dataclass(frozen=True)
class Destination:
    key: str
    kind: str  # email | webhook | apprise
    label: str  # for people and logs: never holds a secret
    settings: Any  # the config section it was built from
    name: str | None = None
    # Keys it also answers to: a named destination's unnamed key, so the rows queued
    # before it was given a name still reach it.
    aliases: tuple[str, ...] = ()

    def answers_to(self, key: str) -> bool:
        return key == self.key or key in self.aliases


def _destination(kind: str, plain_key: str, label: str, settings: Any) -> Destination:
    name = settings.name
    if not name:
        return Destination(plain_key, kind, label, settings)
    return Destination(f"name:{name}", kind, f"{name} ({label})", settings, name, (plain_key,))


def destinations(alerts: AlertsConfig) -> list[Destination]:
    out = []
    if alerts.email:
        rcpt = ", ".join(alerts.email.recipients)
        out.append(_destination("email", "email", f"email to {rcpt}", alerts.email))
    for hook in alerts.webhooks:
        url = str(hook.url)
        out.append(
            _destination("webhook", f"webhook:{url_key(url)}", f"webhook {mask_url(url)}", hook)
        )
    for app in alerts.apprise:
        out.append(
            _destination(
                "apprise", f"apprise:{url_key(app.url)}", f"apprise {mask_url(app.url)}", app
            )
        )
    # The same URL listed twice is one destination, not two deliveries.
    unique: dict[str, Destination] = {}
    for d in out:
        unique.setdefault(d.key, d)
    return list(unique.values())


def find(alerts: AlertsConfig, key: str) -> Destination | None:
    """The configured destination a stored outbox key names: by its key, else an alias."""
    configured = destinations(alerts)
    exact = next((d for d in configured if d.key == key), None)
    return exact or next((d for d in configured if key in d.aliases), None)


def keys_for(alerts: AlertsConfig, name: str) -> set[str]:
    """Every outbox key ``--to NAME`` means: a destination's name, key or label, with its
    aliases; else ``name`` itself (a key of a destination no longer configured)."""
    for d in destinations(alerts):
        if name in (d.name, d.key):
            return {d.key, *d.aliases}
    return {name}
