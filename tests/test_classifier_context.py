"""Facts come from the sentences about this incident; borderline animal cases by breed or name.

Sentences invented for these tests (never copied from ../shared or the challenge sets).
"""

import pytest

from classifier import classify


def test_neither_was_hurt_is_a_no() -> None:
    verdict = classify(
        "Trooper fires at pickup on Route 6",
        "A trooper fired twice at a pickup carrying two men after it swerved at him. "
        "Neither was hurt, and both were arrested a mile later.",
    )
    assert verdict.ois
    assert (verdict.fatal, verdict.anyone_hit) == (False, False)


def test_no_round_struck_is_a_no() -> None:
    verdict = classify(
        "Officer fires at fleeing car",
        "An officer fired three rounds at the car as it sped off. None of the rounds struck "
        "the driver.",
    )
    assert (verdict.fatal, verdict.anyone_hit) == (False, False)


def test_a_background_sentence_about_an_earlier_death_is_not_this_outcome() -> None:
    verdict = classify(
        "Deputy fires at man in Elm Park",
        "A deputy fired at a man who pointed a pistol at him near the Elm Park pond on "
        "Sunday.\n\nIn 2019, deputies shot and killed a man in the same park. "
        "The man Sunday ran into the woods and was found hiding in a shed; he had not been struck.",
    )
    assert verdict.ois
    assert verdict.fatal is False


def test_a_rule_about_deadly_force_is_not_a_death() -> None:
    verdict = classify(
        "Officer shoots man in Pell Street alley",
        "An officer shot a man who swung a pipe at her in an alley off Pell Street.\n\n"
        "The state reviews every case in which an officer uses deadly force.\n\n"
        "The man was taken to Mercy Hospital and is expected to survive.",
    )
    assert (verdict.fatal, verdict.anyone_hit) == (False, True)


def test_a_related_headline_does_not_give_the_outcome() -> None:
    verdict = classify(
        "Deputy fires at car in Westgate lot",
        "A deputy fired at a car that drove at him in the Westgate Mall lot on Friday. "
        "The car sped off.\n\nRelated: Man killed in crash on Highway 40",
    )
    assert verdict.ois
    assert verdict.fatal is None


def test_an_officers_injuries_mean_an_injured_officer() -> None:
    verdict = classify(
        "Troopers fire at driver on Route 3",
        "Two troopers fired at the driver after he rammed their cruiser. One trooper's injuries "
        "are not considered serious.",
    )
    assert verdict.ois and verdict.officer_injured


@pytest.mark.parametrize(
    "text",
    [
        "An officer shot a pit bull that bit a mail carrier on Dover Street.",
        "The deputy shot Duke, the family's 6-year-old German shepherd, in the yard.",
        "A trooper fired at a Rottweiler that charged at him during the search.",
    ],
)
def test_a_dog_named_by_breed_or_by_name_is_an_animal_case(text: str) -> None:
    verdict = classify("Dog shot", text)
    assert verdict.borderline
    assert "animal" in verdict.reason
