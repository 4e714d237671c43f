"""oiswatch poll: one full cycle (poll, fetch, extract, classify, store, deliver), then exit."""

from __future__ import annotations

import argparse

from oiswatch.service import (
    EXIT_LOCKED,
    EXIT_STORE,
    add_logging_arguments,
    build_cycle,
    exit_now_if_stuck,
    keep_alive,
    start_service,
    take_lock,
)

HELP = "poll every feed once, store and classify new articles, deliver due alerts, exit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_logging_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from oiswatch import reactor

    config, store = start_service(args)
    lock = take_lock(store, "oiswatch poll")
    if lock is None:
        return EXIT_LOCKED
    cycle = build_cycle(config, store)

    async def main() -> int:
        # Feeds or receivers that failed are reported in the log and retried next time;
        # the cycle itself ran, which is what the exit status says, unless our own store
        # refused writes (locked by another program, disk full): that needs a person.
        lease = keep_alive(lock)
        try:
            await cycle.run("poll")
        finally:
            lease.stop()
            cycle.close()
        return EXIT_STORE if cycle.store_failed else 0

    try:
        cycle.recover()
        code = reactor.run(main)
    finally:
        lock.release()
        store.close()
    return exit_now_if_stuck(code)
