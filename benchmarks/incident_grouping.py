"""How well reports are grouped into incidents, on the labelled benchmark in tests/data.

Run from the repository root:

    python benchmarks/incident_grouping.py [--seeds N] [FILE ...]

Each report goes through the real path of the crawl: the classifier on its headline, text and
publication time, then the store stage (``Store.store_article`` and ``alerts.enqueue`` in one
transaction), into a fresh SQLite store. Reports the classifier does not flag cannot join an
incident: they are counted apart, and the grouping figures are over the flagged reports.

Each file is run in three fetch orders, and both files together (they are independent
worlds: nothing may merge across them):

* ``publication``: fetched five minutes after publication, in that order;
* ``jittered``: each report fetched 0–12 hours after publication (a feed polled late, a slow
  site), in fetch order: a follow-up can arrive before the report it follows;
* ``shuffled``: every report in random order at once, after the last publication (a backfill).

Printed per run: pairwise precision and recall of the grouping (pairs of reports put in one
incident against pairs the labels put together), reports filed under an incident whose first
report is in another city, incidents whose first report is not their earliest published one
(in ``incident.first`` or in the export), and "new incident" alerts sent for an incident the
editors had already been alerted to. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from alerts import enqueue  # noqa: E402
from classifier import classify  # noqa: E402
from config.model import parse_config  # noqa: E402
from crawler.extraction import content_hash  # noqa: E402
from oiswatch.export import incident_records  # noqa: E402
from records import Article  # noqa: E402
from store import Store  # noqa: E402
from store.schema import alerts as alerts_table  # noqa: E402
from store.schema import articles, incident_articles, incidents  # noqa: E402

DATA = ROOT / "tests" / "data"
FILES = (DATA / "incidents_a.jsonl", DATA / "incidents_b.jsonl")
MIN_PRECISION = 0.99
MIN_RECALL = 0.90
ORDERS = ("publication", "jittered", "shuffled")


@dataclass(frozen=True)
class Report:
    """One labelled row, classified once."""

    id: str
    incident: str  # the true label
    place: tuple[str, str]  # the true (city, state)
    published: datetime
    article: Article


@dataclass
class Outcome:
    """What one run of the grouping gave, and how it scores against the labels."""

    name: str
    reports: int
    flagged: int
    precision: float
    recall: float
    other_city: int  # reports under an incident whose first report is in another city
    first_not_earliest: int  # incidents whose first report is not their earliest published
    export_first_wrong: int  # export rows whose first_article_published is not the earliest
    repeated_new: int  # "new incident" alerts for a true incident already alerted
    true_incidents: int
    found_incidents: int
    unflagged: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # wrong merges, for the reader

    def ok(self) -> bool:
        return (
            self.precision >= MIN_PRECISION
            and self.recall >= MIN_RECALL
            and self.other_city == 0
            and self.first_not_earliest == 0
            and self.export_first_wrong == 0
        )

    def line(self) -> str:
        return (
            f"{self.name:<28} flagged {self.flagged:>3}/{self.reports:<3} "
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"other-city {self.other_city:>2}  first-not-earliest {self.first_not_earliest:>2} "
            f"(export {self.export_first_wrong:>2})  repeated-new {self.repeated_new:>2}  "
            f"incidents {self.found_incidents}/{self.true_incidents}"
        )


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def reports(rows: Iterable[dict[str, Any]]) -> list[Report]:
    """Classify each row as the crawl's worker does: headline, text, publication time (UTC)."""
    out = []
    for row in rows:
        published = datetime.fromisoformat(row["published"]).astimezone(UTC)
        verdict = classify(row["title"], row["text"], published)
        article = Article(
            url=row["url"],
            canonical_url=row["url"],
            title=row["title"],
            outlet=row["outlet"],
            published=published,
            text=row["text"],
            content_hash=content_hash(row["text"]),
            verdict=verdict,
        )
        place = (row["city"], row["state"])
        out.append(Report(row["id"], row["incident"], place, published, article))
    return out


def fetch_order(items: Sequence[Report], order: str, seed: int) -> list[tuple[Report, datetime]]:
    """The reports in the order the crawl meets them, each with the time it is fetched."""
    rng = random.Random(seed)
    if order == "publication":
        ranked = sorted(items, key=lambda r: r.published)
        return [(r, r.published + timedelta(minutes=5)) for r in ranked]
    if order == "jittered":
        timed = [(r, r.published + timedelta(seconds=rng.uniform(0, 12 * 3600))) for r in items]
        return sorted(timed, key=lambda pair: pair[1])
    if order == "shuffled":
        shuffled = list(items)
        rng.shuffle(shuffled)
        start = max(r.published for r in items) + timedelta(hours=1)
        return [(r, start + timedelta(minutes=i)) for i, r in enumerate(shuffled)]
    raise ValueError(f"unknown order {order!r}; one of {ORDERS}")


