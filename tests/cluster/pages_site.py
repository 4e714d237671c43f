"""Real news pages (../shared benchmark HTML) served from 127.0.0.1, counting every fetch."""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kit import write_config

PAGES_DIR = Path(__file__).resolve().parents[3] / "shared/benchmarks/article-extraction/html"


class PagesSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, limit: int | None = None) -> None:
        if not PAGES_DIR.is_dir():
            raise RuntimeError(f"{PAGES_DIR} is missing: the shared benchmark pages are needed")
        files = sorted(PAGES_DIR.glob("*.html.gz"))[:limit]
        self.pages = {f"/news/{f.name.split('.')[0][:16]}": f for f in files}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def start(self) -> PagesSite:
        self.thread.start()
        return self

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.server_address[1]}{path}" for path in self.pages]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PagesSite

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with self.server.lock:
            self.server.hits[self.path] += 1
        source = self.server.pages.get(self.path)
        if source is None:
            self.send_error(404)
            return
        body = gzip.decompress(source.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def worker_config(path: Path, store_url: str, redis_url: str) -> Path:
    """A configuration for workers crawling the local site as fast as it serves."""
    return write_config(
        path.parent,
        f"""
[storage]
url = "{store_url}"

[cluster]
redis_url = "{redis_url}"

[crawl]
obey_robots_txt = false
download_delay_seconds = 0
autothrottle = false
concurrent_requests = 8
concurrent_requests_per_domain = 8
extraction_workers = 0

[logging]
level = "WARNING"
""",
        name=path.name,
    )
