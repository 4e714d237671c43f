"""oiswatch run: the long-lived service (see oiswatch.daemon)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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

# A [web] port that cannot be listened on: the operator's configuration to fix.
EXIT_USAGE = 2

if TYPE_CHECKING:
    import asyncio

    from config import Config
    from desk.server import Desk
    from oiswatch.daemon import Daemon
    from store import Store
    from store.lock import StoreLock

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


def start_desk(config: Config, store: Store) -> Desk | None:
    """The editors' desk, served from a thread beside the daemon when [web] enabled and
    someone can log in (a desk with no editor would only refuse everyone).

    Raises DeskBindError when its port cannot be listened on."""
    import logging

    if not config.web.enabled:
        return None
    if not config.web.users and not config.web.proxy_user_header:
        logging.getLogger("oiswatch.desk").info(
            "desk not served: no [[web.users]] and no [web] proxy_user_header "
            "(oiswatch web add-user makes an editor)"
        )
        return None
    from desk.server import Desk
    from oiswatch.status import gather

    desk = Desk(config, store, gather)
    desk.start()
    return desk


def run(args: argparse.Namespace) -> int:
    config, store = start_service(args)
    if store.backend.shared:
        # Scaled out: many `oiswatch run` compete; the scheduler lock's holder schedules.
        # Each serves its desk, leading or standing by.
        return with_desk(config, store, lambda: run_as_candidate(config, store, args))
    lock = take_lock(store, "oiswatch run")
    if lock is None:
        return EXIT_LOCKED
    try:
        code = with_desk(config, store, lambda: run_alone(config, store, lock, args))
    finally:
        lock.release()
        store.close()
    return exit_now_if_stuck(code)


def with_desk(config: Config, store: Store, serve: Callable[[], int]) -> int:
    """``serve()`` with the desk beside it; a desk port in use is one line and exit 2."""
    from desk.server import DeskBindError

    try:
        desk = start_desk(config, store)
    except DeskBindError as exc:
        print(f"oiswatch: {exc}", file=sys.stderr)
        store.close()
        return EXIT_USAGE
    try:
        return serve()
    finally:
        if desk is not None:
            desk.stop()


def run_alone(config: Config, store: Store, lock: StoreLock, args: argparse.Namespace) -> int:
    from alerts import send_digest
    from oiswatch import reactor
    from oiswatch.daemon import Daemon

    async def main() -> int:
        daemon = Daemon(
            build_cycle(config, store), lock, digest=send_digest, grace_seconds=args.grace_seconds
        )
        return await daemon.serve()

    return reactor.run(main)


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
