"""Police news that is not an incident, and words that only look like an officer firing.

Sentences invented for these tests (never copied from ../shared or the challenge sets). Each
trap has a twin reporting a real incident in nearly the same words, so a guard that blocks too
much fails too.
"""

import pytest

from classifier import classify

TRAPS = [
    # counts and statistics with the number before the verb
    ("Annual tally released", "412 people were fatally shot by police in the state last year."),
    ("Data review", "Riverton police shot 9 people in 2025, up from four the year before."),
    (
        "Number of people killed by officers rose in 2025",
        "The number of people killed by officers statewide rose for a third year.",
    ),
    (
        "Report counts police killings",
        "The group counted 1,210 deaths in which officers used deadly force, most of them "
        "shootings.",
    ),
    # a data-collection story about people shot by police in general
    (
        "Bill would fund a state database",
        "Relatives of people killed by officers testified for the bill. The database would "
        "track people shot by police.",
    ),
    # training
    (
        "New range opens for deputies",
        "Deputies fired 3,000 rounds at the county's new outdoor range on its first day.",
    ),
    (
        "Academy class graduates",
        "During a drill at the academy, the officers fired at paper targets from a moving car.",
    ),
    # policy and votes
    (
        "Council votes to limit when police shoot at moving cars",
        "The vote is set for Tuesday night at City Hall.",
    ),
    (
        "Commission weighs rules on when deputies fire at fleeing drivers",
        "A vote on the proposal is expected next month.",
    ),
    # "<noun> shoot" used as a noun
    (
        "Firefighters and officers pose for charity",
        "Deputies posed for a calendar shoot that raised $8,000 for the children's ward.",
    ),
    # headline passives without "was": the officer is the one shot
    (
        "Off-duty officer shot intervening in holdup at pharmacy",
        "The officer is expected to recover. The robber ran off.",
    ),
    (
        "Deputy shot at gas station; manhunt under way",
        "Deputies are searching for the man who fled in a gray sedan.",
    ),
    # private security guards are not police
    (
        "Guard shoots man at outlet mall",
        "A security officer at the outlet mall shot a man who pulled a knife, police said.",
    ),
    # a related-story list under a story about a civilian shooting
    (
        "Teen hurt in shooting on Grove Street",
        "A 15-year-old was shot by someone in a passing car, police said.\n\nMore from "
        "Channel 9\n• Trooper shoots driver after chase on Route 12\n• School board "
        "approves budget",
    ),
]

TWINS = [
    ("Two hurt", "Two people were shot by police at the bus depot on Tuesday night."),
    ("Shootout", "Riverton police shot 2 men during the robbery on Friday."),
    ("Man dies in yard", "A deputy shot the man from a range of about 10 feet."),
    ("Man dies when deputies open fire at trailhead", "The man had a rifle, the sheriff said."),
    (
        "Review",
        "The officers' decision to shoot was found justified. The officers shot the man twice.",
    ),
    ("Deputy shot at driver who rammed cruiser", "The driver was not hit, the sheriff said."),
    (
        "Off-duty officer shoots robber at pharmacy",
        "An off-duty officer working security at the pharmacy shot a robber who drew a gun.",
    ),
    # the K-9 that was hurt is not the weapon: the firing still counts
    (
        "Man shot after stabbing K-9",
        "Officers fired at the man after he stabbed a police K-9 in the neck.",
    ),
]


@pytest.mark.parametrize("title, text", TRAPS)
def test_traps_are_not_flagged(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert not verdict.ois, verdict.evidence


@pytest.mark.parametrize("title, text", TWINS)
def test_twins_are_flagged(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert verdict.ois, verdict.reason


def test_a_less_lethal_weapon_still_cancels_next_to_a_hurt_k9() -> None:
    verdict = classify(
        "Man hit with bean bags", "Officers fired bean bag rounds at the man who hurt a K-9."
    )
    assert not verdict.ois
