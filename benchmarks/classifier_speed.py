"""Cost of classifying one article, against one trafilatura extraction, in the same run.

Run from the repository root with ../shared beside it:

    python benchmarks/classifier_speed.py

Target: classify time per article <= 5% of one `trafilatura.extract` per page.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from classifier import classify, load_rules  # noqa: E402

# Each side is timed over several rounds and the fastest round is kept (as `timeit` does):
# other work on a shared machine only ever adds time, so the minimum is the steadiest figure.
ROUNDS = 20
EXTRACT_ROUNDS = 5
PAGES = 12


def classify_ms_per_article() -> tuple[float, int]:
    rows = [json.loads(line) for line in (SHARED / "eval" / "dev.jsonl").open(encoding="utf-8")]
    rules = load_rules()
    for row in rows:  # warm up
        classify(row.get("title"), row["text"], rules=rules)
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for row in rows:
            classify(row.get("title"), row["text"], rules=rules)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / len(rows), len(rows)


def extract_ms_per_page() -> tuple[float, int]:
    import trafilatura

    paths = sorted((SHARED / "benchmarks" / "article-extraction" / "html").glob("*.html.gz"))
    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in paths[:PAGES]]
    trafilatura.extract(pages[0], include_comments=False)  # warm up
    best = float("inf")
    for _ in range(EXTRACT_ROUNDS):
        start = time.perf_counter()
        for html in pages:
            trafilatura.extract(html, include_comments=False)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / len(pages), len(pages)


def main() -> None:
    classify_ms, articles = classify_ms_per_article()
    extract_ms, pages = extract_ms_per_page()
    ratio = classify_ms / extract_ms
    print(f"classify: {classify_ms:.3f} ms/article ({articles} articles, best of {ROUNDS} rounds), "
          f"{1000 / classify_ms:.0f} articles/s")  # fmt: skip
    print(
        f"trafilatura.extract: {extract_ms:.2f} ms/page ({pages} pages, best of {EXTRACT_ROUNDS})"
    )
    verdict = "OK" if ratio <= 0.05 else "TOO SLOW"
    print(f"ratio classify/extract: {ratio:.3f} (target <= 0.05) -> {verdict}")


if __name__ == "__main__":
    main()
