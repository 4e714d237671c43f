"""oiswatch status: feeds, today's articles, alerts and the last poll, from the store."""

from __future__ import annotations

import argparse
import json

from oiswatch.cli import load

HELP = "show each feed's state, today's articles, and alerts pending/sent/dead (--json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object, for scripts")
    parser.add_argument(
        "--check",
        action="store_true",
        help="health check: exit 1 when no poll succeeded in three intervals, every feed "
        "fails, or dead alerts wait (for HEALTHCHECK and systemd)",
    )


def run(args: argparse.Namespace) -> int:
    from oiswatch.health import unhealthy
    from oiswatch.service import open_existing_store
    from oiswatch.status import gather, render_table, to_json

    config = load(args)
    store = open_existing_store(config)
    try:
        status = gather(config, store)
    finally:
        store.close()
    problems = unhealthy(status)
    if args.json:
        print(json.dumps({**to_json(status), "unhealthy": problems}, indent=2))
    elif args.check:
        print("; ".join(problems) if problems else "healthy")
    else:
        print(render_table(status))
        if problems:
            print("\nunhealthy:")
            for problem in problems:
                print(f"  {problem}")
    return 1 if args.check and problems else 0
