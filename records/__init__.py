"""The records every layer passes around, at the bottom of the import graph.

Frozen dataclasses free of I/O: the crawl's ``Lead``, ``FetchedPage`` and ``Article``, the
classifier's ``Verdict``, the ``IncidentRef`` an alert shows, and the states they go
through (``records.status``). Every package imports them downward; nothing here imports
another package of the project. ``records.codec`` turns any of them into JSON and back.
"""

from records.article import Article, FetchedPage, FetchFailure, Lead
from records.correction import Correction
from records.incident import ArticleRef, IncidentRef
from records.status import Category, CorrectionAction, Event, FetchStatus, OutboxStatus, Relation
from records.verdict import Evidence, Facts, Location, Verdict

__all__ = [
    "Article",
    "ArticleRef",
    "Category",
    "Correction",
    "CorrectionAction",
    "Event",
    "Evidence",
    "Facts",
    "FetchFailure",
    "FetchStatus",
    "FetchedPage",
    "IncidentRef",
    "Lead",
    "Location",
    "OutboxStatus",
    "Relation",
    "Verdict",
]
