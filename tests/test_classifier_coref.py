"""Officers named once and then only by surname or pronoun: a light coreference within the article.

Sentences invented for these tests (never copied from ../shared or the challenge sets). Each
shape has a twin where the same surname or pronoun stands for someone who is not an officer,
so resolution that reaches too far fails.
"""

import pytest

from classifier import classify


@pytest.mark.parametrize(
    "title, text",
    [
        # introduced by rank, then only the surname fires
        (
            "Man wounded behind feed store",
            "Officer Petra Voss answered the call about a man with a crowbar. "
            "Voss fired twice when he swung it at her.",
        ),
        # introduced as "<name>, a veteran", then the surname kills
        (
            "Driver dies after stop on Route 9",
            "A state trooper stopped the sedan near mile marker 40. Gideon Marsh, a 14-year "
            "veteran of the patrol, ordered the driver out. Marsh shot and killed the man "
            "when he reached under the seat.",
        ),
        # introduced in apposition after the officer word
        (
            "Grand jury weighs case",
            "The first to reach the depot was a patrolman, Ruben Castle. "
            "Prosecutors say Castle killed the man without warning.",
        ),
        # a pronoun right after an officer subject in the same sentence
        (
            "Prosecutor: sergeant justified",
            "The sergeant acted lawfully when he shot the man who raised a rifle at the car.",
        ),
        # a pronoun in the next sentence, the officer the only person before it
        (
            "Officer hurt, man dead on Alder Street",
            "Officer Lia Brandt was hit in the shoulder. She then fired back from behind her car.",
        ),
        # "a man he shot": the pronoun is the subject of a relative clause after an officer
        (
            "Former deputy admits civil rights charge",
            "A former county deputy admitted he violated the rights of a teen he shot in 2021.",
        ),
        # "both" after two officers named by rank
        (
            "Motel standoff ends",
            "The man fired a rifle at Deputies Nora Quill and Abel Stroud before both returned "
            "fire.",
        ),
    ],
)
def test_named_officers_and_pronouns_are_resolved(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert verdict.ois, verdict.reason
    # the evidence says who the name or pronoun stands for
    assert any("is read as" in e.rule for e in verdict.evidence), verdict.evidence


@pytest.mark.parametrize(
    "title, text",
    [
        # the surname belongs to the man police arrested, not to an officer
        (
            "Arrest in tavern shooting",
            "Police arrested Dale Voss on Friday. Voss fired twice at a bartender, police said.",
        ),
        # the pronoun's nearest person is the suspect
        (
            "Deputy wounded on Birch Road",
            "The deputy ordered the man to drop the gun. He fired at the deputy and ran.",
        ),
        # a speaker: "police said he fired" is about the man
        (
            "Man held after shots at apartments",
            "A man fired into an apartment building, and police said he fired again at a car.",
        ),
        # the officer's name in a quote about a civilian shooting
        (
            "Woman shot at home on Fir Lane",
            "Officer Tessa Grand found a woman who had been shot by her neighbor. "
            "Grand said the neighbor fired through a door.",
        ),
    ],
)
def test_names_and_pronouns_of_other_people_are_not_officers(title: str, text: str) -> None:
    verdict = classify(title, text)
    assert not verdict.ois, verdict.evidence


def test_evidence_marks_the_surname_in_the_original_sentence() -> None:
    verdict = classify(
        "Man wounded",
        "Cpl. Omar Reede reached the lot first. Reede fired several rounds, hitting the man.",
    )
    ev = next(e for e in verdict.evidence if e.sentence.startswith("Reede"))
    words = [ev.sentence[a:b] for a, b in ev.spans]
    assert "Reede" in words and "fired" in words
