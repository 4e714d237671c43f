"""Cost of alerting: grouping an article into incidents (inside the storing transaction)
and delivering queued alerts to a webhook receiver on 127.0.0.1.

Run from the repository root:

    python benchmarks/alerts_speed.py [ARTICLES]

The stories are synthetic (random words around invented names), one shooting each, so
every article is compared with every open incident: the worst case for grouping.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts import dispatch_due, enqueue  # noqa: E402
from config.model import parse_config  # noqa: E402
from records import Article, Category, Evidence, Location, Verdict  # noqa: E402
from store import Store  # noqa: E402

T0 = datetime(2026, 3, 4, 12, tzinfo=UTC)
WORDS = [
    "the",
    "a",
    "police",
    "officer",
    "man",
    "car",
    "street",
    "said",
    "night",
    "when",
    "after",
    "shot",
    "fired",
    "city",
]


def story(rng: random.Random, i: int) -> Article:
    names = [f"Name{i}x{k}".capitalize() for k in range(3)]
    text = " ".join(
        rng.choice(WORDS) if rng.random() > 0.05 else rng.choice(names) for _ in range(500)
    )
    v = Verdict(
        ois=True,
        category=Category.OIS,
        score=0.9,
        evidence=(Evidence("An officer shot a man.", ((11, 15),), "bench"),),
        reason="bench",
        location=Location("Kansas City", "Kansas City", "MO"),
        incident_date=(T0 - timedelta(days=i % 20)).date(),
        agencies=("Kansas City Police",),
        in_region=True,
    )
    url = f"https://bench.test/{i}"
    return Article(url, url, f"Story {i}", "Bench", T0, text=text, content_hash=str(i), verdict=v)


class Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    config = parse_config({"alerts": {"webhooks": [{"url": url}]}})
    rng = random.Random(7)
    articles = [story(rng, i) for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        for art in articles:
            with store.begin() as conn:
                article_id = store.save_article(conn, art, now=T0)
                enqueue(conn, article_id, art, config, now=T0)
        stored = time.perf_counter() - start
        start = time.perf_counter()
        stats = dispatch_due(store, config, now=T0, limit=n)
        sent = time.perf_counter() - start
        store.close()
    server.shutdown()
    print(f"{n} articles stored + enqueued: {stored / n * 1000:.1f} ms each (incl. save)")
    print(f"{stats.sent} webhook alerts delivered: {sent / max(stats.sent, 1) * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
