"""oiswatch feedback export: editors' labels as labelled JSON Lines, to score the rules on."""

from __future__ import annotations

import argparse
import sys

from oiswatch.cli import load
from oiswatch.commands.export import _since

HELP = "export editors' labels as labelled JSON Lines (the format of ../shared/eval/dev.jsonl)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export",
        help="one row per labelled article, its latest label; `python -m classifier --eval` "
        "scores the rules on it",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    export.add_argument(
        "--since", type=_since, metavar="DATE", help="only labels given on or after DATE"
    )


def run(args: argparse.Namespace) -> int:
    from oiswatch.feedback import labelled_rows, write_jsonl
    from oiswatch.service import open_existing_store

    config = load(args)
    store = open_existing_store(config)
    try:
        rows = labelled_rows(store, args.since)
        if not args.output:
            write_jsonl(rows, sys.stdout)
            return 0
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                counts = write_jsonl(rows, out)
        except OSError as exc:
            print(f"oiswatch: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 1
        summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "none"
        print(f"{sum(counts.values())} labelled articles ({summary}) written to {args.output}",
              file=sys.stderr)  # fmt: skip
    finally:
        store.close()
    return 0
