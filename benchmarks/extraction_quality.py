"""Article-body extraction quality: our `extract_article` against bare trafilatura.

Run from the repository root, with ../shared beside it:

    python benchmarks/extraction_quality.py [--pages N] [--rounds 1000]

Scores both extractors on the 181 pages of ../shared/benchmarks/article-extraction/ with
that dataset's metric (benchmarks/shingles.py) and prints F1, precision and recall with
bootstrap standard deviations, accuracy and pages/s. Target: our F1 >= 0.955.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from benchmarks.shingles import PageScore, Summary, bootstrap_std, score_page, summarise  # noqa: E402
from crawler.extraction import extract_article  # noqa: E402


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes
    truth: str


def load_pages(limit: int | None = None) -> list[Page]:
    """The benchmark pages in id order (the first `limit` of them, when given)."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    return [
        Page(
            id=i,
            url=truth[i]["url"],
            html=gzip.decompress((DATA / "html" / f"{i}.html.gz").read_bytes()),
            truth=truth[i]["articleBody"],
        )
        for i in ids
    ]


def ours(page: Page) -> str | None:
    extracted = extract_article(page.html, page.url)
    return extracted.text if extracted else None


def bare_trafilatura(page: Page) -> str | None:
    # The dataset's pages are UTF-8; decoding here keeps charset sniffing out of the baseline.
    return trafilatura.extract(page.html.decode("utf-8"), include_comments=False)


@dataclass(frozen=True)
class Run:
    name: str
    scores: list[PageScore]
    seconds: float
    empty: int

    @property
    def pages_per_second(self) -> float:
        return len(self.scores) / self.seconds


def run(name: str, extractor: Callable[[Page], str | None], pages: list[Page]) -> Run:
    extractor(pages[0])  # first-call imports and caches out of the timing
    predictions = []
    start = time.perf_counter()
    for page in pages:
        predictions.append(extractor(page))
    seconds = time.perf_counter() - start
    scores = [score_page(p, page.truth) for p, page in zip(predictions, pages, strict=True)]
    return Run(name, scores, seconds, empty=sum(1 for p in predictions if not p))


def report(result: Run, rounds: int) -> tuple[Summary, str]:
    mean, std = summarise(result.scores), bootstrap_std(result.scores, rounds=rounds)
    line = (
        f"{result.name:<22} F1 {mean.f1:.3f} ± {std.f1:.3f}   "
        f"precision {mean.precision:.3f} ± {std.precision:.3f}   "
        f"recall {mean.recall:.3f} ± {std.recall:.3f}   "
        f"accuracy {mean.accuracy:.3f} ± {std.accuracy:.3f}   "
        f"{result.pages_per_second:.0f} pages/s   empty {result.empty}"
    )
    return mean, line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    parser.add_argument("--rounds", type=int, default=1000, help="bootstrap resamples")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura logs every page it discards
    pages = load_pages(args.pages)
    print(f"{len(pages)} pages from {DATA}")
    runs = [
        run("ours (extract_article)", ours, pages),
        run("bare trafilatura", bare_trafilatura, pages),
    ]
    figures = [report(r, args.rounds) for r in runs]
    for _, line in figures:
        print(line)
    f1 = figures[0][0].f1
    print(f"our F1 {f1:.3f}: {'meets' if f1 >= 0.955 else 'BELOW'} the 0.955 target")
    return 0 if f1 >= 0.955 else 1


if __name__ == "__main__":
    sys.exit(main())
