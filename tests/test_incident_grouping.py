"""Grouping reports into incidents through the real classifier and store stage (issue 12).

Every story here is invented for these tests; the labelled sets are in tests/data and scored
by benchmarks/incident_grouping.py, whose logic runs below as a gate.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from alert_fixtures import make_config
from sqlalchemy import select

from alerts import enqueue
from alerts.render.mail import render_text, subject
from benchmarks import incident_grouping as bench
from classifier import classify
from classifier.names import people
from incidents.similarity import proper_names
from oiswatch.export import COLUMNS, incident_records
from records import Article, codec
from store.schema import alerts as alerts_table
from store.schema import articles, incident_articles, incidents

CONFIG = make_config(hook_url="http://127.0.0.1:9/hook")


def report(url: str, title: str, text: str, published: datetime, outlet: str = "Desk") -> Article:
    """An article as the crawl's worker makes it: classified by the real classifier."""
    verdict = classify(title, text, published)
    assert verdict.ois, f"the invented story {url} must be flagged: {verdict.reason}"
    return Article(
        url=url,
        canonical_url=url,
        title=title,
        outlet=outlet,
        published=published,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        verdict=verdict,
    )


def keep(store, art: Article, now: datetime | None = None) -> int:
    with store.begin() as conn:
        article_id = store.save_article(conn, art, now=now or art.published)
        enqueue(conn, article_id, art, CONFIG, now=now or art.published)
    return article_id


def incident_ids(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.url, incident_articles.c.incident_id).join(
                incident_articles, incident_articles.c.article_id == articles.c.id
            )
        ).all()
    return {r.url: r.incident_id for r in rows}


def alert_events(store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(alerts_table.c.event, articles.c.url)
            .join(articles, articles.c.id == alerts_table.c.article_id)
            .order_by(alerts_table.c.id)
        ).all()
    return [(r.event, r.url) for r in rows]


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# -- the benchmark as a gate -------------------------------------------------------------


def test_labelled_benchmark_groups_reports_into_their_incidents() -> None:
    """Both labelled files, in publication and in a shuffled fetch order, and together."""
    sets = {p.stem: bench.reports(bench.load(p)) for p in bench.FILES}
    runs = [bench.run(f"{name} publication", items, "publication") for name, items in sets.items()]
    # A whole archive fetched in random order (a backfill), three orders each.
    runs += [
        bench.run(f"{name} shuffled seed {seed}", items, "shuffled", seed)
        for name, items in sets.items()
        for seed in range(3)
    ]
    together = [r for items in sets.values() for r in items]
    runs.append(bench.run("together", together, "publication"))
    for outcome in runs:
        assert outcome.precision >= bench.MIN_PRECISION, outcome.line()
        assert outcome.other_city == 0, outcome.line()
        assert outcome.first_not_earliest == 0 and outcome.export_first_wrong == 0, outcome.line()
        assert outcome.recall >= bench.MIN_RECALL, outcome.line()
    # The two files are two worlds: no incident holds reports of both.
    assert not [m for m in runs[-1].merges if "a-" in m and "b-" in m]


# -- names that mean names -----------------------------------------------------------------

KCK_ONE = (
    "KANSAS CITY, Kan. — A Kansas City, Kansas, police officer shot a man who drove a stolen "
    "pickup at him Saturday morning near North 61st Street and Quindaro Boulevard, police "
    "said.\n\nThe man, identified as Dorian Vance, 33, was taken to a hospital in critical "
    "condition. Vance had rammed two cruisers, police said."
)
KCK_TWO = (
    "KANSAS CITY, Kan. — Kansas City, Kansas, police shot and killed a man who fired at "
    "officers during a standoff Saturday night at a house in the 2400 block of Orchard Lane, "
    "police said.\n\nThe man was identified as Wendell Pruett, 58. Officers returned fire "
    "after Pruett shot at them from a window, police said."
)


def test_kck_dateline_makes_no_shared_name_and_two_shootings_stay_two(store) -> None:
    assert "kan" not in proper_names(KCK_ONE) and "kan" not in proper_names(KCK_TWO)
    keep(
        store,
        report("https://kck.test/1", "KCK officer shoots driver", KCK_ONE, at("2025-06-07", 15)),
    )
    keep(
        store,
        report(
            "https://kck.test/2", "KCK police kill man in standoff", KCK_TWO, at("2025-06-08", 4)
        ),
    )
    ids = incident_ids(store)
    assert ids["https://kck.test/1"] != ids["https://kck.test/2"]
    assert [e for e, _ in alert_events(store)] == ["incident.new", "incident.new"]


