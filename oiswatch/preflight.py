"""What a valid configuration can still get wrong about delivery, said before anything runs.

``check-config`` prints these and ``run``/``poll`` log them at start, so an operator learns
from the first command, not from an alert that never arrived. ``problems`` is pure: the
environment and the Apprise URL test are parameters.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from alerts.destinations import mask_url
from config import Config
from store.backends import backend_for


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    text: str


def apprise_understands(url: str) -> bool:
    import apprise

    return bool(apprise.Apprise().add(url))


def _secret_envs(config: Config) -> list[tuple[str, str]]:
    """(config key, environment variable name) for every secret the file names."""
    out = []
    email = config.alerts.email
    if email:
        out += [
            (f"alerts.email.{key}", name)
            for key, name in (
                ("username_env", email.username_env),
                ("password_env", email.password_env),
            )
            if name
        ]
    for i, hook in enumerate(config.alerts.webhooks):
        if hook.secret_env:
            out.append((f"alerts.webhooks[{i}].secret_env", hook.secret_env))
    return out


def problems(
    config: Config,
    environ: Mapping[str, str] | None = None,
    understood: Callable[[str], bool] = apprise_understands,
) -> list[Problem]:
    environ = os.environ if environ is None else environ
    where = str(config.source or "<config>")
    found = []
    alerts = config.alerts
    if not (alerts.email or alerts.webhooks or alerts.apprise):
        found.append(
            Problem(
                "warning",
                f"{where}: no alert destination is configured: flagged articles are stored "
                "and shown by `oiswatch status` and `oiswatch export`, but nobody is told. "
                "Add [alerts.email], [[alerts.webhooks]] or [[alerts.apprise]] "
                "(README: Configuration), then try it with `oiswatch alerts test`.",
            )
        )
    for key, name in _secret_envs(config):
        if not environ.get(name):
            found.append(
                Problem(
                    "error",
                    f"{where}: {key}: environment variable {name} is not set; "
                    "every delivery to that destination will fail until it is",
                )
            )
    for i, app in enumerate(alerts.apprise):
        if not understood(app.url):
            found.append(
                Problem(
                    "error",
                    f"{where}: alerts.apprise[{i}].url: Apprise does not understand "
                    f"{mask_url(app.url)} (see Apprise's list of services for the URL forms)",
                )
            )
    if config.cluster.redis_url and not backend_for(config.storage.url).shared:
        found.append(
            Problem(
                "error",
                f"{where}: cluster.redis_url is set but storage.url is not PostgreSQL: "
                "`oiswatch worker`s on other machines cannot share a SQLite store, so links "
                "queued in Redis would wait for workers that cannot store them. "
                "Unset cluster.redis_url, or move the store to PostgreSQL.",
            )
        )
    return found
