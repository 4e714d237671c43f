"""`oiswatch run` and `oiswatch worker` as real processes for the cluster tests.

Each process writes its log to a file of its own; ``stop_all`` ends them in teardown
(SIGTERM, then SIGKILL after a bound), so no test leaves a process behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class Proc:
    def __init__(self, name: str, args: list[str], log: Path) -> None:
        self.name = name
        self.log_path = log
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("OISWATCH_CONFIG", None)
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "oiswatch", *args],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def run(config: Path, log: Path, name: str = "run") -> Proc:
    return Proc(name, ["--config", str(config), "run", "--grace-seconds", "5"], log)


def worker(config: Path, log: Path, name: str = "worker") -> Proc:
    return Proc(name, ["--config", str(config), "worker"], log)


def stop_all(procs: Iterable[Proc], timeout: float = 20) -> dict[str, int | None]:
    """SIGTERM every process still running, wait up to ``timeout``, SIGKILL the rest."""
    procs = list(procs)
    for p in procs:
        if p.alive():
            p.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    codes: dict[str, int | None] = {}
    for p in procs:
        try:
            codes[p.name] = p.proc.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            p.kill()
            codes[p.name] = None
    return codes


def wait_for(
    what: str,
    check: Callable[[], Any],
    procs: Iterable[Proc],
    timeout: float = 30,
    detail: Callable[[], Any] | None = None,
) -> Any:
    """Poll ``check`` until it is true; fail naming ``what``, with the logs, on timeout or
    when one of ``procs`` dies."""
    procs = list(procs)
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        dead = [p for p in procs if not p.alive()]
        if dead or time.monotonic() > deadline:
            why = f"{dead[0].name} exited" if dead else f"timed out after {timeout}s"
            logs = "\n".join(f"--- {p.name}:\n{p.log()[-3000:]}" for p in procs)
            seen = f"\nstate: {detail()}" if detail else ""
            raise AssertionError(f"{why} waiting for {what}{seen}\n{logs}")
        time.sleep(0.1)