BYLINE_WICHITA = (
    "By Staff Reporter\n\nWICHITA, Kan. — A Wichita police officer shot and wounded a man who "
    "pointed a rifle at officers outside a bar on West Douglas Avenue early Friday, police "
    "said.\n\nThe man, Corbin Lisle, 41, is expected to survive. (Photo: Staff Photographer)"
)
BYLINE_OMAHA = (
    "By Staff Reporter\n\nOMAHA, Neb. — Omaha police shot and killed a man who fired at "
    "officers after a chase that ended on Ames Avenue Friday night, police said.\n\nThe man was "
    "identified as Tobias Renning, 29. Associated Press contributed to this report."
)


def test_bylines_credits_and_wire_names_are_not_names(store) -> None:
    for text in (BYLINE_WICHITA, BYLINE_OMAHA):
        names = proper_names(text)
        assert not names & {"staff", "reporter", "photographer", "associated", "press", "neb"}
    keep(
        store,
        report(
            "https://w.test/1", "Wichita officer shoots man", BYLINE_WICHITA, at("2025-03-14", 9)
        ),
    )
    keep(
        store,
        report("https://o.test/1", "Omaha police kill man", BYLINE_OMAHA, at("2025-03-14", 23)),
    )
    ids = incident_ids(store)
    assert ids["https://w.test/1"] != ids["https://o.test/1"]


def test_a_pointer_to_other_coverage_gives_no_street_or_name() -> None:
    """ "For coverage of the shooting on East Calloway Street in Springfield, see ..." names
    the other story's street and city: they are not this report's."""
    from incidents.similarity import street_names

    text = (
        "DECATUR, Ill. — A Decatur police officer shot and wounded a man who pointed a rifle "
        "at officers on Eldorado Street near Oakland Avenue, police said.\n\nFor coverage of "
        "the July 11 shooting on East Calloway Street in Springfield, Illinois, see "
        "sj-register.example."
    )
    assert street_names(text) == {"eldorado", "oakland"}
    assert proper_names(text, ["Decatur"]) == {"eldorado", "oakland"}


def test_the_person_shot_and_the_officers_are_facts() -> None:
    text = (
        "Police identified the man shot by Officer Renata Quill as Marlon Ashby, 27, of "
        "Lawrence. Quill fired twice, police said. Sgt. Hollis Grange, a department spokesman, "
        "said Quill has been placed on leave."
    )
    named = people("Officer shoots man", text)
    assert (named.victim, named.victim_age) == ("Marlon Ashby", 27)
    assert named.officers == ("Renata Quill",)  # the spokesman is not the shooter
    verdict = classify("Officer shoots man at traffic stop", text)
    assert verdict.victim_name == "Marlon Ashby" and verdict.officer_names == ("Renata Quill",)
    assert codec.to_json(verdict)["officer_names"] == ["Renata Quill"]


def test_the_officer_on_trial_is_not_the_person_shot() -> None:
    """A trial story names the officer with an age and no rank; the one charged with the
    killing is the shooter. A suspect charged with an earlier killing stays the person shot."""
    trial = (
        "A jury on Friday acquitted a former Wichita police officer of manslaughter. Dale "
        "Korver, 41, was charged with second-degree manslaughter in the death of Ramon Ochoa, "
        "who was shot during a traffic stop in 2022. Korver testified that he saw a gun. "
        "Ochoa's family said they would appeal to federal prosecutors."
    )
    named = people("Ex-officer acquitted in fatal shooting", trial)
    assert named.victim == "Ramon Ochoa"
    assert named.officers == ("Dale Korver",)
    wanted = (
        "Police said Darnell Fisk, 24, was charged with murder in the death of a store clerk "
        "last week. Officer Amy Lund shot Fisk when he raised a handgun, police said. Fisk died "
        "at the scene."
    )
    named = people("Officer shoots murder suspect", wanted)
    assert named.victim == "Darnell Fisk"
    assert named.officers == ("Amy Lund",)


# -- place, date window and agency must agree -----------------------------------------------

