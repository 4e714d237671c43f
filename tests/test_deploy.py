"""The deployment files agree with the code: environment names, user, command, data path."""

from __future__ import annotations

import configparser
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
    # Every package the project installs is copied into the image.
    for package in ("alerts", "classifier", "config", "crawler", "oiswatch", "store"):
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
