"""Facts pulled from flagged articles; sentences written for these tests (none from ../shared)."""

import pytest

from classifier import classify

OIS = "A deputy shot a man outside a feed store on Monday. "


def test_around_is_not_a_shooting_word() -> None:
    # "round" hides inside "around": no shooting word here, so nothing to explain away.
    verdict = classify("Crews work around the clock", "Police said crews worked around the clock.")
    assert not verdict.ois
    assert "Shooting or gun words" not in verdict.reason
    assert verdict.reason == "No sentence about a shooting by officers."
    # a real "rounds" still counts as a shooting word
    fired = classify(None, "Police said a man fired two rounds into a parked car.")
    assert "Shooting or gun words appear" in fired.reason


@pytest.mark.parametrize(
    "text",
    [
        "Both officers fired at the pickup as it sped toward them.",
        "Two officers fired at the driver. Neither officer fired again.",
        "The SWAT team fired at the man. Campus officers had closed the street.",
        "The deputy fired at the man, the sheriff's office said.",
    ],
)
def test_generic_words_are_not_agencies(text: str) -> None:
    agencies = classify(None, text).agencies
    generic = {"Both", "Two", "Neither", "Campus", "SWAT", "The", "A"}
    assert not any(a.split()[0] in generic for a in agencies), agencies


def test_agency_named_only_in_the_headline_is_found() -> None:
    v = classify(
        "Man killed after firing at Millbrook officers during traffic stop",
        "A man was killed Tuesday after he fired at officers during a traffic stop. "
        "The two officers returned fire, striking him.",
    )
    assert v.ois and v.agencies == ("Millbrook Police",)


def test_agencies_are_deduplicated() -> None:
    text = (
        "Two Pinecrest County sheriff's deputies shot a man at a campground, the sheriff's "
        "office said. The sheriff's office said the deputies fired after he raised a rifle."
    )
    assert classify(None, text).agencies == ("Pinecrest County Sheriff's Office",)
    longer = (
        "A Harmon police officer shot a man on Elm Street. Harmon Metro Police officers fired "
        "at the man after he pointed a gun at them."
    )
    assert classify(None, longer).agencies == ("Harmon Metro Police",)


@pytest.mark.parametrize(
    "extra, hurt",
    [
        ("Neither officer was hurt.", False),
        ("Neither deputy was injured.", False),
        ("No officers were injured.", False),
        ("None of the deputies was hurt.", False),
        ("The deputies were not hurt.", False),
        ("Police said the man was wounded in the arm.", False),
        ("The officer shot him twice.", False),
        ("The deputy was shot in the leg.", True),
        ("One deputy was grazed; no other deputies were hurt.", True),
        ("The deputy, a 12-year veteran of the office, was treated for a cut hand.", True),
        ("The deputy suffered a broken wrist in the struggle.", True),
        ("An injured deputy was flown to a hospital.", True),
    ],
)
def test_officer_injured(extra: str, hurt: bool) -> None:
    verdict = classify(None, OIS + extra)
    assert verdict.ois
    assert verdict.officer_injured is hurt


@pytest.mark.parametrize(
    "sentence, agency",
    [
        ("The Texas Rangers will investigate.", "Texas Rangers"),
        ("The Texas Rangers have been asked to investigate.", "Texas Rangers"),
        (
            "The shooting is being investigated by the Ohio Bureau of Criminal Investigation.",
            "Ohio Bureau of Criminal Investigation",
        ),
        (
            "The Iowa Division of Criminal Investigation will review the case.",
            "Iowa Division of Criminal Investigation",
        ),
        ("State police will investigate.", "State Police"),
        ("Illinois State Police said they have opened an investigation.", "Illinois State Police"),
        (
            "The Florida Department of Law Enforcement is investigating.",
            "Florida Department of Law Enforcement",
        ),
        (
            "The sheriff asked the Kansas Bureau of Investigation to look into the shooting.",
            "Kansas Bureau of Investigation",
        ),
        (
            "The Tennessee Bureau of Investigation was called in to investigate.",
            "Tennessee Bureau of Investigation",
        ),
        (
            "The department turned the investigation over to the Utah Department of Public Safety.",
            "Utah Department of Public Safety",
        ),
        ("The Valley Major Crimes Team is handling the case.", "Valley Major Crimes Team"),
    ],
)
def test_investigating_agency(sentence: str, agency: str) -> None:
    verdict = classify(None, OIS + sentence)
    assert verdict.investigating_agency == agency


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Police shootings rose last year",
            "Officers in the state shot at people 140 times last year, a report found.",
        ),
        (
            "Fewer police shootings this year",
            "Officers have fired their weapons at people three times so far this year.",
        ),
        (
            "Deputies train at new range",
            "Deputies fired their first rounds at the county's new training range on Friday.",
        ),
        (
            "Veterans honored",
            "The ceremony ended with a 21-gun salute fired by the police honor guard.",
        ),
        (
            "Council buys body cameras",
            '"When an officer has to fire his weapon, we want it recorded," the sheriff said.',
        ),
    ],
)
def test_statistics_training_and_ceremony_are_not_incidents(title: str, text: str) -> None:
    assert not classify(title, text).ois


def test_shot_count_in_one_incident_is_still_an_incident() -> None:
    verdict = classify(None, "The officer fired 16 times at the car as it sped away.")
    assert verdict.ois


def test_hit_in_a_body_part_means_hit_and_not_killed() -> None:
    verdict = classify(None, OIS + "The man was hit in the shoulder and arrested.")
    assert verdict.fatal is False and verdict.anyone_hit is True


def test_charging_at_an_officer_is_not_criminal_charges() -> None:
    verdict = classify(
        "Deputy fires after man charges at him with an axe",
        "A deputy shot a man who charged at him with an axe on Friday. The man is in stable "
        "condition. The state bureau of investigation will investigate.",
    )
    assert verdict.ois and not verdict.followup


def test_outcome_is_read_near_the_evidence_in_a_roundup() -> None:
    text = (
        "Burglary: a hardware store was broken into overnight.\n"
        "Shooting: An officer fired at a man who pointed a shotgun at him. The man was not hit "
        "and surrendered.\n"
        "Crash: A 70-year-old woman died in a two-car crash on the highway."
    )
    verdict = classify(None, text)
    assert verdict.ois
    assert verdict.fatal is False and verdict.anyone_hit is False


def test_someone_shot_with_no_outcome_told_is_a_hit_of_unknown_outcome() -> None:
    verdict = classify(
        "City settles suit over 2019 police shooting",
        "The council approved the settlement with the family of a man shot by a police officer "
        "in a park in 2019. The officer was not charged.",
    )
    assert verdict.ois and verdict.followup
    assert verdict.anyone_hit is True and verdict.fatal is None
