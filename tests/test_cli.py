"""The oiswatch command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
from pathlib import Path

import kit


def oiswatch(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return kit.oiswatch(*args, stdin=stdin, extra_env=env)


def test_help_lists_the_commands() -> None:
    result = oiswatch("--help")
    assert result.returncode == 0
    for name in ("classify", "check-config"):
        assert name in result.stdout


def test_classify_reads_stdin_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "Deputy fires at driver", "text": "A deputy shot the driver."},
        "this is not json",
        {"id": "c", "text": "The Lakeview Hawks won the hockey shootout on Friday night."},
        {"id": "d", "title": "no text here"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = oiswatch("classify", "--no-region", stdin=stdin)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "c"]
    assert out[0]["ois"] is True and out[0]["evidence"]
    assert out[1]["ois"] is False
    assert "line 2:" in result.stderr and "line 4:" in result.stderr


def test_classify_reads_a_file_and_exits_zero_when_all_lines_are_good(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "Officers returned fire, wounding the gunman."}) + "\n")
    result = oiswatch("classify", str(path))
    assert result.returncode == 0, result.stderr
    (verdict,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert verdict["ois"] is True
    assert verdict["anyone_hit"] is True


def test_a_broken_rules_file_is_a_configuration_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[settings]\nthreshold = 'high'\n")
    result = oiswatch("classify", "--rules", str(rules), stdin="{}\n")
    assert result.returncode == 2
    assert str(rules) in result.stderr and "threshold" in result.stderr


def test_a_bad_config_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[schedule]\npoll_minutes = 0\n")
    result = oiswatch("check-config", env={"OISWATCH_CONFIG": str(config)})
    assert result.returncode == 2
    assert "schedule.poll_minutes" in result.stderr and str(config) in result.stderr


def test_check_config_also_checks_the_classifier_rules_file(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text("[settings]\nthreshold = 'high'\n")
    config = tmp_path / "c.toml"
    config.write_text('[classifier]\nrules = "rules.toml"\n')
    result = oiswatch("check-config", "--config", str(config))
    assert result.returncode == 2
    assert "rules.toml" in result.stderr and "threshold" in result.stderr