def run(
    name: str, items: Sequence[Report], order: str, seed: int = 0, workdir: Path | None = None
) -> Outcome:
    """Store every report in ``order`` into a fresh store and score the incidents it makes."""
    config = parse_config({})
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        store = Store(f"sqlite:///{tmp}/incidents.db")
        try:
            ids: dict[str, Report] = {}
            for report, fetched in fetch_order(items, order, seed):
                article = report.article
                with store.begin() as conn:
                    article_id, _ = store.store_article(conn, article, now=fetched)
                    enqueue(conn, article_id, article, config, now=fetched)
                ids[article.url] = report
            return score(name, store, items, ids)
        finally:
            store.close()


def score(name: str, store: Store, items: Sequence[Report], by_url: dict[str, Report]) -> Outcome:
    with store.engine.connect() as conn:
        members = conn.execute(
            select(articles.c.url, incident_articles.c.incident_id).join(
                incident_articles, incident_articles.c.article_id == articles.c.id
            )
        ).all()
        firsts = dict(
            conn.execute(
                select(incidents.c.id, articles.c.url).join(
                    articles, articles.c.id == incidents.c.first_article_id
                )
            ).all()
        )
        events = conn.execute(
            select(alerts_table.c.event, articles.c.url)
            .join(articles, articles.c.id == alerts_table.c.article_id)
            .order_by(alerts_table.c.id)
        ).all()
    found: dict[str, int] = {m.url: m.incident_id for m in members}
    grouped: dict[int, list[Report]] = defaultdict(list)
    for url, incident_id in found.items():
        grouped[incident_id].append(by_url[url])
    flagged = [r for r in items if r.article.url in found]
    truth_pairs = {
        frozenset((a.id, b.id)) for a, b in combinations(flagged, 2) if a.incident == b.incident
    }
    found_pairs = {
        frozenset((a.id, b.id)) for group in grouped.values() for a, b in combinations(group, 2)
    }
    hit = len(truth_pairs & found_pairs)
    other_city = 0
    first_not_earliest = 0
    merges = []
    for incident_id, group in grouped.items():
        first = by_url[firsts[incident_id]]
        other_city += sum(r.place != first.place for r in group)
        if first.published > min(r.published for r in group):
            first_not_earliest += 1
        labels = Counter(r.incident for r in group)
        if len(labels) > 1:
            merges.append(
                f"incident {incident_id}: " + ", ".join(f"{r.id}={r.incident}" for r in group)
            )
    export_first_wrong = 0
    for record in incident_records(store):
        earliest = min(datetime.fromisoformat(a["published"]) for a in record["articles"])
        if datetime.fromisoformat(record["first_article_published"]) != earliest:
            export_first_wrong += 1
    alerted: set[str] = set()
    repeated_new = 0
    for event, url in events:
        label = by_url[url].incident
        if event == "incident.new" and label in alerted:
            repeated_new += 1
        alerted.add(label)
    return Outcome(
        name=name,
        reports=len(items),
        flagged=len(flagged),
        precision=hit / len(found_pairs) if found_pairs else 1.0,
        recall=hit / len(truth_pairs) if truth_pairs else 1.0,
        other_city=other_city,
        first_not_earliest=first_not_earliest,
        export_first_wrong=export_first_wrong,
        repeated_new=repeated_new,
        true_incidents=len({r.incident for r in flagged}),
        found_incidents=len(grouped),
        unflagged=[r.id for r in items if r.article.url not in found],
        merges=merges,
    )


def runs(sets: dict[str, list[Report]], seeds: int) -> list[Outcome]:
    """Every file in every order (jittered and shuffled with ``seeds`` seeds), then all
    files together in publication and shuffled order."""
    out = []
    for name, items in sets.items():
        out.append(run(f"{name} publication", items, "publication"))
        for order in ("jittered", "shuffled"):
            out.extend(run(f"{name} {order} seed {s}", items, order, s) for s in range(seeds))
    if len(sets) > 1:
        together = [r for items in sets.values() for r in items]
        out.append(run("together publication", together, "publication"))
        out.append(run("together shuffled seed 0", together, "shuffled", 0))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(FILES))
    parser.add_argument("--seeds", type=int, default=3, help="seeds per random order")
    parser.add_argument("--verbose", action="store_true", help="list wrong merges")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    sets = {path.stem.removeprefix("incidents_"): reports(load(path)) for path in args.files}
    outcomes = runs(sets, args.seeds)
    for name, items in sets.items():
        missed = [r.id for r in items if not r.article.verdict.ois]
        print(
            f"{name}: {len(items)} reports, {len({r.incident for r in items})} incidents; "
            f"not flagged by the classifier ({len(missed)}): {' '.join(missed) or '-'}"
        )
    for outcome in outcomes:
        print(outcome.line())
        if args.verbose:
            for merge in outcome.merges:
                print("    wrong merge", merge)
    worst_p = min(o.precision for o in outcomes)
    worst_r = min(o.recall for o in outcomes)
    print(
        f"worst: precision {worst_p:.3f} (goal ≥ {MIN_PRECISION}), recall {worst_r:.3f} "
        f"(goal ≥ {MIN_RECALL}), other-city {max(o.other_city for o in outcomes)} (goal 0), "
        f"first-not-earliest {max(o.first_not_earliest for o in outcomes)} (goal 0)"
    )
    return 0 if all(o.ok() for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
