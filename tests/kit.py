"""What the tests share: a free port, waiting for something, running a command as a user
would, oiswatch as a long-lived process, and writing a configuration file.

One of each, so a fix to how the suite waits or starts a process is made once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env(**extra: str) -> dict[str, str]:
    """The environment of a command under test: this checkout's code, no ambient config."""
    out = {**os.environ, "PYTHONPATH": str(REPO)}
    out.pop("OISWATCH_CONFIG", None)
    return {**out, **extra}


def python(
    *args: str,
    config: Path | None = None,
    stdin: str | None = None,
    extra_env: dict[str, str] | None = None,
    cwd: Path = REPO,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` from the repo root, as an operator would run it, output captured;
    `config` is given the way `scrapy crawl` takes it, in $OISWATCH_CONFIG."""
    variables = dict(extra_env or {})
    if config is not None:
        variables["OISWATCH_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        cwd=cwd,
        env=env(**variables),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def oiswatch(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return python("-m", "oiswatch", *args, **kwargs)


def scrapy(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return python("-m", "scrapy", *args, **kwargs)


class Proc:
    """`python -m oiswatch ARGS` as a long-lived process; its output goes to a log file."""

    def __init__(self, name: str, args: list[str], log: Path) -> None:
        self.name = name
        self.log_path = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "oiswatch", *args],
                cwd=REPO, env=env(), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def oiswatch_run(config: Path, log: Path, *args: str, name: str = "run") -> Proc:
    """`oiswatch run` on a configuration."""
    return Proc(name, ["--config", str(config), "run", *args], log)


def oiswatch_worker(config: Path, log: Path, *args: str, name: str = "worker") -> Proc:
    """`oiswatch worker` on a configuration."""
    return Proc(name, ["--config", str(config), "worker", *args], log)


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


def wait_until(
    what: str,
    check: Callable[[], Any],
    timeout: float = 60,
    *,
    watch: Proc | Iterable[Proc] = (),
    detail: Callable[[], Any] | None = None,
) -> Any:
    """Poll ``check`` until it returns something true, and return that. Fail naming
    ``what``, with the watched processes' logs, on timeout or when one of them exits."""
    watched = [watch] if isinstance(watch, Proc) else list(watch)
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        dead = [p for p in watched if not p.alive()]
        if dead or time.monotonic() > deadline:
            why = f"{dead[0].name} exited ({dead[0].proc.returncode})" if dead else None
            why = why or f"timed out after {timeout}s"
            logs = "\n".join(f"--- {p.name}:\n{p.log()[-3000:]}" for p in watched)
            seen = f"\nstate: {detail()}" if detail else ""
            raise AssertionError(f"{why} waiting for {what}{seen}\n{logs}")
        time.sleep(0.1)


def write_config(
    directory: Path, *sections: str, store: str | None = None, name: str = "oiswatch.toml"
) -> Path:
    """``directory/name`` made of the given TOML sections, with the store in ``directory``
    unless a ``[storage]`` section or ``store`` URL says otherwise."""
    text = "\n".join(sections)
    if "[storage]" not in text:
        url = store or f"sqlite:///{directory / 'oiswatch.db'}"
        text = f'[storage]\nurl = "{url}"\n\n{text}'
    path = directory / name
    path.write_text(text + "\n", encoding="utf-8")
    return path
