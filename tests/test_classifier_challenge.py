"""The hand-written challenge set: varied phrasings and hard negatives, none from ../shared.

`tests/data/classifier_challenge.jsonl` holds short invented local-news paragraphs from many
states, each with its label, the facts where clear, and why. The rules were not written
against these sentences one by one; this gate catches rules that only fit the dev set.
"""

import json
from pathlib import Path

from classifier import load_rules
from classifier.evaluate import evaluate

CHALLENGE = Path(__file__).resolve().parent / "data" / "classifier_challenge.jsonl"


def load_rows() -> list[dict]:
    return [json.loads(line) for line in CHALLENGE.read_text(encoding="utf-8").splitlines() if line]


def test_challenge_set_is_varied_and_labelled() -> None:
    rows = load_rows()
    labels = [r["label"] for r in rows]
    assert len(rows) >= 80 and labels.count("ois") >= 35 and labels.count("not_ois") >= 35
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["why"] and r["text"] for r in rows)


def test_challenge_set_quality_gate() -> None:
    report = evaluate(load_rows(), load_rules())
    errors = "\n".join(
        f"{e.row['id']} ({e.row['label']}): {e.row['text'][:90]} -> {e.verdict.reason}"
        for e in report.errors
    )
    assert report.counts.precision >= 0.9, errors
    assert report.counts.recall >= 0.9, errors
    assert report.fatal.accuracy >= 0.85, report.field_errors
    assert report.followup.accuracy >= 0.85, report.field_errors
