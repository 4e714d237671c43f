"""``oiswatch reclassify``: the current rules over stored articles, and what changes.

Each stored article (published, else discovered, on or after ``since``) is classified again
with the configured rules and region. What changes is reported: newly flagged (it would
alert now), no longer flagged, or another category with the same outcome. Unless it is a
dry run the new verdicts are stored, and a newly flagged article in no incident goes
through the normal intake (``alerts.intake.enqueue``): it joins or opens an incident, and
is alerted only when asked (``alert``), and only if it never alerted before.

Editors' labels win: an article an editor labelled keeps its label whatever the rules say
now (its new verdict is stored, but it is not grouped or alerted by this; the report says
the label stands); an article whose verdict is as it was but still contradicts its label is
reported too ("rules disagree"), so the rules can be measured against the desk. An article
no longer flagged stays in its incident until an editor marks it a false alarm: the report
lists it for them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from alerts.intake import enqueue, has_alert, is_alertable
from classifier import classify
from classifier.rules import Rules
from config.model import Config
from incidents.db import incident_of, uid_of
from incidents.rebuild import load_article
from records import Article, Correction, CorrectionAction, FetchStatus, Verdict, codec
from store import Store, utcnow
from store.corrections import labels
from store.schema import articles

NEWLY_FLAGGED = "newly flagged"
NO_LONGER_FLAGGED = "no longer flagged"
CATEGORY = "category"
# The verdict is as it was, and it still contradicts an editor's label: what the rules have
# yet to learn from the desk.
DISAGREES = "rules disagree"
# What each label says the rules should do: flag it, or not (borderline says neither).
_LABEL_FLAGS = {
    CorrectionAction.FALSE_ALARM: False,
    CorrectionAction.MISSED: True,
    CorrectionAction.CONFIRMED: True,
}


@dataclass(frozen=True)
class Change:
    article_id: int
    title: str | None
    url: str
    kind: str  # NEWLY_FLAGGED, NO_LONGER_FLAGGED or CATEGORY
    before: str | None  # category
    after: str
    label: str | None = None  # the editor's label, which stands
    joined: str | None = None  # the incident uid it joined or opened
    alerts: int = 0  # outbox rows queued


@dataclass
class Outcome:
    examined: int = 0
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _flagged(verdict: Verdict | None, config: Config) -> bool:
    return is_alertable(verdict, config.alerts)


def _ids(store: Store, since: datetime | None) -> list[int]:
    query = select(articles.c.id).where(articles.c.fetch_status == FetchStatus.OK)
    if since is not None:
        query = query.where(func.coalesce(articles.c.published, articles.c.discovered_at) >= since)
    with store.engine.connect() as conn:
        return list(conn.execute(query.order_by(articles.c.id)).scalars())


def _batches(ids: Sequence[int], size: int = 200) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reclassify(
    store: Store,
    config: Config,
    rules: Rules,
    *,
    since: datetime | None = None,
    dry_run: bool = False,
    alert: bool = False,
    now: datetime | None = None,
) -> Outcome:
    now = now or utcnow()
    outcome = Outcome()
    region = tuple(config.classifier.region)
    for batch in _batches(_ids(store, since)):
        # Read and classify outside any write transaction (classifying takes a while, and
        # on SQLite a writer holds the whole store); then write the batch in one.
        with store.engine.connect() as conn:
            said = labels(conn, batch)
            stored = [load_article(conn, article_id) for article_id in batch]
        verdicts = [
            classify(a.title, a.text, a.published, rules=rules, region=region) for a in stored
        ]
        outcome.examined += len(stored)
        if dry_run:
            for article, new in zip(stored, verdicts, strict=True):
                change = _change(article, new, config, said.get(article.article_id or 0))
                if change is not None:
                    outcome.changes.append(change)
            continue
        with store.begin() as conn:
            said = labels(conn, batch)  # as they are now: an editor may have just labelled
            for article, new in zip(stored, verdicts, strict=True):
                article_id = article.article_id or 0
                change = _change(article, new, config, said.get(article_id))
                _store_verdict(conn, article_id, new, now)
                if change is not None and change.kind == NEWLY_FLAGGED and change.label is None:
                    article = replace(article, verdict=new)
                    change = _intake(conn, change, article, config, alert, now)
                if change is not None:
                    outcome.changes.append(change)
    return outcome


def _store_verdict(conn: Connection, article_id: int, verdict: Verdict, now: datetime) -> None:
    conn.execute(
        update(articles)
        .where(articles.c.id == article_id)
        .values(
            classified_at=now,
            ois=verdict.ois,
            category=verdict.category,
            score=verdict.score,
            verdict=codec.dumps(verdict),
        )
    )


def _intake(
    conn: Connection, change: Change, article: Article, config: Config, alert: bool, now: datetime
) -> Change:
    """A newly flagged article joins or opens an incident, as a crawled one would."""
    if incident_of(conn, change.article_id) is not None:
        return change
    loud = alert and not has_alert(conn, change.article_id)
    queued = enqueue(conn, change.article_id, replace(article, alert=loud), config, now)
    found = incident_of(conn, change.article_id)
    return replace(change, joined=uid_of(conn, found) if found is not None else None, alerts=queued)


def _change(
    article: Article, new: Verdict, config: Config, label: Correction | None
) -> Change | None:
    old = article.verdict
    was, now_flagged = _flagged(old, config), _flagged(new, config)
    before = old.category if old else None
    if was == now_flagged and before == new.category:
        wanted = _LABEL_FLAGS.get(label.action) if label is not None else None
        if label is None or wanted is None or wanted == now_flagged:
            return None
        kind = DISAGREES
    elif was == now_flagged:
        kind = CATEGORY
    else:
        kind = NEWLY_FLAGGED if now_flagged else NO_LONGER_FLAGGED
    return Change(
        article_id=article.article_id or 0,
        title=article.title,
        url=article.canonical_url or article.url,
        kind=kind,
        before=before,
        after=new.category,
        label=label.action.value if label is not None else None,
    )