KC_FIRST = (
    "KANSAS CITY, Mo. — Kansas City police shot and wounded a man who pointed a gun at "
    "officers near East 35th Street and Wabash Avenue on Thursday night, police said."
)
TOPEKA_FIRST = (
    "TOPEKA, Kan. — A Topeka police officer shot and killed a man who charged at officers with "
    "a machete on Thursday near SW Gage Boulevard, police said."
)
LA_REPORT = (
    "LOS ANGELES — Los Angeles police officers shot and killed a man who fired at them in a "
    "parking garage on Thursday night, the department said. No officers were hurt."
)
PA_SETTLEMENT = (
    "HARRISBURG, Pa. — The city council on Thursday approved a $900,000 settlement with the "
    "family of Everett Mole, who was shot and killed by a Harrisburg police officer in 2021. "
    "Mole's family said the officer fired without warning."
)


def test_a_shooting_elsewhere_is_never_filed_under_another_citys_incident(store) -> None:
    day = at("2025-09-04", 6)
    keep(store, report("https://kc.test/1", "KC police shoot man", KC_FIRST, day))
    keep(store, report("https://tk.test/1", "Topeka officer kills man", TOPEKA_FIRST, day))
    later = day + timedelta(hours=5)
    keep(store, report("https://la.test/1", "LAPD officers kill man in garage", LA_REPORT, later))
    keep(
        store,
        report("https://pa.test/1", "Council settles police shooting suit", PA_SETTLEMENT, later),
    )
    ids = incident_ids(store)
    assert len(set(ids.values())) == 4, ids
    assert [e for e, _ in alert_events(store)] == ["incident.new"] * 4


# -- first means earliest published ----------------------------------------------------------

ORIGINAL = (
    "SALINA, Kan. — A Salina police officer shot a man who swung a hatchet at officers outside "
    "a motel on North Ninth Street early Monday, police said. The man was taken to a hospital."
)
FOLLOWUP = (
    "SALINA, Kan. — The man shot by a Salina police officer outside a motel on North Ninth "
    "Street early Monday has been identified as Garrett Oyelaran, 36. Police said the officer "
    "fired once after Oyelaran swung a hatchet."
)


def test_an_earlier_report_fetched_later_becomes_the_first_and_alerts_as_earlier(store) -> None:
    published = at("2025-02-03", 8)
    original = report("https://sal.test/first", "Salina officer shoots man", ORIGINAL, published)
    follow = report(
        "https://sal.test/named",
        "Man shot by Salina officer named",
        FOLLOWUP,
        published + timedelta(hours=4),
    )
    fetched = published + timedelta(hours=5)
    keep(store, follow, now=fetched)  # the later report is fetched first
    keep(store, original, now=fetched + timedelta(minutes=1))
    ids = incident_ids(store)
    assert ids["https://sal.test/first"] == ids["https://sal.test/named"]
    with store.engine.connect() as conn:
        first_url = conn.execute(
            select(articles.c.url).join(incidents, incidents.c.first_article_id == articles.c.id)
        ).scalar()
    assert first_url == "https://sal.test/first"
    (record,) = incident_records(store)
    assert record["first_article_url"] == "https://sal.test/first"
    assert record["first_article_published"] == published.isoformat()
    events = alert_events(store)
    assert events == [
        ("incident.new", "https://sal.test/named"),
        ("incident.earlier", "https://sal.test/first"),
    ]
    with store.engine.connect() as conn:
        payload = conn.execute(
            select(alerts_table.c.payload).order_by(alerts_table.c.id.desc())
        ).scalar()
    from alerts.records import Alert

    alert = codec.from_json(Alert, json.loads(payload))
    assert subject(alert).startswith("[OIS earlier report]")
    assert "earlier report of an incident you were already alerted to" in render_text(alert)


# -- merged facts and what changed --------------------------------------------------------

WOUNDED = (
    "EMPORIA, Kan. — An Emporia police officer shot and wounded a man who pointed a shotgun at "
    "officers on Commercial Street on Friday night, police said. The man, identified as Levi "
    "Strand, 44, was taken to a hospital in critical condition."
)
DIED = (
    "EMPORIA, Kan. — Levi Strand, the man shot by an Emporia police officer on Commercial "
    "Street on Friday night, died at a hospital on Sunday, police said. The Kansas Bureau of "
    "Investigation identified the officer who fired as Officer Tessa Wren. Strand, 44, had "
    "pointed a shotgun at officers, police said."
)


