"""The third challenge set: whole articles aimed at the false alarms seen in blind runs.

`tests/data/classifier_challenge3.jsonl` holds 107 invented local-news articles in the mix of
the held-out set: about 46% officer-involved shootings (a third follow-ups; some only in
paragraph six, some never saying "shooting" in the headline, federal agents, a gun that "went
off"), and hard negatives, above all police news that is not an incident (yearly counts,
audits, policy lawsuits, academy and simulator training, buybacks, body-camera rules, union
contracts, awards, memorials) and civilian shootings police respond to. It was written and
committed before the classifier was run on it; that first measurement is in
classifier/README.md.
"""

from collections import Counter

from classifier_gates import check_gates, load_rows

NAME = "classifier_challenge3.jsonl"
FIELDS = {"fatal": 0.9, "anyone_hit": 0.9, "officer_injured": 0.9, "followup": 0.85}


def test_challenge3_is_varied_and_labelled() -> None:
    rows = load_rows(NAME)
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 100 and labels["ois"] >= 45 and labels["not_ois"] >= 45
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["why"] and r["title"] and r["text"].count("\n\n") >= 1 for r in rows)
    categories = Counter(r["category"] for r in rows if r["label"] == "not_ois")
    assert categories.most_common(1)[0][0] == "police_investigate_shooting"
    assert categories["police_other"] >= 10 and len(categories) == 5
    assert sum(1 for r in rows if r.get("followup")) >= 15
    assert len({r["state"] for r in rows}) >= 30


def test_challenge3_quality_gate() -> None:
    # The held-out targets: precision 0.95, recall 0.97.
    check_gates(load_rows(NAME), precision=0.95, recall=0.97, fields=FIELDS)
