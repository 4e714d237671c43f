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

from classifier_gates import check_composition, check_gates, load_rows

NAME = "classifier_challenge3.jsonl"
FIELDS = {"fatal": 0.9, "anyone_hit": 0.9, "officer_injured": 0.9, "followup": 0.85}


def test_challenge3_is_varied_and_labelled() -> None:
    categories = check_composition(load_rows(NAME))
    assert categories["police_other"] >= 10


def test_challenge3_quality_gate() -> None:
    # The held-out targets: precision 0.95, recall 0.97.
    check_gates(load_rows(NAME), precision=0.95, recall=0.97, fields=FIELDS)
