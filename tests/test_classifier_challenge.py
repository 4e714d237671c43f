"""The hand-written challenge set: varied phrasings and hard negatives, none from ../shared.

`tests/data/classifier_challenge.jsonl` holds short invented local-news paragraphs from many
states, each with its label, the facts where clear, and why. The rules were not written
against these sentences one by one; this gate catches rules that only fit the dev set.
"""

from classifier_gates import check_gates, load_rows

NAME = "classifier_challenge.jsonl"


def test_challenge_set_is_varied_and_labelled() -> None:
    rows = load_rows(NAME)
    labels = [r["label"] for r in rows]
    assert len(rows) >= 80 and labels.count("ois") >= 35 and labels.count("not_ois") >= 35
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["why"] and r["text"] for r in rows)


def test_challenge_set_quality_gate() -> None:
    check_gates(
        load_rows(NAME),
        precision=0.9,
        recall=0.9,
        fields={"fatal": 0.85, "followup": 0.85},
    )
