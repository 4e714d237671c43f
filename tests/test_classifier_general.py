"""Statements about police shootings in general, and private crimes, are not incidents.

Short sentences written for these tests (never copied from ../shared). Each trap has a twin
that reports a real incident in nearly the same words, so a guard that blocks too much fails.
"""

import pytest

from classifier import classify


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Board adopts faster release of police shooting video",
            "Footage must be public within 15 days after an officer shoots someone. "
            "Residents want to see what happens when deputies use deadly force.",
        ),
        (
            "Sheriff's shootings dropped last year",
            "Deputies fired at people in seven incidents last year, down from 12, the audit says.",
        ),
        (
            "Group sues over vehicle rule",
            "The suit targets a rule that lets officers fire at a driver who is using the car "
            "as a weapon. A policy that allows officers to shoot at moving cars is too broad.",
        ),
        (
            "Ex-trooper charged with murder in shooting death of his girlfriend",
            "The former trooper was charged in the shooting death of his girlfriend at their home.",
        ),
        (
            "Radio call leads deputies to wounded hiker",
            "A hunter's stray bullet hit the hiker, the sheriff said.",
        ),
        (
            "Deputy wounded by shots fired through a car window",
            "A man in a passing car fired at the deputy, who was hit in the arm and survived.",
        ),
    ],
)
def test_general_statements_and_private_crimes_are_not_flagged(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert not verdict.ois, verdict.reason
    assert verdict.reason


@pytest.mark.parametrize(
    "title, text",
    [
        # a headline's present tense is news
        ("Man dies when deputies open fire at trailhead", "The man had a rifle, the sheriff said."),
        # past tense after "after" is an incident
        (
            "Council meets on budget",
            "The meeting came a day after an officer shot a man who had a knife on Elm Street.",
        ),
        # a count of shots in one incident is not a statistic
        (
            "Trooper fires at driver",
            "The trooper fired at the driver 4 times on Tuesday night; nobody was hit.",
        ),
        # a sentence that ends on "fired" after an officer word
        (
            "Man with shotgun dies in encounter with police",
            "He raised the shotgun toward the porch, and two officers fired.",
        ),
        # a former officer charged over a shooting on duty is a follow-up, not a private crime
        (
            "Former deputy acquitted in 2021 fatal shooting",
            "The former deputy shot the driver during a traffic stop in 2021.",
        ),
    ],
)
def test_incidents_near_those_words_are_still_flagged(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert verdict.ois, verdict.reason
    assert verdict.evidence
