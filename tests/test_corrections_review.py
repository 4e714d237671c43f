"""An editor's label wins over the classifier: false alarms are not sent and leave their
incident, missed reports open or join one and alert through the real email channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alert_fixtures import STORY_A, STORY_A_OTHER_OUTLET, T0, article, make_config, store_article
from sqlalchemy import select

from alerts import dispatch_due
from alerts.review import label_article
from incidents.db import incident_of, snapshot
from oiswatch.export import incident_records
from records import CorrectionAction, OutboxStatus
from store import Store
from store.corrections import labels
from store.schema import outbox

LATER = T0 + timedelta(hours=2)


def where(store, article_id):
    with store.engine.connect() as conn:
        return incident_of(conn, article_id)


def rows(store):
    with store.engine.connect() as conn:
        return conn.execute(select(outbox).order_by(outbox.c.id)).all()


def other_outlet(**kw):
    return article(
        "https://othertv.test/b",
        "Man dies after officer opens fire on Prospect",
        STORY_A_OTHER_OUTLET,
        outlet="Other TV",
        incident_date=None,
        **{"published": LATER, **kw},
    )


def test_a_false_alarm_is_not_sent_and_leaves_its_incident(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port)
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    inc = where(store, a1)
    assert [r.status for r in rows(store)] == ["pending"]
    c = label_article(store, config, a1, CorrectionAction.FALSE_ALARM, "maria", note="a drill")
    assert (c.action, c.editor, c.incident_id, c.note) == ("false_alarm", "maria", inc, "a drill")
    # The pending email is withdrawn, with the reason, and never sent.
    assert dispatch_due(store, config, now=LATER).attempted == 0
    assert smtp.messages == []
    (row,) = rows(store)
    assert row.status == OutboxStatus.DISMISSED and "maria marked the article a false alarm" in (
        row.last_error
    )
    # It left its incident; the emptied incident is no row of the export.
    assert where(store, a1) is None
    assert list(incident_records(store)) == []
    # A later report of the same shooting is not grouped with the false alarm.
    a2 = store_article(store, config, other_outlet(), now=LATER)
    assert where(store, a2) not in (None, inc)
    with store.engine.connect() as conn:
        assert [a.id for a in snapshot(conn, where(store, a2)).articles] == [a2]
        assert labels(conn)[a1].action == CorrectionAction.FALSE_ALARM


def test_a_false_alarm_among_reports_leaves_the_others_their_incident(store_url) -> None:
    config = make_config(hook_url="http://127.0.0.1:9/hook")
    store = Store(store_url)
    try:
        _false_alarm_among_reports(store, config)
    finally:
        store.close()


def _false_alarm_among_reports(store, config) -> None:
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    a2 = store_article(store, config, other_outlet(), now=LATER)
    inc = where(store, a1)
    assert where(store, a2) == inc
    label_article(store, config, a1, CorrectionAction.FALSE_ALARM, "maria")
    with store.engine.connect() as conn:
        snap = snapshot(conn, inc)
    assert [(a.id, a.relation) for a in snap.articles] == [(a2, "first")]
    assert [r["article_count"] for r in incident_records(store)] == [1]
    # Its alert, still pending, is withdrawn; the other report's is not.
    assert [r.status for r in rows(store)] == ["dismissed", "pending"]


def test_a_missed_report_opens_an_incident_and_alerts_by_email(store, smtp) -> None:
    config = make_config(smtp_port=smtp.port)
    quiet = article("https://kcdaily.test/missed", "Man dies in confrontation", STORY_A, ois=False)
    a1 = store_article(store, config, quiet)
    assert where(store, a1) is None and rows(store) == []
    c = label_article(store, config, a1, CorrectionAction.MISSED, "maria", now=LATER)
    assert c.incident_id is None  # it was in none when labelled
    assert where(store, a1) is not None
    assert dispatch_due(store, config, now=LATER).sent == 1
    (msg,) = smtp.parsed()
    assert msg["Subject"].startswith("[OIS] Man dies in confrontation")


def test_a_missed_report_joins_the_incident_it_reports_without_alerting_when_asked(
    store,
) -> None:
    config = make_config(hook_url="http://127.0.0.1:9/hook")
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    a2 = store_article(store, config, other_outlet(ois=False), now=LATER)
    assert where(store, a2) is None
    label_article(store, config, a2, CorrectionAction.MISSED, "maria", alert=False)
    assert where(store, a2) == where(store, a1)
    assert len(rows(store)) == 1  # a1's alert only


def test_false_alarm_then_confirmed_rejoins_without_a_second_alert(store) -> None:
    config = make_config(hook_url="http://127.0.0.1:9/hook")
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    label_article(store, config, a1, CorrectionAction.FALSE_ALARM, "maria")
    label_article(store, config, a1, CorrectionAction.BORDERLINE, "ann")
    assert where(store, a1) is None
    label_article(store, config, a1, CorrectionAction.CONFIRMED, "ann")
    assert where(store, a1) is not None
    assert [r.status for r in rows(store)] == ["dismissed"]
    with store.engine.connect() as conn:
        assert labels(conn)[a1].action == CorrectionAction.CONFIRMED


def test_only_labels_of_stored_articles_are_taken(store) -> None:
    config = make_config(hook_url="http://127.0.0.1:9/hook")
    a1 = store_article(store, config, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    with pytest.raises(ValueError, match="not a label"):
        label_article(store, config, a1, CorrectionAction.MOVE, "maria")
    with pytest.raises(KeyError):
        label_article(store, config, a1 + 100, CorrectionAction.FALSE_ALARM, "maria")
    label_article(store, config, a1, "borderline", "maria")  # the form's value, as given
    with store.engine.connect() as conn:
        assert labels(conn)[a1].action == CorrectionAction.BORDERLINE
        assert where(store, a1) is not None  # borderline: recorded, nothing moved
