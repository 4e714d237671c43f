"""The store lock against a daemon whose loop stalls, and one that is stopped outright.

Real processes on one SQLite store: `oiswatch run`, and a second `oiswatch poll` or
`oiswatch run` that would take the store if the first looked dead (no heartbeat for 30 s,
``store.lock.STALE_AFTER_SECONDS``), so each test waits out that much real time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import kit
from kit import Proc, oiswatch, oiswatch_run, stop_all, wait_until, write_config

from store.lock import STALE_AFTER_SECONDS

# `oiswatch run` whose asyncio loop is held by a blocking call (what a big page or a slow
# parse does to the crawl) for argv[1] seconds, a second after it starts serving.
STALLED_RUN = """
import asyncio, sys, time
from oiswatch import daemon
serve = daemon.Daemon.serve
async def stalled(self):
    asyncio.get_running_loop().call_later(1, time.sleep, float(sys.argv[1]))
    return await serve(self)
daemon.Daemon.serve = stalled
from oiswatch.cli import main
sys.exit(main(sys.argv[2:]))
"""


class Stalled(Proc):
    def __init__(self, config: Path, log: Path, stall_seconds: float) -> None:
        self.name = "stalled run"
        self.log_path = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", STALLED_RUN, str(stall_seconds),
                 "--config", str(config), "run"],
                cwd=kit.REPO, env=kit.env(), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip


def store_config(tmp_path: Path) -> Path:
    # No feeds: the daemon only delivers alerts; what matters here is who holds the store.
    return write_config(tmp_path, "[web]", "enabled = false")


def test_a_daemon_whose_loop_stalls_keeps_its_store(tmp_path) -> None:
    config = store_config(tmp_path)
    stall = STALE_AFTER_SECONDS + 15
    first = Stalled(config, tmp_path / "first.log", stall)
    try:
        wait_until("the daemon to run", lambda: "oiswatch running" in first.log(), watch=first)
        # Past the stale time, while its loop is still held: the lease was renewed anyway.
        time.sleep(STALE_AFTER_SECONDS + 5)
        second = oiswatch("--config", str(config), "poll", timeout=60)
        assert second.returncode == 4, second.stderr
        assert f"the store is in use by oiswatch run (pid {first.pid}" in second.stderr
        assert first.alive() and "LOCK LOST" not in first.log()
    finally:
        codes = stop_all([first], timeout=stall)
    assert codes["stalled run"] == 0, first.log()


def test_a_daemon_that_lost_its_lock_exits_with_one_line_and_both_log_the_takeover(
    tmp_path,
) -> None:
    config = store_config(tmp_path)
    first = oiswatch_run(config, tmp_path / "first.log", name="first")
    second: Proc | None = None
    try:
        wait_until("the daemon to run", lambda: "oiswatch running" in first.log(), watch=first)
        os.kill(first.pid, signal.SIGSTOP)  # a frozen VM, a debugger, swapping: no heartbeat
        time.sleep(STALE_AFTER_SECONDS + 2)
        second = oiswatch_run(config, tmp_path / "second.log", name="second")
        wait_until(
            "the takeover", lambda: "oiswatch running" in second.log(), watch=second, timeout=30
        )
        assert f"took the store lock over from oiswatch run (pid {first.pid}" in second.log()
        os.kill(first.pid, signal.SIGCONT)
        code = first.wait(timeout=30)
        assert code == 4
        lost = [line for line in first.log().splitlines() if "LOCK LOST" in line]
        assert len(lost) == 1, first.log()
        assert f"taken over by oiswatch run (pid {second.pid}" in lost[0]
        assert "Traceback" not in first.log()
        assert second.alive()
    finally:
        if first.alive():
            os.kill(first.pid, signal.SIGCONT)
        codes = stop_all([p for p in (first, second) if p is not None])
    assert codes["second"] == 0, second.log() if second else ""