def test_a_later_death_updates_the_incident_and_the_update_says_what_changed(store) -> None:
    first = report(
        "https://emp.test/1", "Emporia officer shoots man", WOUNDED, at("2025-05-09", 23)
    )
    keep(store, first)
    later = report(
        "https://emp.test/2", "Man shot by Emporia officer dies", DIED, at("2025-05-11", 15)
    )
    keep(store, later)
    ids = incident_ids(store)
    assert ids["https://emp.test/1"] == ids["https://emp.test/2"]
    (record,) = incident_records(store)
    assert record["fatal"] is True
    assert record["victim_name"] == "Levi Strand" and record["victim_age"] == 44
    assert record["officer_names"] == ["Tessa Wren"]
    assert {"victim_name", "victim_age", "officer_names"} <= set(COLUMNS)
    with store.engine.connect() as conn:
        payload = conn.execute(
            select(alerts_table.c.payload).order_by(alerts_table.c.id.desc())
        ).scalar()
    changes = json.loads(payload)["changes"]
    assert "fatal: no → yes" in changes
    assert "officers named: Tessa Wren" in changes


# -- old incidents ---------------------------------------------------------------------------

DECADE_FIRST = (
    "JOPLIN, Mo. — Joplin police identified the man shot and killed by an officer on Main "
    "Street early Sunday as Curtis Vandermeer, 22. Police said Vandermeer pointed a pistol at "
    "the officer, who fired three times."
)
DECADE_LATER = (
    "Ten years after a Joplin police officer shot and killed Curtis Vandermeer on Main Street, "
    "his mother still sets out flowers at the corner each spring. Vandermeer, who was 22, was "
    "killed after police said he pointed a pistol at the officer."
)


def test_a_follow_up_a_decade_later_joins_the_incident_of_the_same_person(store) -> None:
    keep(
        store,
        report(
            "https://jop.test/2015", "Joplin police kill man", DECADE_FIRST, at("2015-04-12", 9)
        ),
    )
    # Ten years of other shootings elsewhere in between.
    for year in range(2016, 2025):
        text = KC_FIRST.replace("Thursday", "Friday")
        keep(
            store,
            report(f"https://kc.test/{year}", "KC police shoot man", text, at(f"{year}-06-05", 9)),
        )
    keep(
        store, report("https://jop.test/2025", "Ten years later", DECADE_LATER, at("2025-04-12", 9))
    )
    ids = incident_ids(store)
    assert ids["https://jop.test/2015"] == ids["https://jop.test/2025"]
    assert alert_events(store)[-1] == ("incident.update", "https://jop.test/2025")


def test_a_missing_place_or_date_is_not_agreement() -> None:
    """The city, the day and the police are just enough for two bare briefs; without the
    day (or the city) they are not: the report opens its own incident."""
    from incidents.matching import Candidate, Features, match

    known = Features(
        signature=(),
        names=frozenset({"prospect"}),
        city="Kansas City",
        state="MO",
        event_date=at("2025-09-04").date(),
        agencies=frozenset({"kansas city police"}),
    )
    unplaced = Features(
        signature=(),
        names=frozenset(),
        city=None,
        state=None,
        event_date=None,
        agencies=frozenset({"kansas city police"}),
    )
    assert match(unplaced, [Candidate(1, known, (known,))]) is None
    dated = Features(**{**unplaced.__dict__, "event_date": known.event_date})
    assert match(dated, [Candidate(1, known, (known,))]) is None
    placed = Features(**{**unplaced.__dict__, "city": "Kansas City", "state": "MO"})
    assert match(placed, [Candidate(1, known, (known,))]) is None
    both = Features(**{**placed.__dict__, "event_date": known.event_date})
    assert match(both, [Candidate(1, known, (known,))]) is not None


def test_the_city_a_day_apart_and_one_name_do_not_make_one_shooting() -> None:
    """Albuquerque police on Saturday in the International District, and county deputies on
    Sunday in the South Valley: the city, a day apart, the state and the neighbourhood's name
    add up to the threshold but tell nothing about which shooting; two shared names do."""
    from incidents.matching import Candidate, Features, match

    sunday = Features(
        signature=(),
        names=frozenset({"international", "tahoe", "arenal"}),
        city="Albuquerque",
        state="NM",
        event_date=at("2023-10-22").date(),
        agencies=frozenset({"bernalillo county sheriff"}),
    )
    saturday = Features(
        signature=(),
        names=frozenset({"international"}),
        city="Albuquerque",
        state="NM",
        event_date=at("2023-10-21").date(),
        agencies=frozenset({"albuquerque police"}),
    )
    assert match(saturday, [Candidate(1, sunday, (sunday,))]) is None
    two_names = Features(**{**saturday.__dict__, "names": frozenset({"international", "arenal"})})
    assert match(two_names, [Candidate(1, sunday, (sunday,))]) is not None


