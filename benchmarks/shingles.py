"""The article-extraction benchmark's metric: 4-token shingles compared as multisets.

Pure functions, so the metric itself is unit-tested (tests/test_shingles.py). Definition, from
the dataset's README: tokens are `\\w+` matches (Unicode, case kept); a text's shingles are
the multiset of its 4-token windows, and a text of 1 to 3 tokens gives one short shingle.
Per page TP, FP and FN are divided by their sum so every page weighs the same. Precision is
the mean over pages with a non-empty prediction, recall the mean over pages with a non-empty
truth, F1 the harmonic mean of the two means; accuracy is the share of pages whose token
sequences match exactly. The +/- figures are bootstrap standard deviations.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < size:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


@dataclass(frozen=True)
class PageScore:
    tp: float  # normalised: tp + fp + fn == 1 unless both texts are empty
    fp: float
    fn: float
    has_prediction: bool
    has_truth: bool
    exact: bool


def score_page(prediction: str | None, truth: str | None) -> PageScore:
    pred, gold = shingles(prediction), shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(
        tp=tp,
        fp=fp,
        fn=fn,
        has_prediction=bool(pred),
        has_truth=bool(gold),
        exact=tokens(prediction) == tokens(truth),
    )


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    accuracy: float


def _ratio(tp: float, other: float) -> float:
    return tp / (tp + other) if tp + other else 0.0


def summarise(pages: Sequence[PageScore]) -> Summary:
    precisions = [_ratio(p.tp, p.fp) for p in pages if p.has_prediction]
    recalls = [_ratio(p.tp, p.fn) for p in pages if p.has_truth]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(p.exact for p in pages) / len(pages) if pages else 0.0
    return Summary(precision=precision, recall=recall, f1=f1, accuracy=accuracy)


def bootstrap_std(pages: Sequence[PageScore], rounds: int = 1000, seed: int = 0) -> Summary:
    """Standard deviation of each figure over `rounds` resamples of the pages."""
    rng = random.Random(seed)
    samples = [summarise(rng.choices(pages, k=len(pages))) for _ in range(rounds)]
    return Summary(
        precision=statistics.pstdev(s.precision for s in samples),
        recall=statistics.pstdev(s.recall for s in samples),
        f1=statistics.pstdev(s.f1 for s in samples),
        accuracy=statistics.pstdev(s.accuracy for s in samples),
    )
