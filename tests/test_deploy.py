"""The deployment files agree with the code: environment names, user, command, data path."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
from conftest import REPO

from config import load_config
from config.model import DATA_DIR_ENV_VAR, ENV_VAR

DEPLOY = REPO / "deploy"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string((DEPLOY / "oiswatch.service").read_text(encoding="utf-8"))
    return parser


def test_systemd_unit_runs_the_daemon_as_a_service_user_with_our_environment() -> None:
    service = unit()["Service"]
    assert service["ExecStart"].endswith("oiswatch run")
    assert service["User"] == "oiswatch" and service["KillSignal"] == "SIGTERM"
    text = (DEPLOY / "oiswatch.service").read_text(encoding="utf-8")
    assert f"Environment={ENV_VAR}=/etc/oiswatch/oiswatch.toml" in text
    assert f"Environment={DATA_DIR_ENV_VAR}=/var/lib/oiswatch" in text
    # The stop timeout leaves room for the daemon's grace period and crawl shutdown.
    assert int(service["TimeoutStopSec"]) >= 40


def test_containerfile_runs_as_non_root_with_data_and_config_from_the_environment() -> None:
    lines = (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    text = "\n".join(lines)
    assert f"{ENV_VAR}=/etc/oiswatch/oiswatch.toml" in text
    assert f"{DATA_DIR_ENV_VAR}=/var/lib/oiswatch" in text
    assert 'VOLUME ["/var/lib/oiswatch"]' in text
    assert 'CMD ["run", "--log-json"]' in text
    # Every package the project installs (pyproject's package list) is copied into the image.
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    found = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = [pattern.rstrip("*") for pattern in found]
    assert "records" in packages
    for package in packages:
        assert f"COPY {package} ./{package}" in text


def test_data_dir_sets_the_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[schedule]\npoll_minutes = 0.5\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV_VAR, "/var/lib/oiswatch")
    assert load_config(config).storage.url == "sqlite:////var/lib/oiswatch/oiswatch.db"
    assert load_config(config).schedule.poll_minutes == 0.5
    # An explicit URL in the file wins over the environment.
    config.write_text('[storage]\nurl = "sqlite:///elsewhere.db"\n', encoding="utf-8")
    assert load_config(config).storage.url == "sqlite:///elsewhere.db"
    monkeypatch.delenv(DATA_DIR_ENV_VAR)
    config.write_text("", encoding="utf-8")
    assert load_config(config).storage.url == "sqlite:///data/oiswatch.db"


def test_compose_file_starts_schedulers_and_workers_from_our_image() -> None:
    """deploy/compose.yaml parses and runs commands the image's `oiswatch` entry point has."""
    import tomllib

    import yaml  # PyYAML comes with apprise, a runtime dependency

    from oiswatch.cli import command_modules

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "scheduler", "worker"}
    commands = set(command_modules())
    assert services["scheduler"]["command"][0] == "run" and "run" in commands
    assert services["worker"]["command"] == ["worker"] and "worker" in commands
    # A standby besides the leader: the advisory lock decides which one schedules.
    assert services["scheduler"]["deploy"]["replicas"] >= 2
    for name in ("scheduler", "worker"):
        service = services[name]
        build = service["build"]
        assert (REPO / build["dockerfile"]).is_file()
        assert (DEPLOY / build["context"]).resolve() == REPO
        extra = build["args"]["OISWATCH_EXTRAS"].strip("[]")
        pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert extra in pyproject["project"]["optional-dependencies"]
        assert service["environment"][ENV_VAR] == "/etc/oiswatch/oiswatch.toml"
        # No secret in the file: the password comes from the operator's environment.
        assert service["environment"]["PGPASSWORD"].startswith("${PGPASSWORD")
        assert set(service["depends_on"]) == {"postgres", "redis"}
    assert "ARG OISWATCH_EXTRAS" in (DEPLOY / "Containerfile").read_text(encoding="utf-8")


def test_container_and_systemd_health_checks_run_status_check() -> None:
    from oiswatch.cli import build_parser

    text = re.sub(r"\\\n\s*", "", (DEPLOY / "Containerfile").read_text(encoding="utf-8"))
    (check,) = [line for line in text.splitlines() if line.startswith("HEALTHCHECK ")]
    command = json.loads(check.partition(" CMD ")[2])
    assert command[0] == "oiswatch"  # the image's entry point, on PATH
    args = build_parser().parse_args(command[1:])
    assert (args.command, args.check) == ("status", True)

    health = configparser.ConfigParser(strict=False, interpolation=None)
    health.optionxform = str
    health.read_string((DEPLOY / "oiswatch-health.service").read_text(encoding="utf-8"))
    service = health["Service"]
    assert service["ExecStart"] == unit()["Service"]["ExecStart"].replace(" run", " status --check")
    assert service["User"] == "oiswatch" and service["Type"] == "oneshot"
    daemon_env = (DEPLOY / "oiswatch.service").read_text(encoding="utf-8")
    for line in (DEPLOY / "oiswatch-health.service").read_text(encoding="utf-8").splitlines():
        if line.startswith(("Environment=", "EnvironmentFile=")):
            assert line in daemon_env  # the check reads the store the daemon writes
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read_string((DEPLOY / "oiswatch-health.timer").read_text(encoding="utf-8"))
    assert timer["Timer"]["Unit"] == "oiswatch-health.service"
    assert timer["Timer"]["OnUnitActiveSec"]
