"""Unit tests with short sentences written for these tests (never copied from ../shared)."""

from datetime import date, datetime

import pytest

from classifier import Verdict, classify
from records.codec import from_json, to_json


def flagged(text: str, title: str | None = None) -> Verdict:
    return classify(title, text)


@pytest.mark.parametrize(
    "text",
    [
        "An officer shot a man outside a grocery store on Tuesday.",
        "Two deputies opened fire on the pickup as it sped toward them.",
        "The suspect fired first and the trooper returned fire, hitting him in the arm.",
        "A man died after an exchange of gunfire with police near the river.",
        "The driver was struck by police gunfire and taken to a hospital.",
        "Investigators said the sergeant discharged his service weapon twice.",
        "The agency is reviewing an agent-involved shooting at the border crossing.",
        "A woman was shot by a deputy during a welfare check.",
        "A man was shot and killed by officers after he pointed a rifle at them.",
        "The officer-involved shooting happened just after midnight.",
        "Detectives, who had been chasing the car, fired several rounds at the driver.",
        "The officers, who were answering a call about a fight, opened fire on the man.",
        "A deputy's service weapon discharged as the man lunged at him with a knife.",
        "The teen an officer shot last spring has filed a claim.",
    ],
)
def test_officer_as_shooter_is_flagged(text: str) -> None:
    verdict = flagged(text)
    assert verdict.ois and verdict.category == "ois"
    assert verdict.evidence and verdict.evidence[0].sentence
    assert verdict.score >= 0.5


def test_evidence_spans_point_at_the_matched_words() -> None:
    verdict = flagged("Deputies opened fire on the car.")
    ev = verdict.evidence[0]
    words = [ev.sentence[a:b].lower() for a, b in ev.spans]
    assert "deputies" in words and "opened fire" in words
    assert ev.rule


@pytest.mark.parametrize(
    "text, category",
    [
        ("An officer was shot in the leg during a traffic stop.", "officer_shot"),
        ("A gunman shot an officer and fled. The officer did not return fire.", "officer_shot"),
        ("Police say the suspect shot a man in the parking lot.", "not_ois"),
        ("Police are investigating a shooting that left one man dead.", "not_ois"),
        ("Officers fired beanbag rounds at the man until he dropped the knife.", "not_ois"),
        ("An officer used a Taser on the man, who was then arrested.", "not_ois"),
        ("A K-9 bit the suspect as officers moved in; no officers fired.", "not_ois"),
        ("No officers fired their weapons during the standoff.", "not_ois"),
        ("The magazine's photo shoot drew a crowd downtown.", "not_ois"),
        ("Nurses gave flu shots and vaccine boosters at the clinic.", "not_ois"),
        ("The hockey game was decided in a shootout after overtime.", "not_ois"),
        ("He beat the shot clock with a fadeaway jumper.", "not_ois"),
        ("Officers found a woman who had been shot in the chest.", "not_ois"),
        ("It is unclear whether an officer fired during the struggle.", "not_ois"),
        ("Officers would have been justified to use deadly force, the chief said.", "not_ois"),
        ("The rule would bar officers from shooting at moving vehicles.", "not_ois"),
        ("The state now tracks every time officers fire at people.", "not_ois"),
        ("A woman was shot and killed by her ex-boyfriend Sunday, city police said.", "not_ois"),
        ("Police, who say the suspect shot a clerk, are searching for him.", "not_ois"),
    ],
)
def test_traps_are_not_flagged(text: str, category: str) -> None:
    verdict = flagged(text)
    assert not verdict.ois
    assert verdict.category == category
    assert verdict.reason  # negatives explain themselves too


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Body-camera video released in police shooting",
            "The video shows an officer shot a man in May.",
        ),
        (
            "Officer charged in shooting of teen",
            "Prosecutors charged the officer who shot the teen.",
        ),
        (
            "Family files lawsuit over deadly police shooting",
            "The suit says deputies shot him without warning.",
        ),
    ],
)
def test_followups_are_flagged_as_followups(title: str, text: str) -> None:
    verdict = flagged(text, title)
    assert verdict.ois and verdict.followup


def test_first_report_promising_details_is_not_a_followup() -> None:
    text = (
        "An officer shot a man on Elm Street on Tuesday. The man's name has not been released, "
        "and more details will be made public after the video is reviewed."
    )
    verdict = flagged(text, "Officer shoots man on Elm Street")
    assert verdict.ois and not verdict.followup


def test_shooting_told_as_past_is_a_followup() -> None:
    text = (
        "The city released the names of the officers involved in last month's shooting on Pine "
        "Avenue, in which an officer shot a man who had a rifle. An autopsy found he was hit twice."
    )
    assert flagged(text).followup


def test_fatal_and_wounded() -> None:
    assert flagged("An officer fatally shot a man who charged at him.").fatal is True
    wounded = flagged("A deputy shot and wounded a man, who is in stable condition.")
    assert wounded.fatal is False and wounded.anyone_hit is True


def test_incident_date_resolves_weekday_against_publication() -> None:
    friday = datetime(2021, 3, 26, 9, 0)
    verdict = classify(None, "An officer shot a man Wednesday night.", friday)
    assert verdict.incident_date == date(2021, 3, 24)


def test_location_agencies_and_investigator() -> None:
    text = (
        "SPRINGFIELD, Mo. — A Springfield police officer shot a man near 5th and Elm on Monday. "
        "The Missouri State Highway Patrol is investigating."
    )
    verdict = flagged(text)
    assert verdict.ois
    assert "Springfield Police" in verdict.agencies
    assert verdict.investigating_agency == "Missouri State Highway Patrol"
    assert verdict.location is not None
    assert verdict.location.as_written == "5th and Elm"
    assert (verdict.location.city, verdict.location.state) == ("Springfield", "MO")


def test_region() -> None:
    text = "A Gladstone police officer shot a man on Monday."
    assert classify(None, text).in_region is None
    assert classify(None, text, region=["gladstone"]).in_region is True
    assert classify(None, text, region=["Topeka", "KS"]).in_region is False


def test_borderline_kinds_are_marked() -> None:
    verdict = flagged("An officer shot a dog that attacked a mail carrier.")
    assert verdict.borderline
    assert "animal" in verdict.reason


def test_verdict_round_trips_through_dict() -> None:
    verdict = classify("Deputy shoots man", "A deputy shot a man Friday.", datetime(2022, 1, 7))
    data = to_json(verdict)
    assert isinstance(data["evidence"], list) and isinstance(data["score"], float)
    assert from_json(Verdict, data) == verdict
