"""The benchmark metric (benchmarks/shingles.py) on tiny hand-written texts."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.shingles import bootstrap_std, score_page, shingles, summarise, tokens


def test_tokens_are_unicode_words_with_case_kept() -> None:
    assert tokens("Officer-involved, São Paulo: 3 shots!") == [
        "Officer",
        "involved",
        "São",
        "Paulo",
        "3",
        "shots",
    ]


def test_shingles_are_a_multiset_of_four_token_windows() -> None:
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})
    assert shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2


def test_short_text_gives_one_short_shingle_and_empty_gives_none() -> None:
    assert shingles("one two") == Counter({("one", "two"): 1})
    assert shingles("") == Counter()
    assert shingles(None) == Counter()


def test_page_counts_are_normalised_by_their_sum() -> None:
    # prediction a b c d e f (3 shingles), truth a b c d e (2 shingles): tp 2, fp 1, fn 0
    page = score_page("a b c d e f", "a b c d e")
    assert (page.tp, page.fp, page.fn) == pytest.approx((2 / 3, 1 / 3, 0))
    assert not page.exact
    assert score_page("A b, c d.", "A b c d").exact  # same tokens, punctuation aside


def test_precision_recall_f1_and_accuracy() -> None:
    pages = [
        score_page("a b c d e f", "a b c d e"),  # precision 2/3, recall 1
        score_page("p q r s", "p q r s"),  # perfect and exact
        score_page("", "m n o p q"),  # no prediction: counts in recall only (0)
    ]
    summary = summarise(pages)
    assert summary.precision == pytest.approx((2 / 3 + 1) / 2)
    assert summary.recall == pytest.approx((1 + 1 + 0) / 3)
    p, r = (2 / 3 + 1) / 2, 2 / 3
    assert summary.f1 == pytest.approx(2 * p * r / (p + r))
    assert summary.accuracy == pytest.approx(1 / 3)


def test_bootstrap_std_is_zero_when_all_pages_agree_and_positive_otherwise() -> None:
    same = [score_page("a b c d", "a b c d")] * 5
    assert bootstrap_std(same, rounds=50).f1 == 0
    mixed = [score_page("a b c d", "a b c d"), score_page("w x y z", "a b c d")] * 3
    assert bootstrap_std(mixed, rounds=200).f1 > 0
