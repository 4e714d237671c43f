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
