"""`oiswatch run` on PostgreSQL: one leader schedules, a standby takes over when it dies."""

from __future__ import annotations

import socket

from kit import oiswatch_run, stop_all, wait_until, write_config

LEADS = "leading: this process schedules"


def test_killed_leader_hands_scheduling_to_a_standby(pg_url: str, redis_url: str, tmp_path):
    cfg = write_config(
        tmp_path,
        f'[storage]\nurl = "{pg_url}"\n[cluster]\nredis_url = "{redis_url}"',
        "standby_retry_seconds = 0.2",
    )
    first = oiswatch_run(cfg, tmp_path / "first.log", name="first")
    running = [first]
    try:
        wait_until("a leader", lambda: LEADS in first.log(), watch=running)
        second = oiswatch_run(cfg, tmp_path / "second.log", name="second")
        running.append(second)
        wait_until("a standby", lambda: "standing by" in second.log(), watch=running)
        assert f"pid {first.pid}" in second.log()  # the standby names the leader
        first.kill()
        wait_until("the standby to lead", lambda: LEADS in second.log(), watch=[second])
    finally:
        codes = stop_all(running, timeout=60)
    assert codes["second"] == 0, second.log()[-3000:]


def test_leader_that_loses_its_lock_session_stands_by_again(pg_url, redis_url, tmp_path):
    """A cut lock session (failover, network) demotes the leader; it competes again."""
    from sqlalchemy import create_engine, text

    cfg = write_config(
        tmp_path,
        f'[storage]\nurl = "{pg_url}"\n[cluster]\nredis_url = "{redis_url}"',
        "standby_retry_seconds = 0.2",
    )
    leader = oiswatch_run(cfg, tmp_path / "run.log", "--grace-seconds", "5")
    admin = create_engine(pg_url)
    try:
        wait_until("leading", lambda: LEADS in leader.log(), watch=[leader])
        with admin.begin() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :n"
                ),
                {"n": f"oiswatch run pid {leader.pid} on {socket.gethostname()}"[:63]},
            ).scalar_one()
        assert cut == 1
        wait_until("standing by again", lambda: "standing by again" in leader.log(), watch=[leader])
        # Nobody else holds the lock, so it leads again, in the same process.
        wait_until("leading again", lambda: leader.log().count(LEADS) == 2, watch=[leader])
        assert "lost the scheduler lock" in leader.log()
    finally:
        codes = stop_all([leader])
        admin.dispose()
    assert codes == {"run": 0}, leader.log()[-3000:]
