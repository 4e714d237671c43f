"""Blind challenge set 4: whole articles written by helpers who had not read the rules.

`tests/data/classifier_challenge4.jsonl` holds 90 invented local-news articles (wire copy, TV
station briefs, court coverage and round-ups): 45 officer-involved shootings, 38 hard negatives,
7 borderline, each with the officers' and the victim's names. It was committed before the
classifier first saw it; that first score, and the score after the general fixes it prompted,
are in classifier/README.md. The gate holds the scores reached after those fixes.
"""

from classifier_gates import check_composition, check_gates, load_rows

NAME = "classifier_challenge4.jsonl"
FIELDS = {"fatal": 1.0, "anyone_hit": 0.95, "officer_injured": 1.0, "followup": 0.97}


def test_challenge4_is_varied_and_labelled() -> None:
    rows = load_rows(NAME)
    categories = check_composition(rows, min_rows=90, min_not_ois=38, min_states=38)
    assert categories["police_other"] >= 7
    assert all(isinstance(r["officer_names"], list) for r in rows)


def test_challenge4_quality_gate() -> None:
    check_gates(load_rows(NAME), precision=1.0, recall=1.0, fields=FIELDS)
