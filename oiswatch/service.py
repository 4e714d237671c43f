"""What ``run``, ``poll`` and ``demo`` share: logging, the store, its lock, the cycle's parts."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.exc import OperationalError

from config import Config
from oiswatch.cycle import Cycle
from oiswatch.lease import LeaseKeeper
from oiswatch.logs import setup_logging
from store import Store, StoreError, utcnow
from store.lock import HEARTBEAT_SECONDS, LockHeld, StoreLock
from store.polls import ensure_table

log = logging.getLogger(__name__)

# Exit status when another process holds the store (configuration is 2, storage is 3).
EXIT_LOCKED = 4
EXIT_STORE = 3


def add_logging_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-json",
        action="store_true",
        help="log one JSON object per line (same as [logging] json = true)",
    )


def configure_logging(config: Config, args: argparse.Namespace) -> None:
    json_lines = config.logging.json_lines or bool(getattr(args, "log_json", False))
    setup_logging(config.logging.level, json_lines)


def check_classifier_rules(config: Config) -> None:
    """A bad `[classifier] rules` file stops the command now (ConfigError, exit 2), rather
    than failing every poll's crawl at its start."""
    from classifier.from_config import rules_path

    rules_path(config)


def log_problems(config: Config) -> None:
    """What `check-config` would warn about, in the service's log at start."""
    from oiswatch.preflight import problems

    for p in problems(config):
        log.log(logging.ERROR if p.level == "error" else logging.WARNING, p.text)


def start_service(args: argparse.Namespace) -> tuple[Config, Store]:
    """What `run` and `poll` do first: validated config and rules, logging, the asyncio
    reactor (before anything else touches Twisted), and the open store."""
    from oiswatch import reactor
    from oiswatch.cli import load

    config = load(args)
    check_classifier_rules(config)
    configure_logging(config, args)
    log_problems(config)
    reactor.install()
    return config, open_store(config)


def open_store(config: Config) -> Store:
    store = Store(config.storage.url)
    ensure_table(store.engine)
    return store


def open_existing_store(config: Config) -> Store:
    """The store, for commands that only read it: one that does not exist is an error
    (StoreError, exit 3) rather than a new empty store hiding a wrong path or URL."""
    from store import StoreError, store_exists

    if not store_exists(config.storage.url):
        raise StoreError(
            f"no store at {config.storage.url} ({config.source}: storage.url): nothing has "
            "polled with this configuration yet; `oiswatch run` or `oiswatch poll` creates it"
        )
    return open_store(config)


def take_lock(store: Store, purpose: str) -> StoreLock | None:
    """The store lock, or None after telling the user who holds it."""
    lock = StoreLock(store.engine, purpose)
    try:
        lock.acquire()
        if not store.backend.shared:
            # Held alone, the store has no other live sender: a row still in flight is a
            # killed predecessor's.
            release_interrupted_alerts(store)
    except LockHeld as exc:
        print(f"oiswatch: {exc}; not starting", file=sys.stderr)
        store.close()
        return None
    except OperationalError as exc:
        # Typically "database is locked": a backup, an export or a second tool is writing.
        where = store.engine.url.render_as_string(hide_password=True)
        store.close()
        raise StoreError(
            f"[storage] url: cannot write to {where!r}: {exc.orig}; not starting"
        ) from None
    return lock


def release_interrupted_alerts(store: Store, now: datetime | None = None) -> None:
    """Alerts a killed predecessor was sending are due again at once, not after their lease."""
    from store.outbox import release_in_flight

    with store.begin() as conn:
        released = release_in_flight(conn, now or utcnow())
    if released:
        log.warning(
            "%d alert(s) were being sent when the last process stopped; sending again "
            "(a receiver may see one twice, with the same delivery id)",
            released,
        )


def keep_alive(lock: StoreLock) -> LeaseKeeper:
    """Heartbeat the lock from a thread until stopped (a long poll must not look dead, nor a
    loop held up by a slow parse let another process take the store)."""
    return LeaseKeeper(lock, HEARTBEAT_SECONDS, hard_exit=True).start()


def dispatch(store: Store, config: Config) -> Any:
    from alerts import dispatch_due

    return dispatch_due(store, config)


def build_cycle(config: Config, store: Store) -> Cycle:
    from oiswatch.crawling import FeedCrawls

    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="oiswatch-io")
    return Cycle(
        config=config, store=store, crawl=FeedCrawls(), dispatch=dispatch, executor=executor
    )


def idle_pool_worker(thread: threading.Thread) -> bool:
    """A thread-pool worker waiting for work (Apprise keeps a process-wide pool of them).

    Its innermost Python frame is the pool's worker loop itself, blocked in the queue's C
    ``get``; a worker running a task has that task's frames above the loop. Idle workers
    end as the interpreter exits, so they are not "stuck".
    """
    frame = sys._current_frames().get(thread.ident or -1)
    return (
        frame is not None
        and frame.f_code.co_name == "_worker"
        and frame.f_code.co_filename.endswith(os.path.join("concurrent", "futures", "thread.py"))
    )


def exit_now_if_stuck(code: int, wait_seconds: float = 2.0) -> int:
    """Exit at once if a worker thread is still blocked (a receiver that never answers).

    Everything that matters is committed by now; waiting on the thread would break the
    promise that the service stops within a bounded time. Idle pool threads get
    ``wait_seconds`` to wind down first.
    """

    def busy() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t is not threading.main_thread()
            and not t.daemon
            and t.is_alive()
            and not idle_pool_worker(t)
        ]

    deadline = time.monotonic() + wait_seconds
    for t in busy():
        t.join(timeout=max(deadline - time.monotonic(), 0))
    stuck = busy()
    if stuck:
        logging.getLogger("oiswatch").warning(
            "exiting with %d worker thread(s) still blocked: %s",
            len(stuck),
            ", ".join(t.name for t in stuck),
        )
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
