"""Editors move, split and merge reports and correct facts; the incidents follow, on a real
store (SQLite, and PostgreSQL where a test takes ``store_url``)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from alert_fixtures import (
    STORY_A,
    STORY_A_OTHER_OUTLET,
    STORY_B,
    T0,
    article,
    make_config,
    store_article,
)
from sqlalchemy import select

from incidents import edit
from incidents.db import incident_of, snapshot
from incidents.rebuild import absorb
from records import CorrectionAction
from store import Store
from store.corrections import history
from store.schema import alerts, incident_keys, incidents

CONFIG = make_config(hook_url="http://127.0.0.1:9/hook")
LATER = T0 + timedelta(hours=2)


def bell(store: Store, url: str = "https://kcdaily.test/a", **kw: object) -> int:
    return store_article(store, CONFIG, article(url, "Police kill man", STORY_A, **kw))


def bell_other(store: Store, **kw: object) -> int:
    art = article(
        "https://othertv.test/b",
        "Man dies after officer opens fire on Prospect",
        STORY_A_OTHER_OUTLET,
        outlet="Other TV",
        incident_date=None,
        **{"published": LATER, **kw},  # type: ignore[arg-type]
    )
    return store_article(store, CONFIG, art, now=LATER)


def whitfield(store: Store, url: str = "https://kcdaily.test/w", **kw: object) -> int:
    art = article(
        url,
        "Officer wounds woman who drove at police in Westport",
        STORY_B,
        fatal=False,
        **{"published": T0 + timedelta(hours=1), **kw},  # type: ignore[arg-type]
    )
    return store_article(store, CONFIG, art, now=T0 + timedelta(hours=3))


def row(store: Store, incident_id: int):
    with store.engine.connect() as conn:
        return conn.execute(select(incidents).where(incidents.c.id == incident_id)).one()


def keys(store: Store, incident_id: int) -> set[str]:
    with store.engine.connect() as conn:
        query = select(incident_keys.c.key).where(incident_keys.c.incident_id == incident_id)
        return set(conn.execute(query).scalars())


def where(store: Store, article_id: int) -> int | None:
    with store.engine.connect() as conn:
        return incident_of(conn, article_id)


def three_reports(store: Store) -> tuple[int, int, int, int, int]:
    """Bell reported twice (one incident), Whitfield once (another)."""
    a1, a2, w = bell(store), bell_other(store), whitfield(store)
    inc_a, inc_w = where(store, a1), where(store, w)
    assert inc_a == where(store, a2) and inc_a != inc_w
    assert inc_a is not None and inc_w is not None
    return a1, a2, w, inc_a, inc_w


def test_move_takes_the_report_its_keys_and_alert_to_the_other_incident(store) -> None:
    a1, a2, w, inc_a, inc_w = three_reports(store)
    assert keys(store, inc_a) == {"street:39th", "street:prospect"}  # a1's streets
    with store.begin() as conn:
        c = edit.move(conn, a1, inc_w, "maria", note="other shooting")
    assert (c.action, c.editor, c.article_id) == (CorrectionAction.MOVE, "maria", a1)
    assert c.note == "other shooting"
    assert c.detail["to_incident"] == inc_w and c.detail["from_incident"] == inc_a
    assert where(store, a1) == inc_w and where(store, a2) == inc_a
    with store.engine.connect() as conn:
        w_snap, a_snap = snapshot(conn, inc_w), snapshot(conn, inc_a)
        assert [a.id for a in a_snap.articles] == [a2]
        # a1 was published before Whitfield's report: it is the incident's first now.
        assert [(a.id, a.relation) for a in w_snap.articles] == [(a1, "first"), (w, "update")]
        alert_of_a1 = conn.execute(select(alerts.c.incident_id).where(alerts.c.article_id == a1))
        assert alert_of_a1.scalar_one() == inc_w
        assert [h.action for h in history(conn, article_id=a1)] == [CorrectionAction.MOVE]
    assert row(store, inc_w).first_article_id == a1
    assert row(store, inc_a).first_article_id == a2
    # The streets went with the report that named them.
    assert keys(store, inc_w) == {"street:39th", "street:prospect", "street:pennsylvania"}
    assert keys(store, inc_a) == set()


def test_moving_the_last_report_merges_the_emptied_incident_into_the_target(store) -> None:
    a1, a2, w, inc_a, inc_w = three_reports(store)
    with store.begin() as conn:
        edit.move(conn, w, inc_a, "maria")
    gone = row(store, inc_w)
    assert gone.merged_into == inc_a
    assert keys(store, inc_w) == set()
    with store.engine.connect() as conn:
        refs = conn.execute(select(alerts.c.incident_id).where(alerts.c.article_id == w))
        assert refs.scalar_one() == inc_a


def test_split_opens_a_new_incident_and_recomputes_the_old_one(store) -> None:
    a1, a2, _, inc_a, _ = three_reports(store)
    with store.begin() as conn:
        new_id, c = edit.split(conn, a2, "maria")
    assert c.action == CorrectionAction.SPLIT and c.detail["to_incident"] == new_id
    assert where(store, a2) == new_id and where(store, a1) == inc_a
    assert row(store, new_id).first_article_id == a2
    with store.engine.connect() as conn:
        assert [a.id for a in snapshot(conn, inc_a).articles] == [a1]
    with store.begin() as conn, pytest.raises(ValueError, match="only report"):
        edit.split(conn, a1, "maria")


def test_merge_moves_reports_and_later_reports_join_the_kept_incident(store_url) -> None:
    store = Store(store_url)
    try:
        a1, a2, w, inc_a, inc_w = three_reports(store)
        with store.begin() as conn:
            c = edit.merge(conn, inc_a, inc_w, "maria")
        assert c.action == CorrectionAction.MERGE and c.detail["merged"] == inc_w
        assert row(store, inc_w).merged_into == inc_a
        assert {where(store, x) for x in (a1, a2, w)} == {inc_a}
        assert "street:pennsylvania" in keys(store, inc_a) and not keys(store, inc_w)
        # A later report of Whitfield's shooting finds the kept incident, not the merged one.
        later = whitfield(store, "https://othertv.test/w2", outlet="Other TV")
        assert where(store, later) == inc_a
        with store.begin() as conn, pytest.raises(ValueError):
            edit.merge(conn, inc_a, inc_w, "maria")
    finally:
        store.close()


def test_absorb_records_no_correction(store) -> None:
    a1, _, w, inc_a, inc_w = three_reports(store)
    with store.begin() as conn:
        absorb(conn, inc_w, inc_a)
        assert history(conn) == []
    assert where(store, a1) == inc_w and row(store, inc_a).merged_into == inc_w


def test_a_corrected_fact_wins_over_later_reports(store) -> None:
    a1 = bell(store, fatal=False)
    inc = where(store, a1)
    assert inc is not None
    with store.begin() as conn:
        c = edit.correct_fact(conn, inc, "fatal", "no", "maria")
        edit.correct_fact(conn, inc, "victim_name", "Marcus A. Bell", "maria")
        edit.correct_fact(conn, inc, "officer_names", "Ann Kerr, Ben Ortiz", "maria")
    assert c.action == CorrectionAction.FACT and c.detail["field"] == "fatal"
    assert c.detail["value"] is False
    # A later report says he died: the editor's facts stand, now and when rebuilt.
    a2 = bell_other(store, fatal=True)
    assert where(store, a2) == inc
    facts = json.loads(row(store, inc).facts)
    assert facts["fatal"] is False and facts["victim_name"] == "Marcus A. Bell"
    assert facts["officer_names"] == ["Ann Kerr", "Ben Ortiz"]
    assert {"officer:kerr", "officer:ortiz", "victim:bell"} <= keys(store, inc)
    with store.begin() as conn:
        edit.split(conn, a2, "maria")
        assert snapshot(conn, inc).facts["fatal"] is False
    # Place, date and agency set the columns grouping and the export read.
    with store.begin() as conn:
        edit.correct_fact(conn, inc, "place", "Raytown, mo", "maria")
        edit.correct_fact(conn, inc, "date", "2026-03-02", "maria")
        edit.correct_fact(conn, inc, "agency", "Raytown Police", "maria")
    r = row(store, inc)
    assert (r.city, r.state, str(r.event_date)) == ("Raytown", "MO", "2026-03-02")
    assert json.loads(r.facts)["agencies"] == ["Raytown Police"]
    assert json.loads(r.agencies) == ["raytown police"]
    with store.begin() as conn, pytest.raises(ValueError, match="not a fact"):
        edit.correct_fact(conn, inc, "mood", "sad", "maria")


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("fatal", "yes", {"fatal": True}),
        ("fatal", "unknown", {"fatal": None}),
        ("agency", "Raytown Police", {"agencies": ["Raytown Police"]}),
        ("officers", "Ann  Kerr, ,Ben Ortiz", {"officer_names": ["Ann Kerr", "Ben Ortiz"]}),
        ("place", "Tulsa, Oklahoma", {"city": "Tulsa", "state": "OK", "place": "Tulsa, OK"}),
        ("state", "Kan.", {"state": "KS"}),
        ("date", "2026-03-02", {"date": "2026-03-02"}),
        ("victim_age", "31", {"victim_age": 31}),
        ("victim", " Marcus\nBell ", {"victim_name": "Marcus Bell"}),
    ],
)
def test_facts_are_stored_as_reports_store_them(field, value, stored) -> None:
    assert edit.normalise_fact(field, value) == stored


@pytest.mark.parametrize(
    ("field", "value"), [("fatal", "perhaps"), ("date", "last Tuesday"), ("victim_age", "300")]
)
def test_a_fact_that_is_not_one_is_refused(field, value) -> None:
    with pytest.raises(ValueError):
        edit.normalise_fact(field, value)
