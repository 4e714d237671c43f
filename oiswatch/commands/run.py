"""oiswatch run: the long-lived service (see oiswatch.daemon)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oiswatch.service import (
    EXIT_LOCKED,
    add_logging_arguments,
    build_cycle,
    exit_now_if_stuck,
    start_service,
    take_lock,
)
from store.lock import HEARTBEAT_SECONDS

if TYPE_CHECKING:
    import asyncio

    from config import Config
    from oiswatch.daemon import Daemon
    from store import Store

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

    config, store = start_service(args)
    if store.backend.shared:
        # Scaled out: many `oiswatch run` compete; the scheduler lock's holder schedules.
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


def run_as_candidate(config: Config, store: Store, args: argparse.Namespace) -> int:
    """Stand by until this process holds the PostgreSQL leader lock, then schedule.

    A leader whose lock session breaks (a network cut, a restarted or failed-over
    database) stops scheduling at once, since another process may lead by now, lets its
    work in flight finish, and stands by again: no restart by a supervisor is needed.
    """
    import asyncio
    import logging
    import signal

    from alerts import send_digest
    from oiswatch import reactor
    from oiswatch.daemon import Daemon
    from store.leader import AdvisoryLeaderLock

    log = logging.getLogger("oiswatch.leader")
    lock = store.backend.scheduler_lock(store.engine, config.storage.url, "run")
    assert isinstance(lock, AdvisoryLeaderLock)  # a shared store elects its scheduler
    retry = config.cluster.standby_retry_seconds

    async def main() -> int:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()

        def on_signals() -> None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)

        on_signals()
        while True:
            if not lock.try_acquire():
                leader = lock.leader()
                log.info(
                    "standing by: %s schedules; retrying every %gs",
                    leader.describe() if leader else "another process",
                    retry,
                )
            if not await lock.wait(retry, stop):
                return 0
            log.info("leading: this process schedules polls (pid %d)", lock.pid)
            daemon = Daemon(
                build_cycle(config, store),
                lock,
                digest=send_digest,
                grace_seconds=args.grace_seconds,
                # Notice a lost lock about as fast as a standby notices a free one.
                heartbeat_seconds=min(HEARTBEAT_SECONDS, retry),
            )
            code = await serve(daemon, stop)
            on_signals()  # the daemon took the signals over while it ran
            if stop.is_set() or not daemon.lock_lost:
                return code
            log.warning("no longer leading: standing by again")

    try:
        code = reactor.run(main)
    finally:
        lock.close()
        store.close()
    return exit_now_if_stuck(code)


async def serve(daemon: Daemon, stop: asyncio.Event) -> int:
    """Run the daemon; a signal that came before it installed its own handlers stops it."""
    import asyncio

    async def relay() -> None:
        await stop.wait()
        daemon.request_stop("signal")

    relay_task = asyncio.ensure_future(relay())
    try:
        return await daemon.serve()
    finally:
        relay_task.cancel()
