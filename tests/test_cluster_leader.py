"""`oiswatch run` on PostgreSQL: one leader schedules, a standby takes over when it dies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from conftest import REPO


def start_run(config_path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "oiswatch", "run", "--config", str(config_path)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_line(proc: subprocess.Popen, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not logged; got:\n{''.join(seen)[-3000:]}")


def test_killed_leader_hands_scheduling_to_a_standby(pg_url: str, redis_url: str, tmp_path):
    cfg = tmp_path / "oiswatch.toml"
    cfg.write_text(
        f'[storage]\nurl = "{pg_url}"\n[cluster]\nredis_url = "{redis_url}"\n'
        "standby_retry_seconds = 0.2\n",
        encoding="utf-8",
    )
    first = start_run(cfg)
    second = None
    try:
        wait_for_line(first, "leading")
        second = start_run(cfg)
        line = wait_for_line(second, "standing by")
        assert f"pid {first.pid}" in line  # the standby names the leader
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        wait_for_line(second, "leading")
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)


LEADS = "leading: this process schedules"


def test_leader_that_loses_its_lock_session_stands_by_again(pg_url, redis_url, tmp_path):
    """A cut lock session (failover, network) demotes the leader; it competes again."""
    from cluster import procs
    from sqlalchemy import create_engine, text

    cfg = tmp_path / "oiswatch.toml"
    cfg.write_text(
        f'[storage]\nurl = "{pg_url}"\n[cluster]\nredis_url = "{redis_url}"\n'
        "standby_retry_seconds = 0.2\n",
        encoding="utf-8",
    )
    leader = procs.run(cfg, tmp_path / "run.log")
    admin = create_engine(pg_url)
    try:
        procs.wait_for("leading", lambda: LEADS in leader.log(), [leader])
        with admin.begin() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :n"
                ),
                {"n": f"oiswatch run pid {leader.pid} on {socket.gethostname()}"[:63]},
            ).scalar_one()
        assert cut == 1
        procs.wait_for("standing by again", lambda: "standing by again" in leader.log(), [leader])
        # Nobody else holds the lock, so it leads again, in the same process.
        procs.wait_for("leading again", lambda: leader.log().count(LEADS) == 2, [leader])
        assert "lost the scheduler lock" in leader.log()
    finally:
        codes = procs.stop_all([leader])
        admin.dispose()
    assert codes == {"run": 0}, leader.log()[-3000:]
