"""Crawl throughput: `scrapy crawl backfill` over 543 local pages against bare trafilatura.

Run from the repository root, with ../shared beside it:

    python benchmarks/throughput.py [--workers N] [--concurrency N]

Serves the 181 article-extraction benchmark pages three times over (/a/<id>, /b/<id>,
/c/<id>: 543 distinct URLs) from a 127.0.0.1 HTTP server in its own process, runs the
backfill spider on them as a subprocess with a temporary SQLite store, and in the same run
times single-process `trafilatura.extract` over the same 543 bodies. Prints the crawl's wall
time over the baseline's (target <= 0.85), pages/s, peak memory, and what the store holds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import multiprocessing
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
COPIES = ("a", "b", "c")
TARGET = 0.85


def load_bodies() -> dict[str, bytes]:
    ids = sorted(json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8")))
    return {i: gzip.decompress((DATA / "html" / f"{i}.html.gz").read_bytes()) for i in ids}


def _serve(port_out: multiprocessing.connection.Connection) -> None:
    bodies = load_bodies()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real news site would

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            parts = self.path.strip("/").split("/")
            body = bodies.get(parts[1]) if len(parts) == 2 and parts[0] in COPIES else None
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    server.serve_forever()


def start_server() -> tuple[multiprocessing.process.BaseProcess, int]:
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_serve, args=(send,), daemon=True)
    process.start()
    return process, receive.recv()


_TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> dict[int, tuple[int, float]]:
    """pid -> (resident KiB, CPU seconds) of a process and its descendants, from /proc."""
    found, stack = {}, [root]
    while stack:
        pid = stack.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            stat = Path(f"/proc/{pid}/stat").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+)", status)
        fields = stat.rpartition(")")[2].split()  # after "(comm)": state is field 3
        cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        found[pid] = (int(match.group(1)) if match else 0, cpu)
        stack.extend(int(c) for c in children)
    return found


class TreeSampler(threading.Thread):
    """Samples the crawl's process tree (Scrapy, forkserver, workers) every 50 ms: peak total
    resident memory, and the last CPU time seen of each process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()
        self.cpu: dict[int, float] = {}

    def run(self) -> None:
        while not self.done.wait(0.05):
            tree = _tree(self.pid)
            self.peak_kib = max(self.peak_kib, sum(rss for rss, _ in tree.values()))
            self.cpu.update({pid: cpu for pid, (_, cpu) in tree.items()})

    def cpu_split(self) -> tuple[float, float]:
        """CPU seconds of the Scrapy process, and of everything under it."""
        main = self.cpu.get(self.pid, 0.0)
        return main, sum(self.cpu.values()) - main


def _set_keys(toml: str, section: str, values: dict[str, str]) -> str:
    """`toml` with `values` (TOML literals) as the only such keys of [section]."""
    out, current, done = [], "", False
    for line in toml.splitlines():
        header = re.match(r"\s*\[+([^\]]+)\]+", line)
        if header:
            current = header.group(1).strip()
        elif current == section and re.match(rf"\s*({'|'.join(values)})\s*=", line):
            continue  # replaced below
        out.append(line)
        if header and current == section and not done:
            out.extend(f"{key} = {value}" for key, value in values.items())
            done = True
    if not done:
        out += ["", f"[{section}]", *(f"{key} = {value}" for key, value in values.items())]
    return "\n".join(out) + "\n"


def write_config(directory: Path, workers: int) -> Path:
    """The bundled configuration with its store in `directory` and `workers` extractors."""
    from config import load_config

    db = directory / "throughput.db"
    text = (ROOT / "config" / "oiswatch.toml").read_text(encoding="utf-8")
    text = _set_keys(text, "storage", {"url": json.dumps(f"sqlite:///{db}")})
    text = _set_keys(text, "crawl", {"extraction_workers": str(workers)})
    path = directory / "oiswatch.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_config(path)  # fail here, not with a crawl that writes somewhere else
    if loaded.storage.url != f"sqlite:///{db}" or loaded.crawl.extraction_workers != workers:
        sys.exit(f"could not point {path} at {db} with {workers} workers")
    return path


@dataclass(frozen=True)
class Crawl:
    seconds: float
    tree_kib: int  # peak resident memory of the process tree, sampled
    largest_kib: int  # ru_maxrss of the largest single child process
    main_cpu: float  # CPU seconds of the Scrapy process (sampled, so slightly low)
    worker_cpu: float  # CPU seconds of its descendants (forkserver and workers)
    log: str


