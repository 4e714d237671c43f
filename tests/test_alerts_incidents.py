"""Reports of one shooting form one incident; copies stay silent; two shootings stay apart."""

from __future__ import annotations

from datetime import timedelta

from alert_fixtures import (
    STORY_A,
    STORY_A_FOLLOWUP,
    STORY_A_OTHER_OUTLET,
    STORY_B,
    T0,
    TUESDAY,
    article,
    make_config,
    store_article,
)
from sqlalchemy import select

from incidents.db import features_of
from incidents.matching import Candidate, match
from incidents.similarity import estimate_jaccard, jaccard, shingles, signature
from store.schema import alerts as alerts_table
from store.schema import incident_articles, outbox

CONFIG = make_config(hook_url="http://127.0.0.1:9/hook")


def relations(store):
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                incident_articles.c.article_id,
                incident_articles.c.incident_id,
                incident_articles.c.relation,
            ).order_by(incident_articles.c.article_id)
        ).all()
    return [(r.incident_id, r.relation) for r in rows]


def events(store):
    with store.engine.connect() as conn:
        return [r.event for r in conn.execute(select(alerts_table).order_by(alerts_table.c.id))]


def test_minhash_estimates_shingle_jaccard() -> None:
    copy = STORY_A.replace("Bell was pronounced", "Story continues below. Bell was pronounced")
    assert estimate_jaccard(signature(STORY_A), signature(copy)) >= 0.8
    assert estimate_jaccard(signature(STORY_A), signature(STORY_B)) < 0.1
    exact = jaccard(shingles(STORY_A), shingles(STORY_A_OTHER_OUTLET))
    assert abs(estimate_jaccard(signature(STORY_A), signature(STORY_A_OTHER_OUTLET)) - exact) < 0.15
    assert estimate_jaccard(signature(""), signature("")) == 0.0


def test_syndicated_copy_joins_without_a_second_alert(store) -> None:
    store_article(store, CONFIG, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    copy_text = STORY_A.replace("Bell was pronounced", "Story continues below\nBell was pronounced")
    copy = article(
        "https://partner.test/wire/123",
        "Man killed by KC officers at gas station",
        copy_text,
        outlet="Partner TV",
        published=T0 + timedelta(hours=2),
    )
    store_article(store, CONFIG, copy, now=T0 + timedelta(hours=2))
    assert relations(store) == [(1, "first"), (1, "copy")]
    assert events(store) == ["incident.new"]
    with store.engine.connect() as conn:
        assert len(conn.execute(select(outbox)).all()) == 1


def test_other_outlet_and_follow_up_are_updates_of_one_incident(store) -> None:
    store_article(store, CONFIG, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    other = article(
        "https://othertv.test/b",
        "Man dies after officer opens fire on Prospect",
        STORY_A_OTHER_OUTLET,
        outlet="Other TV",
        incident_date=None,
    )
    store_article(store, CONFIG, other, now=T0 + timedelta(hours=1))
    later = T0 + timedelta(days=6)
    follow = article(
        "https://kcdaily.test/c",
        "Family of man killed by police asks for video",
        STORY_A_FOLLOWUP,
        published=later,
        incident_date=None,
        followup=True,
    )
    store_article(store, CONFIG, follow, now=later)
    assert relations(store) == [(1, "first"), (1, "update"), (1, "update")]
    assert events(store) == ["incident.new", "incident.update", "incident.update"]


def test_two_shootings_same_day_same_city_are_two_incidents(store) -> None:
    store_article(store, CONFIG, article("https://kcdaily.test/a", "Police kill man", STORY_A))
    b = article(
        "https://kcdaily.test/b",
        "Officer shoots driver in Westport",
        STORY_B,
        fatal=False,
        sentence="A Kansas City police officer shot and wounded a woman in Westport.",
    )
    store_article(store, CONFIG, b, now=T0 + timedelta(minutes=30))
    assert relations(store) == [(1, "first"), (2, "first")]
    assert events(store) == ["incident.new", "incident.new"]


def test_same_names_in_another_city_or_week_open_a_new_incident() -> None:
    first = features_of(article("https://a.test/1", "t", STORY_A))
    cand = [Candidate(1, first, (first,))]
    elsewhere = features_of(
        article("https://a.test/2", "t", STORY_A_OTHER_OUTLET, city="Topeka", state="KS")
    )
    assert match(elsewhere, cand) is None
    weeks_later = features_of(
        article(
            "https://a.test/3",
            "t",
            STORY_A_OTHER_OUTLET,
            incident_date=TUESDAY + timedelta(days=21),
        )
    )
    assert match(weeks_later, cand) is None
    same = features_of(article("https://a.test/4", "t", STORY_A_OTHER_OUTLET))
    found = match(same, cand)
    assert found is not None and found.relation == "update"


def test_storing_an_article_twice_queues_nothing_new(store) -> None:
    a = article("https://kcdaily.test/a", "Police kill man", STORY_A)
    store_article(store, CONFIG, a)
    store_article(store, CONFIG, a, now=T0 + timedelta(minutes=5))
    assert events(store) == ["incident.new"]


def test_which_verdicts_alert(store) -> None:
    cases = [
        ("https://x.test/out", {"in_region": False}),
        ("https://x.test/shot", {"ois": False, "category": "officer_shot"}),
        ("https://x.test/no", {"ois": False, "category": "not_ois"}),
    ]
    for url, kw in cases:
        store_article(store, CONFIG, article(url, "t", STORY_B + url, **kw))
    assert events(store) == []
    opted_in = make_config(
        hook_url="http://127.0.0.1:9/hook", include_out_of_region=True, include_officer_shot=True
    )
    store_article(store, opted_in, article("https://x.test/out2", "t", STORY_A, in_region=False))
    store_article(
        store,
        opted_in,
        article("https://x.test/shot2", "t", STORY_B, ois=False, category="officer_shot"),
    )
    assert events(store) == ["incident.new", "incident.new"]


def test_backfilled_article_joins_an_incident_without_alerting(store) -> None:
    store_article(store, CONFIG, article("https://a.test/1", "t", STORY_A, alert=False))
    assert relations(store) == [(1, "first")]
    assert events(store) == []
    store_article(store, CONFIG, article("https://b.test/2", "t", STORY_A_OTHER_OUTLET))
    assert events(store) == ["incident.update"]
