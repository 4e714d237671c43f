"""Shared loading and quality gates for the classifier's hand-written challenge sets.

Each set in `tests/data/` is JSON Lines with a label and the facts where the text states them;
a gate evaluates the bundled rules on it and fails with every misclassified row listed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from classifier import load_rules
from classifier.evaluate import EvalReport, evaluate

DATA = Path(__file__).resolve().parent / "data"


def load_rows(name: str) -> list[dict]:
    """The rows of `tests/data/<name>`, one JSON object per non-empty line."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def check_composition(
    rows: list[dict], *, min_rows: int = 100, min_not_ois: int = 45, min_states: int = 30
) -> Counter[str]:
    """Assert a set is shaped like the held-out one: both labels well represented, every row
    explained, civilian shootings the commonest negative, follow-ups, many states. Returns
    the negatives' categories for set-specific checks. The smaller blind sets (90 rows) pass
    their own sizes."""
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= min_rows and labels["ois"] >= 45 and labels["not_ois"] >= min_not_ois
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["why"] and r["title"] and r["text"].count("\n\n") >= 1 for r in rows)
    categories = Counter(r["category"] for r in rows if r["label"] == "not_ois")
    assert categories.most_common(1)[0][0] == "police_investigate_shooting"
    assert len(categories) == 5
    assert sum(1 for r in rows if r.get("followup")) >= 15
    assert len({r["state"] for r in rows}) >= min_states
    return categories


def check_gates(
    rows: list[dict],
    *,
    precision: float,
    recall: float,
    fields: Mapping[str, float],
) -> EvalReport:
    """Assert the classifier's precision, recall and field accuracies reach the given floors."""
    report = evaluate(rows, load_rules())
    errors = "\n".join(
        f"{e.row['id']} ({e.row['label']}): {(e.row.get('title') or e.row['text'])[:90]}"
        f" -> {e.verdict.reason}"
        for e in report.errors
    )
    assert report.counts.precision >= precision, errors
    assert report.counts.recall >= recall, errors
    for name, floor in fields.items():
        score = getattr(report, name)
        assert score.accuracy >= floor, (name, score, report.field_errors)
    return report
