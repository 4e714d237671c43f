"""Idle poll: what a daemon poll costs when every feed answers 304, against a feedparser loop.

Run from the repository root:

    python benchmarks/idle_poll.py [--feeds 100] [--polls 5]

Serves ``--feeds`` RSS feeds from the test suite's fixture site (tests/mocksite) on
127.0.0.1, then in two fresh processes, one after the other:

* **oiswatch**: the daemon's poll cycle (``oiswatch.service.build_cycle``, the same object
  ``oiswatch run`` schedules) with the bundled defaults but a temporary SQLite store and no
  politeness delay (every feed is on one local host; real feeds are on many): one poll to
  learn the validators, then ``--polls`` timed polls, each a whole crawl in which every
  feed answers 304;
* **baseline**: a plain loop of ``feedparser.parse(url, etag=..., modified=...)`` over the
  same feeds, one poll to learn the validators, then ``--polls`` timed polls.

Prints seconds per idle poll and the peak memory of each process tree (the process and any
children, e.g. extraction workers), and the ratio; exits 1 when the time ratio is over the
target (1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5


def tree_rss_mb() -> float:
    """Resident memory of this process and its descendants now, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        rss[int(entry.name)] = int(statm[1]) * page
    mine = {os.getpid()}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(found)
        mine |= found
    return sum(rss.get(pid, 0) for pid in mine) / 2**20


def measure_oiswatch(config_path: str, polls: int, feeds: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import asyncio

    from oiswatch import reactor

    reactor.install()
    from config import load_config
    from oiswatch.logs import setup_logging
    from oiswatch.service import build_cycle, open_store

    setup_logging("WARNING")
    config = load_config(config_path)
    store = open_store(config)
    cycle = build_cycle(config, store)
    result: dict[str, float] = {}

    async def main() -> int:
        first = await cycle.run("bench")
        assert first.feeds_fetched == feeds, first
        peak = 0.0
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(polls):
            counts = await cycle.run("bench")
            assert counts.feeds_not_modified == feeds, counts
            peak = max(peak, tree_rss_mb())
            await asyncio.sleep(0)
        result["seconds_per_poll"] = (time.perf_counter() - started) / polls
        result["cpu_per_poll"] = (time.process_time() - cpu) / polls
        result["rss_mb"] = peak
        return 0

    reactor.run(main)
    cycle.close()
    store.close()
    return result


def measure_loop(urls: list[str], polls: int) -> dict[str, float]:
    import feedparser

    validators = {}
    for url in urls:
        parsed = feedparser.parse(url)
        assert parsed.get("status") == 200, parsed.get("status")
        validators[url] = (parsed.get("etag"), parsed.get("modified"))
    peak = 0.0
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(polls):
        for url in urls:
            etag, modified = validators[url]
            parsed = feedparser.parse(url, etag=etag, modified=modified)
            assert parsed.get("status") == 304, parsed.get("status")
        peak = max(peak, tree_rss_mb())
    return {
        "seconds_per_poll": (time.perf_counter() - started) / polls,
        "cpu_per_poll": (time.process_time() - cpu) / polls,
        "rss_mb": peak,
    }


def write_config(folder: Path, urls: list[str]) -> Path:
    feeds = "".join(f'\n[[feeds]]\nname = "feed-{i}"\nurl = "{u}"\n' for i, u in enumerate(urls))
    path = folder / "oiswatch.toml"
    path.write_text(
        f'[storage]\nurl = "sqlite:///{folder / "oiswatch.db"}"\n'
        "[crawl]\ndownload_delay_seconds = 0\nautothrottle = false\n"
        "concurrent_requests_per_domain = 16\n" + feeds,
        encoding="utf-8",
    )
    return path


def child(kind: str, args: argparse.Namespace, urls: list[str], config: Path) -> dict:
    command = [sys.executable, __file__, "--measure", kind, "--polls", str(args.polls)]
    command += ["--feeds", str(args.feeds), "--config", str(config), "--urls", ",".join(urls)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        sys.exit(f"{kind} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--polls", type=int, default=5)
    parser.add_argument("--measure", choices=("oiswatch", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure == "oiswatch":
        print(json.dumps(measure_oiswatch(args.config, args.polls, args.feeds)))
        return 0
    if args.measure == "baseline":
        print(json.dumps(measure_loop(args.urls.split(","), args.polls)))
        return 0

    sys.path.insert(0, str(ROOT / "tests"))
    from mocksite import MockSite

    site = MockSite()
    for i in range(args.feeds):
        site.add_feed(f"/feeds/{i}.rss", "rss", f"Fixture feed {i}")
    site.start()
    try:
        urls = [site.url(f"/feeds/{i}.rss") for i in range(args.feeds)]
        with tempfile.TemporaryDirectory(prefix="oiswatch-idle-") as tmp:
            config = write_config(Path(tmp), urls)
            ours = child("oiswatch", args, urls, config)
            base = child("baseline", args, urls, config)
    finally:
        site.stop()
    ratio = ours["seconds_per_poll"] / base["seconds_per_poll"]
    print(f"idle poll of {args.feeds} feeds, every one 304, mean of {args.polls} polls:")
    for name, m in (("oiswatch poll cycle", ours), ("feedparser loop", base)):
        print(
            f"  {name:20}  {m['seconds_per_poll']:.3f} s wall  {m['cpu_per_poll']:.3f} s CPU  "
            f"{m['rss_mb']:.0f} MB"
        )
    cpu_ratio = ours["cpu_per_poll"] / base["cpu_per_poll"]
    memory = ours["rss_mb"] / base["rss_mb"]
    print(f"  wall ratio {ratio:.2f} (target <= {TARGET}); CPU ratio {cpu_ratio:.2f}", end="")
    print(f"; memory {memory:.1f}x")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