def run_crawl(urls_file: Path, config: Path, concurrency: int | None) -> Crawl:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "backfill",
        "-a", f"urls={urls_file}",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        "-s", "ROBOTSTXT_OBEY=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    if concurrency is not None:
        command += ["-s", f"CONCURRENT_REQUESTS={concurrency}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OISWATCH_CONFIG": str(config)}
    log = config.parent / "crawl.log"
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        memory = TreeSampler(process.pid)
        memory.start()
        code = process.wait()
    seconds = time.perf_counter() - start
    memory.done.set()
    memory.join()
    if code != 0:
        sys.exit(f"scrapy crawl backfill failed ({code}); log:\n{log.read_text()[-4000:]}")
    # ru_maxrss of children: the largest single process that has exited (KiB on Linux).
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    main_cpu, worker_cpu = memory.cpu_split()
    text = log.read_text(errors="replace")
    return Crawl(seconds, memory.peak_kib, largest, main_cpu, worker_cpu, text)


def store_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT fetch_status, count(*) FROM articles GROUP BY fetch_status")
        return dict(rows.fetchall())


def baseline(bodies: list[bytes]) -> float:
    import trafilatura

    trafilatura.extract(bodies[0], include_comments=False)  # imports and caches warm
    start = time.perf_counter()
    for body in bodies:
        trafilatura.extract(body, include_comments=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="extraction worker processes")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="CONCURRENT_REQUESTS (default: config's)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each side; the fastest of each counts"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura logs every page it discards
    bodies = load_bodies()
    all_bodies = [bodies[i] for _ in COPIES for i in bodies]
    crawls: list[Crawl] = []
    base_runs: list[float] = []
    load_before = os.getloadavg()[0]
    server, port = start_server()
    try:
        urls = [f"http://127.0.0.1:{port}/{c}/{i}" for c in COPIES for i in bodies]
        # Crawl and baseline alternate, so both see the same background load.
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="oiswatch-throughput-") as tmp:
                directory = Path(tmp)
                urls_file = directory / "urls.txt"
                urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
                config = write_config(directory, args.workers)
                crawls.append(run_crawl(urls_file, config, args.concurrency))
                counts = store_counts(directory / "throughput.db")
            base_runs.append(baseline(all_bodies))
    finally:
        server.terminate()
        server.join()
    best = min(crawls, key=lambda c: c.seconds)
    crawl_s, base_s = best.seconds, min(base_runs)
    tree_kib, largest_kib = max(c.tree_kib for c in crawls), max(c.largest_kib for c in crawls)
    pages, ratio = len(urls), crawl_s / base_s
    print(
        f"{pages} pages from 127.0.0.1, {args.workers} extraction workers, "
        f"CONCURRENT_REQUESTS={args.concurrency or 'from config'}, {os.cpu_count()} CPUs, "
        f"best of {args.repeat}"
    )
    print(f"crawl (scrapy crawl backfill): {crawl_s:6.2f} s  {pages / crawl_s:6.1f} pages/s")
    print(
        f"baseline (1 process, bare trafilatura.extract): {base_s:6.2f} s  "
        f"{pages / base_s:6.1f} pages/s"
    )
    if args.repeat > 1:
        print("all runs: crawl " + " ".join(f"{c.seconds:.2f}" for c in crawls) + " s; baseline "
              + " ".join(f"{b:.2f}" for b in base_runs) + " s")  # fmt: skip
    print(
        f"crawl CPU: Scrapy process {best.main_cpu:.2f} s, extraction workers "
        f"{best.worker_cpu:.2f} s ({best.worker_cpu / best.seconds:.2f} cores busy on average)"
    )
    print(f"wall_time / baseline_time = {ratio:.2f}  (target <= {TARGET})")
    print(
        f"peak memory: crawl process tree {tree_kib / 1024:.0f} MiB (sampled), "
        f"largest single process {largest_kib / 1024:.0f} MiB"
    )
    # Other work on the machine slows the two-process crawl more than the one-core baseline.
    print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"store (last run): {sum(counts.values())} article rows by fetch_status {counts}")
    outcomes = re.findall(r"'oiswatch/articles/(\w+)': (\d+)", crawls[-1].log)
    if outcomes:
        print("crawl outcomes (last run): " + ", ".join(f"{k}={v}" for k, v in outcomes))
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
