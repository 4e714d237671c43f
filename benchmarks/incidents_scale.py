"""A year of news: the cost of grouping one flagged article as the store grows.

Run from the repository root:

    python benchmarks/incidents_scale.py [--sizes 1000,10000,100000,1000000] [--probes 200]

For each size, a fresh SQLite store is filled with that many stored articles by bulk inserts:
articles arriving at the rate of a daemon on 100 feeds (~700,000 a year, so 1,000 articles
are half a day of news and 1,000,000 about seventeen months), 1 % of them flagged (more than
local news gives) and grouped three reports to an incident, in 300 cities, each incident with
its person shot, officer and street names in ``incident_keys`` and its members' signatures
in ``incident_articles``. Then ``--probes`` new flagged articles (half of them reports of
stored incidents, half new shootings) go through ``alerts.enqueue`` — candidates, matching,
joining or opening, the alert row — each in a transaction rolled back afterwards, so every
probe meets the same store. Printed: milliseconds per probe and the ratio to the smallest
store measured in the same run. Target: below ×1.5 from 1,000 to 1,000,000 articles (the
rule before indexed candidates grew ×3.4 from 1,000 to 100,000). Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alerts import enqueue  # noqa: E402
from config.model import parse_config  # noqa: E402
from incidents.similarity import encode, signature  # noqa: E402
from records import Article, Category, Evidence, Location, Verdict  # noqa: E402
from store import Store  # noqa: E402
from store.schema import articles, incident_articles, incident_keys, incidents  # noqa: E402

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
PER_YEAR = 700_000
FLAGGED_SHARE = 0.01
REPORTS_PER_INCIDENT = 3
CITIES = [f"Cityville {i}" for i in range(300)]
FIRST = ["James", "Maria", "Robert", "Aisha", "Luis", "Tamika", "Kevin", "Dana", "Omar", "Lena"]
LAST = [f"Surname{i}" for i in range(5000)]
STREETS = [f"Elmwood{i}" for i in range(3000)]
TARGET = 1.5
CHUNK = 20_000


def report_text(rng: random.Random, city: str, victim: str, street: str) -> str:
    filler = " ".join(
        rng.choice(["the", "police", "said", "night", "car", "call"]) for _ in range(60)
    )
    return (
        f"Police in {city} shot and wounded {victim}, 30, near {street} Street on Tuesday, "
        f"police said. {filler}. {victim.split()[-1]} was taken to a hospital."
    )


def fill(store: Store, n: int, rng: random.Random) -> list[dict]:
    """``n`` stored articles over the time a 100-feed daemon takes to store them; returns the
    stored incidents' facts, for probes that report on them."""
    span = timedelta(days=365 * n / PER_YEAR)
    flagged = max(REPORTS_PER_INCIDENT, int(n * FLAGGED_SHARE))
    n_incidents = flagged // REPORTS_PER_INCIDENT
    known = []
    with store.begin() as conn:
        rows = []
        for i in range(n):
            published = NOW - span * (1 - i / n)
            rows.append(
                {
                    "url": f"https://news.test/{i}",
                    "canonical_url": f"https://news.test/{i}",
                    "outlet": "Bench",
                    "title": f"Story {i}",
                    "published": published,
                    "text": "",
                    "content_hash": f"{i:064x}",
                    "discovered_at": published,
                    "fetch_status": "ok",
                    "attempts": 1,
                    "ois": False,
                }
            )
            if len(rows) == CHUNK:
                conn.execute(articles.insert(), rows)
                rows = []
        if rows:
            conn.execute(articles.insert(), rows)
        members, keys, incident_rows = [], [], []
        for k in range(n_incidents):
            when = NOW - span * (1 - k / n_incidents)
            city = rng.choice(CITIES)
            victim = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            street = rng.choice(STREETS)
            facts = {
                "victim_name": victim,
                "victims": [victim],
                "officer_keys": [],
                "streets": [street.lower()],
                "city": city,
            }
            incident_rows.append(
                {
                    "id": k + 1,
                    "uid": f"bench{k}",
                    "opened_at": when,
                    "updated_at": when,
                    "first_article_id": k * REPORTS_PER_INCIDENT + 1,
                    "title": f"Incident {k}",
                    "city": city,
                    "state": None,
                    "event_date": when.date(),
                    "agencies": json.dumps([f"{city.lower()} police"]),
                    "place_key": city.lower(),
                    "facts": json.dumps(facts),
                }
            )
            keys += [
                {"key": f"victim:{victim.split()[-1].lower()}", "incident_id": k + 1},
                {"key": f"street:{street.lower()}", "incident_id": k + 1},
            ]
            sig = encode(signature(report_text(rng, city, victim, street)))
            for j in range(REPORTS_PER_INCIDENT):
                members.append(
                    {
                        # Flagged articles spread evenly through the store.
                        "article_id": min(n, (k * REPORTS_PER_INCIDENT + j) * n // flagged + 1),
                        "incident_id": k + 1,
                        "relation": "first" if j == 0 else "update",
                        "similarity": None,
                        "signature": sig,
                        "names": json.dumps([victim.split()[-1].lower(), street.lower()]),
                        "attached_at": when,
                    }
                )
            known.append({"city": city, "victim": victim, "street": street, "when": when})
        # One row per article: drop the rare collision of two members on one article.
        seen: set[int] = set()
        members = [m for m in members if not (m["article_id"] in seen or seen.add(m["article_id"]))]
        for table, batch in ((incidents, incident_rows), (incident_articles, members)):
            for start in range(0, len(batch), CHUNK):
                conn.execute(table.insert(), batch[start : start + CHUNK])
        unique_keys = {(k["key"], k["incident_id"]): k for k in keys}
        conn.execute(incident_keys.insert(), list(unique_keys.values()))
    return known


def probe(rng: random.Random, i: int, known: list[dict]) -> Article:
    """A new flagged article: a report of a recent stored incident, or a new shooting."""
    recent = [k for k in known[-50:]]
    if i % 2 == 0 and recent:
        k = rng.choice(recent)
        city, victim, street, when = k["city"], k["victim"], k["street"], k["when"]
    else:
        city, when = rng.choice(CITIES), NOW
        victim, street = f"{rng.choice(FIRST)} New{i}", f"Newstreet{i}"
    verdict = Verdict(
        ois=True,
        category=Category.OIS,
        score=0.9,
        evidence=(Evidence("Police shot a man.", ((7, 11),), "bench"),),
        reason="bench",
        fatal=False,
        anyone_hit=True,
        agencies=(f"{city} Police",),
        location=Location(f"{street} Street", city, None),
        incident_date=when.date(),
        victim_name=victim,
    )
    url = f"https://probe.test/{i}"
    return Article(
        url,
        url,
        f"Probe {i}",
        "Probe",
        NOW,
        text=report_text(rng, city, victim, street),
        content_hash=f"probe{i}",
        verdict=verdict,
    )


def measure(n: int, probes: int) -> float:
    """Milliseconds per flagged article grouped, on a store of ``n`` articles."""
    rng = random.Random(n)
    config = parse_config({})
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/scale.db")
        try:
            started = time.perf_counter()
            known = fill(store, n, rng)
            filled = time.perf_counter() - started
            arts = [probe(rng, i, known) for i in range(probes)]
            spent = 0.0
            with store.engine.connect() as conn:
                for art in arts:
                    trans = conn.begin()
                    article_id = store.save_article(conn, art, now=NOW)
                    started = time.perf_counter()
                    enqueue(conn, article_id, art, config, now=NOW)
                    spent += time.perf_counter() - started
                    trans.rollback()
        finally:
            store.close()
    per = spent / probes * 1000
    print(
        f"{n:>9,} stored articles ({len(known):>6,} incidents, filled in {filled:5.1f} s): "
        f"{per:6.2f} ms per flagged article",
        flush=True,
    )
    return per


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    # No destination is configured: enqueue's warning about it would drown the figures.
    logging.getLogger("oiswatch.alerts").setLevel(logging.ERROR)
    sizes = [int(s) for s in args.sizes.split(",")]
    costs = {n: measure(n, args.probes) for n in sizes}
    base = costs[sizes[0]]
    for n in sizes:
        print(f"{n:>9,}: ×{costs[n] / base:.2f} of {sizes[0]:,}")
    worst = max(costs[n] / base for n in sizes)
    print(f"largest growth ×{worst:.2f} (target < ×{TARGET})")
    return 0 if worst < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
