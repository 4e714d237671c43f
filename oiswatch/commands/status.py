"""oiswatch status: feeds, today's articles, alerts and the last poll, from the store."""

from __future__ import annotations

import argparse
import json

from oiswatch.cli import load

HELP = "show each feed's state, today's articles, and alerts pending/sent/dead (--json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object, for scripts")


def run(args: argparse.Namespace) -> int:
    from oiswatch.service import open_store
    from oiswatch.status import gather, render_table, to_json

    config = load(args)
    store = open_store(config)
    try:
        status = gather(config, store)
    finally:
        store.close()
    if args.json:
        print(json.dumps(to_json(status), indent=2))
    else:
        print(render_table(status))
    return 0
