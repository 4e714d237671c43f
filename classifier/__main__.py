"""`python -m classifier [FILE] [--rules PATH] [--region TERM ...]` or `--eval [JSONL]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classifier.cli import run_classify
from classifier.evaluate import evaluate, print_report
from classifier.rules import RulesError, load_rules

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classifier",
        description="Classify articles (JSON Lines with 'text') as officer-involved shootings.",
    )
    parser.add_argument("file", nargs="?", help="JSON Lines input (default: stdin)")
    parser.add_argument("--rules", type=Path, help="rules file (default: config/classifier.toml)")
    parser.add_argument("--region", action="append", default=[], help="place or agency; repeat")
    parser.add_argument(
        "--eval", nargs="?", const=str(DEFAULT_EVAL), metavar="JSONL",
        help=f"print precision, recall and every error on labelled rows (default: {DEFAULT_EVAL})",
    )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.eval:
        with open(args.eval, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        print_report(evaluate(rows, rules), sys.stdout)
        return 0
    if args.file:
        with open(args.file, encoding="utf-8") as fh:
            return run_classify(fh, sys.stdout, sys.stderr, rules, args.region)
    return run_classify(sys.stdin, sys.stdout, sys.stderr, rules, args.region)


if __name__ == "__main__":
    sys.exit(main())
