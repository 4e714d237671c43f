"""The configuration model: the bundled file loads, and every mistake names file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import BUNDLED_CONFIG, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "oiswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_config_lists_kansas_city_feeds() -> None:
    config = load_config(BUNDLED_CONFIG)
    assert config.storage.url == "sqlite:///data/oiswatch.db"
    assert len(config.feeds) >= 8
    assert all(str(f.url).startswith("https://") for f in config.feeds)
    assert "Kansas City" in config.classifier.region
    assert config.crawl.download_timeout_seconds == 30


def test_env_var_chooses_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[storage]\nurl = "sqlite:///elsewhere.db"\n')
    monkeypatch.setenv("OISWATCH_CONFIG", str(path))
    assert load_config().storage.url == "sqlite:///elsewhere.db"
    # An explicit path beats the environment.
    assert load_config(BUNDLED_CONFIG).storage.url == "sqlite:///data/oiswatch.db"


def test_defaults_apply_to_an_empty_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.crawl.max_response_bytes == 10_000_000
    assert config.schedule.poll_minutes == 10
    assert config.alerts.retry_base_seconds == 30
    assert config.feeds == ()


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[crawl]\ndownload_timeout_seconds = -1\n", "crawl.download_timeout_seconds", "greater"),
        ("[crawl]\ntimeout = 3\n", "crawl.timeout", "Extra inputs"),
        ('[[feeds]]\nname = "a"\nurl = "not a url"\n', "feeds[0].url", "URL"),
        ('[[feeds]]\nurl = "https://example.org/feed"\n', "feeds[0].name", "required"),
        (
            '[alerts.email]\nhost = "h"\nsender = "s"\nrecipients = []\n',
            "alerts.email.recipients",
            "at least 1 item",
        ),
        ("[storage]\nurl = 5\n", "storage.url", "string"),
        (
            f'[[feeds]]\nname = "{"x" * 201}"\nurl = "https://example.org/f"\n',
            "feeds[0].name",
            "200",
        ),
    ],
)
def test_errors_name_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert key in message
    assert problem in message


def test_duplicate_feed_names_are_refused(tmp_path: Path) -> None:
    feed = '[[feeds]]\nname = "kc"\nurl = "https://example.org/feed"\n'
    with pytest.raises(ConfigError, match="repeated: kc"):
        load_config(write(tmp_path, feed + feed))


def test_unreadable_and_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[crawl\n"))
