"""The classify command logic and the rules-file errors."""

import io
import json
from pathlib import Path

import pytest

from classifier import RulesError, load_rules
from classifier.cli import run_classify
from classifier.rules import DEFAULT_PATH


def run(lines: list[str]) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_classify(io.StringIO("\n".join(lines) + "\n"), out, err, load_rules())
    return code, [json.loads(x) for x in out.getvalue().splitlines()], err.getvalue()


def test_good_lines_are_classified_in_order_with_ids() -> None:
    a = {"id": "a", "url": "http://x/a", "title": "Deputy shoots man"}
    a |= {"text": "A deputy shot a man.", "published": "2022-05-06"}
    b = {"id": "b", "text": "The council passed a budget.", "published": "2022-05-06T10:00:00Z"}
    code, out, err = run([json.dumps(a), "", json.dumps(b)])
    assert code == 0 and err == ""
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["url"] == "http://x/a" and out[0]["ois"] is True
    assert "url" not in out[1] and out[1]["ois"] is False


def test_bad_lines_are_reported_and_skipped() -> None:
    good = json.dumps({"id": "g", "text": "An officer shot a man."})
    lines = [good, "{not json", json.dumps({"id": "m"}), json.dumps([1]), good,
             json.dumps({"text": "x", "published": "last week"})]  # fmt: skip
    code, out, err = run(lines)
    assert code == 1
    assert len(out) == 2
    for number in (2, 3, 4, 6):
        assert f"line {number}:" in err
    assert "text" in err


def test_rules_error_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("threshold = 0.5", "threshold = 7")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as exc:
        load_rules(bad)
    assert str(bad) in str(exc.value) and "settings.threshold" in str(exc.value)


def test_rules_error_for_bad_regex(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("'ofc\\.',", "'ofc\\.(',")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="vocab.agent"):
        load_rules(bad)


def test_rules_error_for_broken_toml(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[settings\n", encoding="utf-8")
    with pytest.raises(RulesError, match="rules.toml"):
        load_rules(bad)
