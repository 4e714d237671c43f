"""oiswatch check-config: validate the configuration and say what it sets up."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oiswatch.cli import load

if TYPE_CHECKING:
    from config import Config

HELP = "validate the configuration file, summarise it, and warn about undeliverable alerts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def stranded(config: Config) -> list[str]:
    """What becomes of the alerts queued in the store for destinations the file no longer
    has (a URL changed on an unnamed destination, a name changed, one removed)."""
    from sqlalchemy.exc import SQLAlchemyError

    from alerts.destinations import find
    from store import Store, StoreError, outbox, store_exists

    try:
        if not store_exists(config.storage.url):
            return []
        store = Store(config.storage.url)
    except (StoreError, SQLAlchemyError) as exc:
        return [f"could not read the store's queued alerts: {exc}"]
    try:
        with store.engine.connect() as conn:
            rows = outbox.by_destination(conn)
    except SQLAlchemyError as exc:
        return [f"could not read the store's queued alerts: {exc}"]
    finally:
        store.close()
    lines = []
    for key, counts in sorted(rows.items()):
        if key.startswith("digest:") or find(config.alerts, key) is not None:
            continue
        pending, dead = counts.get("pending", 0), counts.get("dead", 0)
        if not (pending or dead):
            continue
        lines.append(
            f"outbox: {pending} pending and {dead} dead alert(s) for {key}, which this file "
            "no longer configures: the pending ones go dead at their next attempt, unsent. "
            "To deliver them, configure that destination again (the same URL, or the same "
            f"name), then `oiswatch alerts resend --to {key}`; `oiswatch alerts dismiss "
            "--all` lets dead ones go. A destination with a `name` keeps its alerts when "
            "its address changes."
        )
    return lines


def run(args: argparse.Namespace) -> int:
    from oiswatch.preflight import problems
    from oiswatch.service import check_classifier_rules

    config = load(args)
    check_classifier_rules(config)
    alerts = config.alerts
    destinations = (1 if alerts.email else 0) + len(alerts.webhooks) + len(alerts.apprise)
    found = problems(config)
    errors = sum(p.level == "error" for p in found)
    print(f"{config.source}: " + (f"{errors} error(s)" if errors else "OK"))
    print(f"  storage: {config.storage.url}")
    print(f"  feeds: {len(config.feeds)} ({sum(f.enabled for f in config.feeds)} enabled)")
    print(f"  alert destinations: {destinations}")
    print(f"  classifier rules: {config.classifier.rules or '(bundled config/classifier.toml)'}")
    print(f"  region: {', '.join(config.classifier.region) or '(everywhere)'}")
    for p in found:
        print(f"{p.level}: {p.text}")
    for line in stranded(config):
        print(f"warning: {line}")
    # Warnings leave the file usable; an error means alerts cannot go out as configured.
    return 1 if errors else 0
