"""oiswatch run: the long-lived service (see oiswatch.daemon)."""

from __future__ import annotations

import argparse

from oiswatch.cli import load
from oiswatch.service import (
    EXIT_LOCKED,
    add_logging_arguments,
    build_cycle,
    configure_logging,
    exit_now_if_stuck,
    open_store,
    take_lock,
)

HELP = "run the service: poll feeds on a schedule, classify, store and deliver alerts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_logging_arguments(parser)
    parser.add_argument(
        "--grace-seconds",
        type=float,
        default=20.0,
        metavar="N",
        help="on SIGTERM/SIGINT, how long work in flight may take to finish (default 20)",
    )


def run(args: argparse.Namespace) -> int:
    from oiswatch import reactor

    config = load(args)
    configure_logging(config, args)
    reactor.install()  # before anything else touches Twisted
    store = open_store(config)
    lock = take_lock(store, "oiswatch run")
    if lock is None:
        return EXIT_LOCKED

    from oiswatch.daemon import Daemon

    async def main() -> int:
        try:
            from alerts import send_digest
        except ImportError:
            send_digest = None
        daemon = Daemon(
            build_cycle(config, store), lock, digest=send_digest, grace_seconds=args.grace_seconds
        )
        return await daemon.serve()

    try:
        code = reactor.run(main)
    finally:
        lock.release()
        store.close()
    return exit_now_if_stuck(code)
