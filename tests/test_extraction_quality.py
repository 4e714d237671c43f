"""Quality gate: our extraction on a fixed sample of the article-extraction benchmark."""

from __future__ import annotations

import logging
from pathlib import Path

from benchmarks.extraction_quality import load_pages, ours
from benchmarks.shingles import score_page, summarise

SAMPLE = 30  # the first 30 pages by id: a deterministic sample that runs in a few seconds
MIN_F1 = 0.93


def test_extraction_f1_on_a_benchmark_sample(shared: Path) -> None:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = load_pages(SAMPLE)
    assert len(pages) == SAMPLE
    summary = summarise([score_page(ours(page), page.truth) for page in pages])
    assert summary.f1 >= MIN_F1, f"F1 {summary.f1:.3f} < {MIN_F1} on {SAMPLE} benchmark pages"
    assert summary.recall >= 0.9, f"recall {summary.recall:.3f}: article text is being lost"
