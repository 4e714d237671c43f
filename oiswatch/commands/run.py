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
from store.leader import is_postgresql

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
    if is_postgresql(config.storage.url):
        # Scaled out: many `oiswatch run` compete; the advisory-lock holder schedules.
        return run_as_candidate(config, store, args)
    lock = take_lock(store, "oiswatch run")
    if lock is None:
        return EXIT_LOCKED

    from alerts import send_digest
    from oiswatch.daemon import Daemon

    async def main() -> int:
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


def run_as_candidate(config, store, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """Stand by until this process holds the PostgreSQL leader lock, then schedule."""
    import asyncio
    import logging
    import signal

    from oiswatch import reactor
    from oiswatch.daemon import Daemon
    from store.leader import AdvisoryLeaderLock

    log = logging.getLogger("oiswatch.leader")
    lock = AdvisoryLeaderLock(config.storage.url, "run")

    async def main() -> int:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if not lock.try_acquire():
            leader = lock.leader()
            log.info(
                "standing by: %s schedules; retrying every %gs",
                leader.describe() if leader else "another process",
                config.cluster.standby_retry_seconds,
            )
        if not await lock.wait(config.cluster.standby_retry_seconds, stop):
            return 0
        log.info("leading: this process schedules polls (pid %d)", lock.pid)
        try:
            from alerts import send_digest
        except ImportError:
            send_digest = None
        daemon = Daemon(
            build_cycle(config, store), lock, digest=send_digest, grace_seconds=args.grace_seconds
        )

        async def relay() -> None:
            # A signal before the daemon installs its own handlers still stops it.
            await stop.wait()
            daemon.request_stop("signal")

        relay_task = asyncio.ensure_future(relay())
        try:
            return await daemon.serve()
        finally:
            relay_task.cancel()

    try:
        code = reactor.run(main)
    finally:
        lock.close()
        store.close()
    return exit_now_if_stuck(code)
