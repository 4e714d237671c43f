"""oiswatch check-config: validate the configuration and say what it sets up."""

from __future__ import annotations

import argparse

from oiswatch.cli import load

HELP = "validate the configuration file, summarise it, and warn about undeliverable alerts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


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
    # Warnings leave the file usable; an error means alerts cannot go out as configured.
    return 1 if errors else 0
