"""Measure the classifier on labelled rows and print precision, recall and every error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from classifier.classify import classify
from classifier.rules import Rules
from records import Verdict

# The two baselines of ../shared/eval/README.md, measured on the same rows.
_ALERT_WHO = re.compile(r"\b(?:police|officers?|deputy|deputies|troopers?|cops?)\b", re.I)
_ALERT_WHAT = re.compile(r"\b(?:shot|shoot\w*|fired|gunfire)\b", re.I)
_STOCK = re.compile(
    r"officer[- ]involved shooting|police shooting|shot by (?:police|an officer)", re.I
)


# Labelled facts compared on true positives (rows where the label says true/false, not null).
FIELDS = ("fatal", "anyone_hit", "officer_injured", "followup")


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Error:
    row: Mapping[str, Any]
    verdict: Verdict


@dataclass(frozen=True)
class FieldScore:
    right: int = 0
    known: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.known if self.known else 0.0


@dataclass(frozen=True)
class EvalReport:
    counts: Counts
    alert_baseline: Counts
    stock_baseline: Counts
    fatal: FieldScore
    followup: FieldScore
    borderline: int
    anyone_hit: FieldScore = field(default=FieldScore())
    officer_injured: FieldScore = field(default=FieldScore())
    errors: tuple[Error, ...] = field(default=())
    field_errors: tuple[tuple[str, str, Any, Any], ...] = field(default=())


def _count(pairs: Iterable[tuple[bool, bool]]) -> Counts:
    tp = fp = fn = tn = 0
    for gold, predicted in pairs:
        tp += gold and predicted
        fp += (not gold) and predicted
        fn += gold and not predicted
        tn += not gold and not predicted
    return Counts(tp, fp, fn, tn)


def evaluate(rows: Iterable[Mapping[str, Any]], rules: Rules) -> EvalReport:
    """Classify each labelled row; borderline rows are classified but counted in neither."""
    ours, alert, stock = [], [], []
    errors: list[Error] = []
    field_errors: list[tuple[str, str, Any, Any]] = []
    right = dict.fromkeys(FIELDS, 0)
    known = dict.fromkeys(FIELDS, 0)
    borderline = 0
    for row in rows:
        verdict = classify(row.get("title"), row["text"], rules=rules)
        if row["label"] == "borderline":
            borderline += 1
            continue
        gold = row["label"] == "ois"
        body = f"{row.get('title') or ''}\n{row['text']}"
        ours.append((gold, verdict.ois))
        alert.append((gold, bool(_ALERT_WHO.search(body) and _ALERT_WHAT.search(body))))
        stock.append((gold, bool(_STOCK.search(body))))
        if gold != verdict.ois:
            errors.append(Error(row, verdict))
        if gold and verdict.ois:
            for name in FIELDS:
                if row.get(name) is None:
                    continue
                got = getattr(verdict, name)
                known[name] += 1
                right[name] += got == row[name]
                if got != row[name]:
                    field_errors.append((row["id"], name, row[name], got))
    return EvalReport(
        counts=_count(ours),
        alert_baseline=_count(alert),
        stock_baseline=_count(stock),
        fatal=FieldScore(right["fatal"], known["fatal"]),
        followup=FieldScore(right["followup"], known["followup"]),
        borderline=borderline,
        anyone_hit=FieldScore(right["anyone_hit"], known["anyone_hit"]),
        officer_injured=FieldScore(right["officer_injured"], known["officer_injured"]),
        errors=tuple(errors),
        field_errors=tuple(field_errors),
    )


def print_report(report: EvalReport, out: TextIO) -> None:
    """Print the figures, the baselines and every error with its reason and evidence."""
    c = report.counts
    w = out.write
    w(f"rows counted: {c.tp + c.fp + c.fn + c.tn} (borderline skipped: {report.borderline})\n")
    w(f"TP {c.tp}  FP {c.fp}  FN {c.fn}  TN {c.tn}\n")
    w(f"classifier        precision {c.precision:.3f}  recall {c.recall:.3f}  F1 {c.f1:.3f}\n")
    for name, b in (
        ("alerts baseline", report.alert_baseline),
        ("stock phrase", report.stock_baseline),
    ):
        w(f"{name:<17} precision {b.precision:.3f}  recall {b.recall:.3f}  F1 {b.f1:.3f}\n")
    for name in FIELDS:
        score: FieldScore = getattr(report, name)
        w(f"{name} right on true positives: {score.right}/{score.known} "
          f"= {score.accuracy:.3f}\n")  # fmt: skip
    w(f"\nerrors ({len(report.errors)}): {c.fn} missed (FN), {c.fp} false alarms (FP)\n")
    for e in report.errors:
        r, v = e.row, e.verdict
        kind = "FN missed" if r["label"] == "ois" else "FP false alarm"
        w(f"- {kind} {r['id']} label={r['label']} category={r.get('category')} "
          f"predicted={v.category} score={v.score:.2f}\n")  # fmt: skip
        w(f"  title: {r.get('title')}\n  reason: {v.reason}\n")
        for ev in v.evidence:
            w(f"  evidence [{ev.rule}]: {ev.sentence[:200]}\n")
    if report.field_errors:
        w(f"\nfield errors on true positives ({len(report.field_errors)}):\n")
        for row_id, name, gold, got in report.field_errors:
            w(f"- {row_id} {name}: label {gold}, predicted {got}\n")
