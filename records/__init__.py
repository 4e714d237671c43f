"""The records every layer passes around, at the bottom of the import graph.

Frozen dataclasses free of I/O: the crawl's ``Article`` and ``FetchedPage``, the
classifier's ``Verdict`` and the ``IncidentRef`` an alert shows. Every package imports them
downward; nothing here imports another package of the project. ``records.codec`` turns any
of them into JSON and back.
"""

from records.article import Article, FetchedPage
from records.incident import ArticleRef, IncidentRef
from records.verdict import CATEGORIES, Evidence, Location, Verdict

__all__ = [
    "CATEGORIES",
    "Article",
    "ArticleRef",
    "Evidence",
    "FetchedPage",
    "IncidentRef",
    "Location",
    "Verdict",
]
