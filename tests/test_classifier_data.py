"""Seeds and the dev set, read at run time from ../shared beside the repository."""

import json
from pathlib import Path

import pytest

from classifier import classify, load_rules
from classifier.evaluate import evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def seed(prefix: str) -> str:
    (path,) = sorted((SHARED / "seeds").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def test_seed_000_fatal_kck_officer_investigated_by_kcmo() -> None:
    verdict = classify(None, seed("000"))
    assert verdict.ois and verdict.fatal is True
    assert "Kansas City, Kansas Police" in verdict.agencies
    assert verdict.investigating_agency is not None
    assert "Kansas City, Missouri Police" in verdict.investigating_agency


def test_seed_001_officer_returned_fire() -> None:
    verdict = classify(None, seed("001"))
    assert verdict.ois and verdict.officer_injured is True
    assert verdict.investigating_agency == "Missouri State Highway Patrol"
    assert verdict.location is not None
    assert verdict.location.as_written == "63rd and Prospect"
    assert (verdict.location.city, verdict.location.state) == ("Kansas City", "MO")
    assert any("returned fire" in e.sentence for e in verdict.evidence)


def test_seed_002_shots_at_a_moving_car_outcome_unknown() -> None:
    verdict = classify(None, seed("002"))
    assert verdict.ois
    assert verdict.fatal is None and verdict.anyone_hit is None


def test_dev_set_quality_gate() -> None:
    path = SHARED / "eval" / "dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    report = evaluate(rows, load_rules())
    assert report.counts.recall >= 0.97
    assert report.counts.precision >= 0.95
    assert report.fatal.accuracy >= 0.9
    assert report.officer_injured.accuracy >= 0.9
    # the classifier must beat both README baselines on F1
    assert report.counts.f1 > max(report.alert_baseline.f1, report.stock_baseline.f1)


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_verdicts_have_reasons_and_evidence(prefix: str) -> None:
    verdict = classify(None, seed(prefix))
    assert verdict.reason and verdict.evidence
