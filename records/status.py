"""The states records go through, as the store and the JSON forms write them.

``StrEnum``: each member is its stored string, so rows written before these existed read
back unchanged, and a member compares equal to the string in a query or a payload.
"""

from __future__ import annotations

from enum import StrEnum


class FetchStatus(StrEnum):
    """An article row's ``fetch_status``."""

    PENDING = "pending"  # known, not fetched yet (the column's default)
    OK = "ok"  # fetched, extracted and stored
    DUPLICATE = "duplicate"  # a second link to an article stored under another
    FAILED = "failed"  # retried on later polls, up to crawl.max_fetch_attempts
    SKIPPED = "skipped"  # never retried: not HTML, no article text, robots.txt


class OutboxStatus(StrEnum):
    """An outbox row's ``status``: one alert to one destination."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up after alerts.max_attempts or alerts.max_age_hours; resendable
    DISMISSED = "dismissed"  # a dead row an operator has seen and let go; still resendable


class Category(StrEnum):
    """What the classifier decided an article reports."""

    OIS = "ois"
    OFFICER_SHOT = "officer_shot"  # an officer was shot and no sentence says one fired
    NOT_OIS = "not_ois"


class Relation(StrEnum):
    """How an article joined its incident."""

    FIRST = "first"  # it opened the incident
    UPDATE = "update"  # another report or a follow-up: alerted as an update
    COPY = "copy"  # the same text as one of the incident's articles: no alert


class Event(StrEnum):
    """What an alert is about."""

    INCIDENT_NEW = "incident.new"
    INCIDENT_UPDATE = "incident.update"
    # A report published before the one that opened the incident: its first report now.
    INCIDENT_EARLIER = "incident.earlier"
    DIGEST = "digest"
    TEST = "test"


class CorrectionAction(StrEnum):
    """What an editor said of an article or an incident (``records.Correction``)."""

    # Labels of an article: each is the article's label from then on, whatever the rules say.
    FALSE_ALARM = "false_alarm"  # flagged, but not an OIS
    MISSED = "missed"  # an OIS the rules did not flag
    BORDERLINE = "borderline"  # an editor's "hard to say": kept out of the labelled data
    CONFIRMED = "confirmed"  # flagged and right
    # Grouping.
    MOVE = "move"  # the article belongs to another incident (detail: to_incident)
    SPLIT = "split"  # the article is a shooting of its own: a new incident
    MERGE = "merge"  # two incidents are one shooting (detail: merged = the one that goes)
    # A fact of an incident (detail: field, value), kept over what reports say.
    FACT = "fact"

    @property
    def is_label(self) -> bool:
        return self in LABELS


LABELS = frozenset(
    {
        CorrectionAction.FALSE_ALARM,
        CorrectionAction.MISSED,
        CorrectionAction.BORDERLINE,
        CorrectionAction.CONFIRMED,
    }
)