def test_a_follow_up_telling_the_incidents_own_day_joins_it() -> None:
    """Two days on, the coroner names "the man shot by police during a traffic stop Tuesday
    night": no street, no shared name, but the city, the police and the day it tells are
    the incident's."""
    from incidents.matching import Candidate, Features, match

    first = Features(
        signature=(),
        names=frozenset({"birch"}),
        city="Harlow Springs",
        state="OH",
        event_date=at("2025-06-03").date(),
        agencies=frozenset({"harlow springs police"}),
    )
    coroner = Features(
        signature=(),
        names=frozenset({"lindqvist", "corey"}),
        city="Harlow Springs",
        state="OH",
        event_date=None,
        agencies=frozenset({"harlow springs police"}),
        followup=True,
        told_date=first.event_date,
    )
    assert match(coroner, [Candidate(1, first, (first,))]) is not None


# -- incidents a later report ties together ----------------------------------------------------

TIE_LAWSUIT = (
    "The family of Marcus Dellinger, who was shot and killed by a Lawrence police officer in "
    "March, filed a wrongful-death lawsuit Monday against the city. Officer Grant Pelham fired "
    "four times at Dellinger, the lawsuit says. Dellinger, 29, was unarmed, his family said."
)
TIE_BRIEF = (
    "LAWRENCE, Kan. — A Lawrence police officer shot and killed a man Tuesday night near "
    "Haskell Avenue and East 19th Street, police said. The Kansas Bureau of Investigation is "
    "investigating. No officers were hurt."
)
TIE_NAMED = (
    "LAWRENCE, Kan. — The man shot and killed by a Lawrence police officer Tuesday night near "
    "Haskell Avenue and East 19th Street was identified Wednesday as Marcus Dellinger, 29. "
    "Officer Grant Pelham fired at Dellinger after a foot chase, police said."
)


def test_a_report_that_ties_two_incidents_merges_them_and_says_so(store) -> None:
    """A backfill meets a later lawsuit story first and the first brief second: neither says
    enough to join the other, so each opens an incident. The report naming both the person
    shot and the street ties them: one incident from then on, first report the earliest, and
    the tying report's alert says which incident was merged into it."""
    shot = at("2025-03-11", 22)
    lawsuit = report(
        "https://law.test/suit", "Family sues Lawrence", TIE_LAWSUIT, shot + timedelta(days=60)
    )
    brief = report(
        "https://law.test/brief", "Lawrence officer kills man", TIE_BRIEF, shot + timedelta(hours=1)
    )
    named = report(
        "https://law.test/named",
        "Man killed by Lawrence officer named",
        TIE_NAMED,
        shot + timedelta(hours=14),
    )
    fetched = shot + timedelta(days=61)
    keep(store, lawsuit, now=fetched)
    keep(store, brief, now=fetched + timedelta(minutes=1))
    ids = incident_ids(store)
    assert ids["https://law.test/suit"] != ids["https://law.test/brief"]  # not enough alone
    keep(store, named, now=fetched + timedelta(minutes=2))
    ids = incident_ids(store)
    assert len(set(ids.values())) == 1, ids
    (record,) = incident_records(store)
    assert record["first_article_url"] == "https://law.test/brief"
    assert [a["url"] for a in record["articles"]] == [
        "https://law.test/brief",
        "https://law.test/named",
        "https://law.test/suit",
    ]
    assert record["victim_name"] == "Marcus Dellinger"
    events = alert_events(store)
    assert [e for e, _ in events[:2]] == ["incident.new", "incident.new"]
    assert events[2] == ("incident.update", "https://law.test/named")
    with store.engine.connect() as conn:
        payload = conn.execute(
            select(alerts_table.c.payload).order_by(alerts_table.c.id.desc())
        ).scalar()
    changes = json.loads(payload)["changes"]
    assert any(c.startswith("merged: incident ") for c in changes), changes


# -- a follow-up that tells the day -------------------------------------------------------------

