"""``oiswatch demo``: the whole pipeline on the sample site, offline, with no configuration.

It serves the sample site and a mailbox on 127.0.0.1, writes a configuration for them,
runs one poll cycle exactly as ``oiswatch poll`` does (crawl, extract, classify, store,
group into incidents, deliver by email), then prints what was flagged and why, and the
alerts that arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from config import Config, parse_config
from oiswatch.demo.mailbox import Mailbox
from oiswatch.demo.site import SampleSite
from store import Store
from store.schema import articles

DESK = "metro-desk@harlow-springs-ledger.example"


def demo_config(site: SampleSite, mailbox_port: int, store_url: str) -> Config:
    return parse_config(
        {
            "storage": {"url": store_url},
            "crawl": {
                # Our own server on 127.0.0.1: no need to be gentle, and no process pool.
                "download_delay_seconds": 0,
                "autothrottle": False,
                "concurrent_requests_per_domain": 8,
                "extraction_workers": 0,
                "download_timeout_seconds": 10,
            },
            "logging": {"level": "WARNING"},
            "alerts": {
                "email": {
                    "host": "127.0.0.1",
                    "port": mailbox_port,
                    "security": "none",
                    "sender": "oiswatch@harlow-springs-ledger.example",
                    "recipients": [DESK],
                    "timeout_seconds": 10,
                }
            },
            "feeds": [
                {"name": f"{o.slug}", "outlet": o.name, "url": url}
                for o, url in site.feed_urls().items()
            ],
        }
    )


@dataclass(frozen=True)
class ArticleLine:
    title: str
    outlet: str
    status: str  # ok | duplicate | failed ...
    category: str | None
    reason: str
    evidence: str | None


def article_lines(store: Store) -> list[ArticleLine]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(articles).order_by(articles.c.published.desc())).mappings()
        out = []
        for r in rows:
            verdict = json.loads(r["verdict"]) if r["verdict"] else {}
            evidence = verdict.get("evidence") or []
            out.append(
                ArticleLine(
                    title=r["title"] or r["url"],
                    outlet=r["outlet"] or "",
                    status=r["fetch_status"],
                    category=r["category"],
                    reason=verdict.get("reason") or r["fetch_error"] or "",
                    evidence=evidence[0]["sentence"] if evidence else None,
                )
            )
    return out


def _wrap(text: str, width: int = 92, indent: str = "      ") -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width - len(indent):
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([indent + line] if line else [])


def render_report(lines: list[ArticleLine], mail: list[tuple[Path, Any]], folder: Path) -> str:
    """What the demo prints after its poll. Pure."""
    flagged = [a for a in lines if a.status == "ok" and a.category == "ois"]
    out = [
        f"Articles stored: {sum(a.status == 'ok' for a in lines)}, "
        f"flagged as officer-involved shootings: {len(flagged)}",
        "",
    ]
    for a in lines:
        if a.status == "duplicate":
            out.append(f"  copy     {urlsplit(a.title).path} ({a.outlet})")
            out += _wrap(f"syndicated copy: {a.reason}; no second alert")
            continue
        mark = {"ois": "FLAGGED", "officer_shot": "officer shot"}.get(a.category or "", "-")
        out.append(f"  {mark:<8} {a.title} ({a.outlet})")
        if a.category == "ois" and a.evidence:
            out += _wrap(f"why: “{a.evidence}”")
        elif a.status != "ok":
            out += _wrap(f"{a.status}: {a.reason}")
        else:
            out += _wrap(f"not flagged: {a.reason}")
    out += ["", f"Alerts delivered: {len(mail)} emails to {DESK}, saved in {folder}/"]
    for path, msg in mail:
        out.append(f"  {msg['Subject']}")
        out.append(f"      {path.name}")
    return "\n".join(out)


def run_demo(
    workdir: Path,
    store_url: str | None,
    run_cycle: Callable[[Config, Store], int],
    say: Callable[[str], None] = print,
) -> int:
    """Serve, poll once through ``run_cycle``, report. Returns the number of alerts received."""
    now = datetime.now(UTC)
    folder = workdir / "alerts"
    site = SampleSite(now)
    mailbox = Mailbox(folder)
    try:
        url = store_url or f"sqlite:///{workdir / 'oiswatch.db'}"
        config = demo_config(site, mailbox.port, url)
        say("oiswatch demo: the whole pipeline on a sample news site, offline.")
        say(
            f"  site:  {site.base} — {len(site.articles)} fictional articles, "
            f"{len(site.outlets)} RSS feeds"
        )
        say(f"  store: {url}")
        say(f"  email: an SMTP mailbox on 127.0.0.1:{mailbox.port} filing .eml files")
        say("")
        say("Polling the feeds: fetch, extract, classify, store, group into incidents, alert ...")
        store = Store(url)
        try:
            run_cycle(config, store)
            mail = mailbox.messages()
            say("")
            say(render_report(article_lines(store), mail, folder))
        finally:
            store.close()
        return len(mail)
    finally:
        mailbox.close()
        site.close()
