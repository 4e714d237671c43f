"""``oiswatch demo``: the whole pipeline on the sample site, offline, with no configuration.

It serves the sample site and a mailbox on 127.0.0.1, writes a configuration for them,
runs one poll cycle exactly as ``oiswatch poll`` does (crawl, extract, classify, store,
group into incidents, deliver by email), then prints what was flagged and why, and the
alerts that arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from config import Config, parse_config
from oiswatch.cycle import summary
from oiswatch.demo.mailbox import Mailbox
from oiswatch.demo.site import SampleSite
from store import Store
from store.lock import StoreLock
from store.polls import ensure_table
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
    id: int
    title: str
    outlet: str
    status: str  # ok | duplicate | failed ...
    category: str | None
    reason: str
    evidence: str | None
    facts: str = ""


def facts_line(v: dict[str, Any]) -> str:
    """The facts the classifier pulled out, for one line of the report. Pure."""

    def yes_no(value: Any) -> str:
        return "unknown" if value is None else ("yes" if value else "no")

    parts = [f"fatal: {yes_no(v.get('fatal'))}", f"anyone hit: {yes_no(v.get('anyone_hit'))}"]
    loc = v.get("location") or {}
    place = ", ".join(x for x in (loc.get("city"), loc.get("state")) if x)
    if place:
        parts.append(place)
    if v.get("agencies"):
        parts.append("agencies: " + "; ".join(v["agencies"]))
    if v.get("investigating_agency"):
        parts.append(f"investigated by {v['investigating_agency']}")
    if v.get("followup"):
        parts.append("follow-up")
    return " · ".join(parts)


def article_lines(store: Store, after_id: int = 0) -> list[ArticleLine]:
    """Stored articles with ids above ``after_id``, newest first."""
    query = select(articles).where(articles.c.id > after_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(articles.c.published.desc())).mappings()
        out = []
        for r in rows:
            verdict = json.loads(r["verdict"]) if r["verdict"] else {}
            evidence = verdict.get("evidence") or []
            out.append(
                ArticleLine(
                    id=r["id"],
                    title=r["title"] or r["url"],
                    outlet=r["outlet"] or "",
                    status=r["fetch_status"],
                    category=r["category"],
                    reason=verdict.get("reason") or r["fetch_error"] or "",
                    evidence=evidence[0]["sentence"] if evidence else None,
                    facts=facts_line(verdict) if r["category"] == "ois" else "",
                )
            )
    return out


def _wrap(text: str, width: int = 96, indent: str = "               ") -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width - len(indent):
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([indent + line] if line else [])


def render_articles(lines: list[ArticleLine]) -> str:
    """One poll's articles: flagged or not, and why. Pure."""
    out = []
    for a in lines:
        if a.status == "duplicate":
            out.append(f"  {'copy':<12} {urlsplit(a.title).path} ({a.outlet})")
            out += _wrap(f"syndicated copy: {a.reason}; no second alert")
            continue
        mark = {"ois": "FLAGGED", "officer_shot": "officer shot"}.get(a.category or "", "-")
        out.append(f"  {mark:<12} {a.title} ({a.outlet})")
        if a.category == "ois" and a.evidence:
            out += _wrap(f"why: “{a.evidence}”")
            out += _wrap(a.facts)
        elif a.status != "ok":
            out += _wrap(f"{a.status}: {a.reason}")
        else:
            out += _wrap(f"not flagged: {a.reason}")
    return "\n".join(out)


def render_mail(mail: list[tuple[Path, Any]], folder: Path) -> str:
    """The alerts that reached the mailbox, in the order they arrived. Pure."""
    out = [f"Alerts delivered: {len(mail)} emails to {DESK}, saved in {folder}/"]
    for path, msg in mail:
        out.append(f"  {msg['Subject']}")
        out.append(f"      {path.name}")
    return "\n".join(out)


def run_demo(
    workdir: Path,
    store_url: str | None,
    run_in_reactor: Callable[[Callable[[], Coroutine[Any, Any, int]]], int],
    say: Callable[[str], None] = print,
) -> int:
    """Serve, poll twice (the site publishes more between polls), report.

    Returns the number of alerts the mailbox received.
    """
    from oiswatch.service import build_cycle

    now = datetime.now(UTC)
    folder = workdir / "alerts"
    site = SampleSite(now)
    mailbox = Mailbox(folder)
    try:
        url = store_url or f"sqlite:///{workdir / 'oiswatch.db'}"
        config = demo_config(site, mailbox.port, url)
        say("oiswatch demo: the whole pipeline on a sample news site, offline.")
        say(f"  site:  {site.base} — two fictional outlets, {len(site.articles)} stories")
        say(f"  store: {url}")
        say(f"  email: an SMTP mailbox on 127.0.0.1:{mailbox.port} filing .eml files")
        store = Store(url)
        ensure_table(store.engine)
        cycle = build_cycle(config, store)

        async def main() -> int:
            seen = 0
            try:
                cycle.recover()
                for edition in (1, 2):
                    fresh = site.publish(edition)
                    say("")
                    say(f"Poll {edition}: {len(fresh)} stories in the feeds since the last poll")
                    counts = await cycle.run("demo")
                    say("  " + summary(counts, 0).split(": ", 1)[1])
                    lines = article_lines(store, seen)
                    seen = max([seen, *(a.id for a in lines)])
                    say(render_articles(lines))
            finally:
                cycle.close()
            return 0

        try:
            with StoreLock(store.engine, "oiswatch demo"):
                run_in_reactor(main)
            mail = mailbox.messages()
            say("")
            say(render_mail(mail, folder))
        finally:
            store.close()
        return len(mail)
    finally:
        mailbox.close()
        site.close()