DAY_BRIEF = (
    "ALBUQUERQUE, N.M. — Albuquerque police officers shot and killed a man early Saturday in "
    "the Westgate Heights neighborhood after he fired at them, police said. No officers were "
    "hurt."
)
DAY_RULING = (
    "The district attorney said Thursday that two Albuquerque police officers were justified "
    "when they shot and killed Ruben Salas in the Westgate Heights neighborhood last fall. "
    "Salas, 33, was killed early on Oct. 21 after he fired at the officers, the review found."
)


def test_a_follow_up_months_later_finds_the_incident_of_the_day_it_tells(store) -> None:
    """Months on, the incident is closed to its city's news; the ruling that says "killed
    early on Oct. 21" (and "said Thursday", the day of the ruling) finds it by that day."""
    brief = report("https://abq.test/brief", "Police kill man", DAY_BRIEF, at("2023-10-21", 9))
    keep(store, brief)
    ruling = report(
        "https://abq.test/ruling", "Officers justified, DA says", DAY_RULING, at("2024-02-08", 16)
    )
    keep(store, ruling)
    ids = incident_ids(store)
    assert ids["https://abq.test/brief"] == ids["https://abq.test/ruling"]
    assert alert_events(store)[-1] == ("incident.update", "https://abq.test/ruling")


TIE_AGAIN = (
    "LAWRENCE, Kan. — Marcus Dellinger, 29, the man a Lawrence police officer shot and killed "
    "Tuesday near Haskell Avenue and East 19th Street, had called 911 minutes before, his "
    "sister said Thursday. Officer Grant Pelham fired at Dellinger after a short foot chase."
)


def tie_three(store) -> datetime:
    """The lawsuit, the brief and the named report, fetched in that order: one incident."""
    shot = at("2025-03-11", 22)
    fetched = shot + timedelta(days=61)
    stories = [
        ("suit", "Family sues Lawrence", TIE_LAWSUIT, shot + timedelta(days=60)),
        ("brief", "Lawrence officer kills man", TIE_BRIEF, shot + timedelta(hours=1)),
        ("named", "Man killed by Lawrence officer named", TIE_NAMED, shot + timedelta(hours=14)),
    ]
    for i, (slug, title, text, published) in enumerate(stories):
        art = report(f"https://law.test/{slug}", title, text, published)
        keep(store, art, now=fetched + timedelta(minutes=i))
    return fetched


def test_incidents_an_editor_kept_apart_are_not_merged_again(store) -> None:
    """The editor says the brief is another shooting (split): a later report that would tie
    the two incidents again leaves them as the editor said."""
    from incidents import edit

    fetched = tie_three(store)
    ids = incident_ids(store)
    assert len(set(ids.values())) == 1
    with store.engine.connect() as conn:
        brief_id = conn.execute(
            select(articles.c.id).where(articles.c.url == "https://law.test/brief")
        ).scalar_one()
    with store.begin() as conn:
        edit.split(conn, brief_id, "editor@desk", now=fetched + timedelta(hours=1))
    again = report("https://law.test/again", "Sister speaks", TIE_AGAIN, at("2025-03-13", 18))
    keep(store, again, now=fetched + timedelta(hours=2))
    ids = incident_ids(store)
    assert ids["https://law.test/again"] == ids["https://law.test/named"]
    assert ids["https://law.test/brief"] != ids["https://law.test/named"]


def test_a_merge_that_fails_costs_neither_the_report_nor_its_alert(store, monkeypatch) -> None:
    """A bug half-way through merging two incidents: the report is stored, joins the
    incident it matched and is alerted; the two incidents are as they were."""
    import incidents.linking

    def broken_absorb(conn, keep_id, gone_id, now=None):
        conn.execute(
            incident_articles.update()
            .where(incident_articles.c.incident_id == gone_id)
            .values(incident_id=keep_id)
        )
        raise RuntimeError("disk hiccup half-way through a merge")

    monkeypatch.setattr(incidents.linking, "absorb", broken_absorb)
    tie_three(store)
    ids = incident_ids(store)
    assert set(ids) == {"https://law.test/suit", "https://law.test/brief", "https://law.test/named"}
    assert ids["https://law.test/suit"] != ids["https://law.test/brief"]
    assert ids["https://law.test/named"] in (
        ids["https://law.test/suit"],
        ids["https://law.test/brief"],
    )
    # Published before the lawsuit it joined: an earlier report of that incident.
    assert alert_events(store)[-1] == ("incident.earlier", "https://law.test/named")
