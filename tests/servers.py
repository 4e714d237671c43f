"""Throw-away PostgreSQL and Redis servers on 127.0.0.1, for the tests and the benchmark.

Each server runs from a fresh temporary directory on an ephemeral port and is torn down
with its directory. The binaries come from Debian's ``postgresql`` and ``redis-server``
packages (``scripts/test`` installs them); a missing binary is an error, never a skip.
PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` OS user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kit import free_port

START_TIMEOUT = 60.0


class ServerMissing(RuntimeError):
    """A server binary is not installed."""


def postgres_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("postgres")
    if found and shutil.which("initdb"):
        return Path(found).parent
    raise ServerMissing(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): "
        "run ./scripts/test, or apt-get install postgresql"
    )


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if not found:
        raise ServerMissing(
            "redis-server is not installed: run ./scripts/test, or apt-get install redis-server"
        )
    return found


def _wait_port(port: int, proc: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port}:\n{_tail(log)}")


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen | None, sig_timeout: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(sig_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@dataclass
class PostgresServer:
    """A PostgreSQL cluster with trust authentication, reached over TCP on 127.0.0.1."""

    port: int = 0
    root: Path | None = None
    proc: subprocess.Popen | None = None
    _seq: int = field(default=0, repr=False)

    def start(self) -> PostgresServer:
        bindir = postgres_bindir()
        as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="oiswatch-pg-"))
        user = "postgres" if as_root else None
        if as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        data, log = self.root / "data", self.root / "server.log"
        run_as = {"user": user, "group": user, "extra_groups": []} if user else {}
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            check=True, capture_output=True, cwd=self.root, **run_as,
        )  # fmt: skip
        self.port = free_port()
        logf = open(log, "wb")  # noqa: SIM115 - closed when the server stops
        self.proc = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-k", str(self.root),
             "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
             "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=logf, stderr=subprocess.STDOUT, cwd=self.root,
            start_new_session=True, **run_as,
        )  # fmt: skip
        logf.close()
        _wait_port(self.port, self.proc, "postgres", log)
        self._wait_ready(log)
        return self

    def _wait_ready(self, log: Path) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"postgres refused connections:\n{_tail(log)}") from None
                time.sleep(0.05)

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        self._seq += 1
        name = f"{prefix}_{os.getpid()}_{self._seq}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _stop(self.proc)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class RedisServer:
    port: int = 0
    root: Path | None = None
    proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        binary = redis_binary()
        self.root = Path(tempfile.mkdtemp(prefix="oiswatch-redis-"))
        self.port = free_port()
        log = self.root / "server.log"
        logf = open(log, "wb")  # noqa: SIM115 - closed when the server stops
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--daemonize", "no"],
            stdout=logf, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        logf.close()
        _wait_port(self.port, self.proc, "redis-server", log)
        return self

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        _stop(self.proc)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
