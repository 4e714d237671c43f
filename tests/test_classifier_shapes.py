"""Firing told in shapes other than "<officer> shot <someone>", and legal follow-ups.

Sentences invented for these tests (never copied from ../shared or the challenge sets).
"""

import pytest

from classifier import classify


@pytest.mark.parametrize(
    "title, text",
    [
        # "responded by firing"
        (
            "Man hurt near rail yard",
            "A man fired at two officers from a stairwell. The officers responded by firing, "
            "and he was struck twice.",
        ),
        # a gerund after the officer word, in a video story
        (
            "Sheriff posts footage from Oak Lane stop",
            "The clip shows a deputy firing into the front of the van as it rolls forward.",
        ),
        # plurals of the gunfight nouns
        (
            "Fugitive captured after three days",
            "The fugitive survived two shootouts with state troopers before his arrest.",
        ),
        # an officer's shooting of someone (possessive agent)
        (
            "Review board meets",
            "The board will review the sergeant's shooting of a 19-year-old in the alley.",
        ),
        # a long appositive between the officer word and the verb
        (
            "Standoff ends on Pine Court",
            "The officer, a nine-year veteran of the county force, fired four times.",
        ),
        # an officer doing something else first, then firing (irregular or -ed verb, no object)
        (
            "Gunfire on Ninth Street",
            "The trooper ducked behind the cruiser door and fired back at the gunman.",
        ),
        (
            "Gunfire on Ninth Street",
            "The trooper took cover behind a truck and fired.",
        ),
        # a game warden is a sworn officer
        (
            "Hunter wounded at camp",
            "A game warden shot and wounded a man who aimed a rifle at him.",
        ),
    ],
)
def test_other_firing_shapes_are_flagged(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert verdict.ois, verdict.reason


@pytest.mark.parametrize(
    "title, text",
    [
        # "fired" as in dismissed, after an officer arrested him
        ("Clerk dismissed", "Police arrested the clerk and fired him from the store job."),
        # the man who turned and fired is not the officer
        (
            "Deputy wounded on Elk Road",
            "Deputies chased the man until he turned and fired at them.",
        ),
        # the officer was the one shot at before "and fired" someone else's
        ("Officer hurt", "The officer was struck and fired upon by the driver."),
        # a sergeant's shooting of a dog is an animal case, not a shooting of a person
        ("Dog killed", "The sergeant's shooting of a neighbor's dog drew complaints."),
    ],
)
def test_near_shapes_that_are_not_an_officer_firing(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert not verdict.ois, verdict.evidence


@pytest.mark.parametrize(
    "title, text",
    [
        # a grand jury declines to indict an officer over a death, the shot told later
        (
            "Grand jury declines to indict Lakeview officer in death of driver",
            "A grand jury on Monday declined to indict Officer Mara Quist in the death of a "
            "driver last spring. Quist shot the driver after a chase, records show.",
        ),
        # a wrongful-death settlement approved by a council
        (
            "Council approves $1.2 million settlement",
            "The council approved a wrongful-death settlement with the family of a man killed "
            "by a deputy in 2023.",
        ),
        # a complaint filed in federal court over a police shooting
        (
            "Family files complaint",
            "The family filed a complaint in federal court over the police shooting of their "
            "son at a bus stop two years ago.",
        ),
        # a family's lawsuit
        (
            "Lawsuit filed",
            "The lawsuit says the trooper shot the woman in the back as she walked away.",
        ),
        # a top-stories round-up whose lead item is such a decision
        (
            "Top stories this morning",
            "1. CHARGES DECLINED\nThe district attorney said two deputies were justified when "
            "they shot a man at a gas station in May.\n\n2. ROAD WORK\nThe bridge closes at "
            "night this week.",
        ),
    ],
)
def test_legal_follow_ups_are_flagged_as_follow_ups(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert verdict.ois, verdict.reason
    assert verdict.followup
