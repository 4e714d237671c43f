"""oiswatch export: incidents and their articles as CSV or JSON Lines, for the data desk."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from oiswatch.cli import load

HELP = "export incidents and their articles as CSV or JSON Lines (-o FILE or standard output)"


def _since(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="default: csv")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--since", type=_since, metavar="DATE", help="only incidents opened on or after DATE"
    )


def run(args: argparse.Namespace) -> int:
    from oiswatch.export import incident_records, write_csv, write_jsonl
    from oiswatch.service import open_existing_store

    config = load(args)
    store = open_existing_store(config)
    write = write_csv if args.format == "csv" else write_jsonl
    try:
        records = incident_records(store, args.since)
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    n = write(records, out)
            except OSError as exc:
                print(f"oiswatch: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
                return 1
            print(f"{n} incidents written to {args.output}", file=sys.stderr)
        else:
            write(records, sys.stdout)
    finally:
        store.close()
    return 0
