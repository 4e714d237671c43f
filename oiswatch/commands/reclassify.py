"""oiswatch reclassify: run the current rules over stored articles and report what changes."""

from __future__ import annotations

import argparse
from pathlib import Path

from oiswatch.cli import load
from oiswatch.commands.export import _since

HELP = "run the current rules over stored articles, report and store what changes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since", type=_since, metavar="DATE", help="only articles published on or after DATE"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change; store nothing"
    )
    parser.add_argument(
        "--alert",
        action="store_true",
        help="alert newly flagged articles (by default they join incidents silently)",
    )


def run(args: argparse.Namespace) -> int:
    from classifier.from_config import rules_path
    from classifier.rules import load_rules
    from oiswatch.reclassify import CATEGORY, NEWLY_FLAGGED, NO_LONGER_FLAGGED, reclassify
    from oiswatch.service import open_existing_store

    config = load(args)
    path = rules_path(config)
    rules = load_rules(Path(path) if path else None)
    store = open_existing_store(config)
    try:
        outcome = reclassify(
            store, config, rules, since=args.since, dry_run=args.dry_run, alert=args.alert
        )
    finally:
        store.close()
    for change in outcome.changes:
        line = f"{change.kind:<18} {change.article_id:>6}  {change.before} -> {change.after}  "
        line += change.title or change.url
        if change.label:
            line += f"  (editor's label {change.label} stands)"
        elif change.joined:
            line += f"  (incident {change.joined}, {change.alerts} alert(s) queued)"
        print(line)
    verb = "would change" if args.dry_run else "changed"
    print(
        f"{outcome.examined} articles examined; {verb}: "
        f"{outcome.count(NEWLY_FLAGGED)} newly flagged, "
        f"{outcome.count(NO_LONGER_FLAGGED)} no longer flagged, "
        f"{outcome.count(CATEGORY)} other category"
        + (" (dry run: nothing stored)" if args.dry_run else "")
    )
    return 0
