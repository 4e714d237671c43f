"""One scheduler at a time on PostgreSQL: the advisory-lock leader and its standbys."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import REPO
from sqlalchemy import create_engine, text

from store.backends import backend_for
from store.leader import AdvisoryLeaderLock, LeadershipLost, NotLeader, lock_key


def test_lock_key_is_stable_and_distinct() -> None:
    assert lock_key("oiswatch:scheduler") == lock_key("oiswatch:scheduler")
    assert lock_key("oiswatch:scheduler") != lock_key("oiswatch:other")
    assert -(2**63) <= lock_key("x") < 2**63


def test_backend_detection() -> None:
    assert backend_for("postgresql+psycopg://u@h/db").shared
    assert backend_for("postgresql://u@h/db").shared
    assert not backend_for("sqlite:///data/oiswatch.db").shared


def test_only_one_leader_and_standby_names_it(pg_url: str) -> None:
    a = AdvisoryLeaderLock(pg_url, "run", host="alpha", pid=1)
    b = AdvisoryLeaderLock(pg_url, "run", host="beta", pid=2)
    try:
        a.acquire()
        with pytest.raises(NotLeader, match="pid 1 on alpha"):
            b.acquire()
        a.heartbeat()
        a.release()
        assert b.try_acquire()
        assert not a.try_acquire()
    finally:
        a.close()
        b.close()


def test_killed_leader_frees_the_lock_for_a_standby(pg_url: str) -> None:
    code = (
        "import sys, time\n"
        "from store.leader import AdvisoryLeaderLock\n"
        "lock = AdvisoryLeaderLock(sys.argv[1], 'run')\n"
        "lock.acquire()\n"
        "print('leading', flush=True)\n"
        "time.sleep(600)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, pg_url], stdout=subprocess.PIPE, env=env, text=True
    )
    standby = AdvisoryLeaderLock(pg_url, "run", host="standby", pid=3)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "leading"
        with pytest.raises(NotLeader, match=f"pid {proc.pid}"):
            standby.acquire()
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        # The server notices the closed socket at once; poll as a standby would.
        deadline = time.monotonic() + 10
        while not standby.try_acquire():
            assert time.monotonic() < deadline, "lock not freed after the leader died"
            time.sleep(0.05)
        standby.heartbeat()
    finally:
        proc.kill()
        proc.wait(10)
        standby.close()


def test_leader_whose_session_is_cut_learns_it_lost(pg_url: str) -> None:
    lock = AdvisoryLeaderLock(pg_url, "run", host="alpha", pid=1)
    admin = create_engine(pg_url)
    try:
        lock.acquire()
        with admin.begin() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :n"
                ),
                {"n": lock.application_name},
            )
        with pytest.raises(LeadershipLost):
            lock.heartbeat()
        assert not lock.held
        # It can compete again, and wins since nobody else holds the lock.
        assert lock.try_acquire()
    finally:
        lock.close()
        admin.dispose()


def test_standby_keeps_standing_by_while_the_database_is_unreachable() -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lock = AdvisoryLeaderLock(f"postgresql+psycopg://oiswatch@127.0.0.1:{port}/oiswatch", "run")
    try:
        # `oiswatch run` asks both while standing by; an error here would end the process.
        assert not lock.try_acquire()
        assert lock.leader() is None
        assert not lock.held
    finally:
        lock.close()


def test_cluster_config_names_a_bad_redis_url() -> None:
    from config import ConfigError, parse_config

    cfg = parse_config({"cluster": {"redis_url": "redis://127.0.0.1:6379/0"}})
    assert cfg.cluster.redis_url == "redis://127.0.0.1:6379/0"
    assert parse_config({}).cluster.redis_url is None
    with pytest.raises(ConfigError, match=r"cluster\.redis_url: .*redis://"):
        parse_config({"cluster": {"redis_url": "http://127.0.0.1:6379"}})
