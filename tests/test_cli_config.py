"""What `check-config`, `--config` and `--version` tell an operator before anything runs."""

from __future__ import annotations

from pathlib import Path

from kit import oiswatch, oiswatch_run, stop_all, wait_until

SECRETS = """
[storage]
url = "sqlite:///{db}"

[alerts.email]
host = "127.0.0.1"
sender = "oiswatch@example.org"
recipients = ["desk@example.org"]
username_env = "OISWATCH_TEST_UNSET_SMTP_USER"
password_env = "OISWATCH_TEST_UNSET_SMTP_PASSWORD"

[[alerts.webhooks]]
url = "http://127.0.0.1:9/hook"
secret_env = "OISWATCH_TEST_UNSET_HOOK_KEY"

[[alerts.apprise]]
url = "nosuchservice://token/abc"
"""
REDIS = '\n[cluster]\nredis_url = "redis://127.0.0.1:9/0"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "oiswatch.toml"
    path.write_text(text.format(db=tmp_path / "o.db"), encoding="utf-8")
    return path


def test_config_is_accepted_before_or_after_any_subcommand(tmp_path: Path) -> None:
    config = write(tmp_path, '[storage]\nurl = "sqlite:///{db}"\n')
    for args in (
        ("--config", str(config), "alerts", "test"),
        ("alerts", "test", "--config", str(config)),
        ("alerts", f"--config={config}", "test"),
    ):
        result = oiswatch(*args)
        # The file was read: it has no destination, so the test says so (exit 1), and
        # nothing complains about the option itself.
        assert result.returncode == 1, (args, result.stderr)
        assert "no alert destinations are configured" in result.stdout
        assert "unrecognized arguments" not in result.stderr


def test_version_prints_the_installed_version() -> None:
    result = oiswatch("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("oiswatch ") and result.stdout.split()[1][0].isdigit()


def test_check_config_warns_that_the_bundled_config_alerts_nobody() -> None:
    result = oiswatch("check-config")
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stdout and "no alert destination is configured" in result.stdout
    assert "[alerts.email]" in result.stdout  # how to add one


def test_check_config_names_every_unset_secret_unknown_apprise_url_and_redis_on_sqlite(
    tmp_path: Path,
) -> None:
    config = write(tmp_path, SECRETS + REDIS)
    result = oiswatch("check-config", "--config", str(config))
    assert result.returncode == 1
    out = result.stdout
    for key, name in (
        ("alerts.email.username_env", "OISWATCH_TEST_UNSET_SMTP_USER"),
        ("alerts.email.password_env", "OISWATCH_TEST_UNSET_SMTP_PASSWORD"),
        ("alerts.webhooks[0].secret_env", "OISWATCH_TEST_UNSET_HOOK_KEY"),
    ):
        assert f"error: {config}: {key}: environment variable {name} is not set" in out
    assert "alerts.apprise[0].url: Apprise does not understand nosuchservice://" in out
    assert "cluster.redis_url is set but storage.url is not PostgreSQL" in out
    assert "no alert destination" not in out


def test_run_logs_the_same_problems_at_start(tmp_path: Path) -> None:
    config = write(tmp_path, SECRETS)
    daemon = oiswatch_run(config, tmp_path / "run.log")
    try:
        wait_until("the daemon's start", lambda: "oiswatch running" in daemon.log(), watch=daemon)
        log = daemon.log()
        assert "alerts.apprise[0].url: Apprise does not understand" in log
        assert "environment variable OISWATCH_TEST_UNSET_SMTP_PASSWORD is not set" in log
        assert "environment variable OISWATCH_TEST_UNSET_HOOK_KEY is not set" in log
        assert stop_all([daemon], timeout=60) == {"run": 0}
    finally:
        daemon.kill()
