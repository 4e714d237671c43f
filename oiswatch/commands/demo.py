"""oiswatch demo: the whole pipeline on a bundled sample news site; no network, no config."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

HELP = "show the whole pipeline on a bundled sample news site (offline, no configuration)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        metavar="DIR",
        help="where the store and the alert .eml files go (default: a new temporary folder)",
    )
    parser.add_argument(
        "--store", metavar="URL", help="SQLAlchemy URL of the store (default: DIR/oiswatch.db)"
    )
    parser.add_argument("--log-json", action="store_true", help="log as JSON lines")


def run(args: argparse.Namespace) -> int:
    from oiswatch import reactor
    from oiswatch.demo.run import run_demo
    from oiswatch.logs import setup_logging
    from oiswatch.service import EXIT_LOCKED, exit_now_if_stuck
    from store.lock import LockHeld

    setup_logging("WARNING", args.log_json)
    # The report says what was dropped and why; Scrapy's own lines would repeat it.
    logging.getLogger("scrapy").setLevel(logging.ERROR)
    reactor.install()
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="oiswatch-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        received = run_demo(workdir, args.store, reactor.run)
    except LockHeld as exc:
        print(f"oiswatch: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    return exit_now_if_stuck(0 if received else 1)
