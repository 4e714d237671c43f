"""oiswatch classify: JSON Lines of articles in, one verdict per line out."""

from __future__ import annotations

import argparse
import sys

from config import resolve_path
from oiswatch.cli import load

HELP = "classify articles given as JSON Lines (FILE or standard input)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        type=argparse.FileType("r", encoding="utf-8"),
        default=None,
        metavar="FILE",
        help="JSON Lines, one object per line with at least 'text' (default: standard input)",
    )
    parser.add_argument("--rules", metavar="PATH", help="classifier rules file to use instead")
    parser.add_argument(
        "--no-region", action="store_true", help="ignore the configured region (in_region: null)"
    )


def run(args: argparse.Namespace) -> int:
    from classifier import load_rules
    from classifier.cli import run_classify

    config = load(args)
    if args.rules:
        rules_path = args.rules
    elif config.classifier.rules:
        rules_path = resolve_path(config, config.classifier.rules)
    else:
        rules_path = None
    rules = load_rules(rules_path)
    region = () if args.no_region else config.classifier.region
    infile = args.file or sys.stdin
    return run_classify(infile, sys.stdout, sys.stderr, rules, region)
