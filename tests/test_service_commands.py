"""`oiswatch poll`, `status`, `export` and `demo` as a user runs them: real processes."""

from __future__ import annotations

import csv
import io
import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from kit import oiswatch
from servicekit import publish_shooting, write_service_config


@pytest.fixture
def polled(tmp_path: Path, site, http) -> tuple[Path, list[str]]:
    """A store filled by one real `oiswatch poll`: two shootings and one ordinary story."""
    urls = [
        site.url(publish_shooting(site, key, hours=i)) for i, key in enumerate(["ash", "birch"])
    ]
    config = write_service_config(tmp_path, site, http)
    # A second feed that is down: reported, retried next time, and the cycle still ran.
    text = (
        config.read_text() + f'\n[[feeds]]\nname = "down"\nurl = "{site.url("/feeds/gone.rss")}"\n'
    )
    config.write_text(text)
    result = oiswatch("--config", str(config), "poll", "--log-json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (summary,) = [line for line in lines if line.get("event") == "poll"]
    assert summary["feeds_fetched"] == 1 and summary["feeds_failed"] == 1
    assert summary["new_articles"] == 3 and summary["flagged"] == 2
    assert summary["alerts_sent"] == 2 and summary["alerts_failed"] == 0
    assert sorted(http.urls()) == sorted(urls)
    return config, urls


def test_status_table_and_json_describe_the_store(polled) -> None:
    config, _ = polled
    table = oiswatch("--config", str(config), "status")
    assert table.returncode == 0, table.stderr
    out = table.stdout
    assert "courier" in out and "down" in out
    assert "articles today: 3 fetched, 2 flagged" in out
    assert "alerts: 0 pending, 2 sent, 0 dead" in out
    assert "last error per feed:" in out and "down: " in out

    data = json.loads(oiswatch("--config", str(config), "status", "--json").stdout)
    feeds = {f["name"]: f for f in data["feeds"]}
    assert feeds["courier"]["last_status"] == "200" and feeds["courier"]["entries_seen"] == 3
    assert feeds["courier"]["consecutive_failures"] == 0 and feeds["courier"]["last_error"] is None
    assert feeds["down"]["last_status"] == "404" and feeds["down"]["consecutive_failures"] == 1
    assert feeds["down"]["last_success_at"] is None and feeds["down"]["last_error"]
    assert (data["fetched_today"], data["flagged_today"]) == (3, 2)
    assert data["alerts"] == {"pending": 0, "sent": 2, "dead": 0}
    assert data["last_poll"]["trigger"] == "poll" and data["last_poll"]["counts"]["flagged"] == 2


def test_export_csv_and_jsonl_list_the_incidents(polled, tmp_path: Path) -> None:
    config, urls = polled
    result = oiswatch("--config", str(config), "export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["first_article_url"] for r in rows) == sorted(urls)
    birch = next(r for r in rows if "birch" in r["first_article_url"])
    assert birch["fatal"] == "false" and birch["anyone_hit"] == "true"
    assert "Birchwood County Sheriff's Office" in birch["agencies"]
    assert birch["investigating_agency"] and birch["article_count"] == "1"
    assert birch["first_article_outlet"] == "The Valley Courier"
    assert birch["latest_article_url"] == birch["first_article_url"]

    out = tmp_path / "incidents.jsonl"
    result = oiswatch("--config", str(config), "export", "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0 and "2 incidents" in result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["incident_id"] for r in records} == {r["incident_id"] for r in rows}
    for r in records:
        assert [a["url"] for a in r["articles"]] == [r["first_article_url"]]
        assert r["articles"][0]["title"].endswith("officer shoots man after foot chase")


def test_poll_refuses_a_bad_configuration(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[schedule]\npoll_minutes = -1\n")
    result = oiswatch("--config", str(config), "poll")
    assert result.returncode == 2
    assert "schedule.poll_minutes" in result.stderr


def test_demo_runs_the_pipeline_offline_and_files_its_alerts(tmp_path: Path) -> None:
    result = oiswatch("demo", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    emls = sorted((tmp_path / "alerts").glob("*.eml"))
    subjects = {
        str(message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"]) for p in emls
    }
    ledger, radio = "The Harlow Springs Ledger", "Tamarack Valley Public Radio"
    assert subjects == {
        f"[OIS] Man killed after firing at Harlow Springs officers during traffic stop — {ledger}",
        "[OIS update] Man fatally shot by Harlow Springs police identified; body camera video "
        f"to be released — {ledger}",
        "[OIS] Tamarack County deputy fires at driver who drove toward him outside Briar Glen "
        f"store — {radio}",
        f"[OIS] No one hurt after trooper fires at armed man on Route 40 shoulder — {ledger}",
    }
    out = result.stdout
    for subject in subjects:
        assert subject in out
    for p in emls:
        assert p.name in out
    # Two polls: the follow-up and the syndicated copy appear only in the second.
    poll1, poll2 = out.split("Poll 2:")
    assert "6 new articles, 1 flagged; alerts 1 sent" in poll1
    assert "5 new articles, 3 flagged; alerts 3 sent" in poll2
    assert "Man fatally shot by Harlow Springs police identified" in poll2
    # The hard negatives are shown, unflagged.
    for title in ("Ice Hawks edge Port Aldine Pilots in shootout", "Officer uses Taser"):
        line = next(line for line in out.splitlines() if title in line)
        assert line.strip().startswith("-")
    assert "officer shot Port Aldine officer wounded" in out
    assert "syndicated copy" in out


@pytest.mark.parametrize("command", ["poll", "run"])
def test_a_bad_classifier_rules_file_stops_the_service_at_start(tmp_path: Path, command) -> None:
    rules = tmp_path / "local-rules.toml"
    rules.write_text('[settings]\nthreshold = "high"\n')
    config = tmp_path / "oiswatch.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path / "oiswatch.db"}"\n'
        '[classifier]\nrules = "local-rules.toml"\n'
    )
    result = oiswatch("--config", str(config), command, timeout=60)
    assert result.returncode == 2
    assert "[classifier] rules" in result.stderr and "settings.threshold" in result.stderr
    assert str(rules) in result.stderr


def test_logging_json_in_the_config_switches_to_json_lines(tmp_path: Path, site, http) -> None:
    config = write_service_config(tmp_path, site, http)
    config.write_text(config.read_text() + '\n[logging]\njson = true\nlevel = "INFO"\n')
    result = oiswatch("--config", str(config), "poll")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "the poll logged nothing"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(r.get("event") == "poll" for r in records)
