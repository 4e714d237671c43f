"""The second challenge set: whole local-news articles, written before the classifier saw them.

`tests/data/classifier_challenge2.jsonl` holds 125 invented articles (headline plus several
paragraphs with bylines, datelines, promos, round-ups and council stories) from many states and
kinds of agency, in the proportions of the dev set: about half officer-involved shootings (a
third of them follow-ups) and half hard negatives, most of them police investigating a shooting
between civilians. Its first measurement, before any rule was changed for it, is kept in
classifier/README.md as the honest estimate for unseen text.
"""

from classifier_gates import check_composition, check_gates, load_rows

NAME = "classifier_challenge2.jsonl"
FIELDS = {"fatal": 0.9, "anyone_hit": 0.9, "officer_injured": 0.9, "followup": 0.85}


def test_challenge2_is_varied_and_labelled() -> None:
    check_composition(load_rows(NAME))


def test_challenge2_quality_gate() -> None:
    check_gates(load_rows(NAME), precision=0.95, recall=0.95, fields=FIELDS)
