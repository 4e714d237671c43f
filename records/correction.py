"""An editor's correction of the bot: who said what about which article or incident, when.

Corrections win over the classifier and the grouping from the moment they are made, and
become labelled data (``oiswatch feedback export``) that measures the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from records.codec import Timestamp
from records.status import CorrectionAction


@dataclass(frozen=True)
class Correction:
    id: int
    at: Timestamp
    editor: str  # the desk login, the proxy's user header, or "link:<alert delivery>"
    action: CorrectionAction
    article_id: int | None = None
    incident_id: int | None = None
    # What the action needs: {"to_incident": 12} for a move, {"field": "fatal",
    # "value": true} for a fact, {"merged": 9} for a merge; empty for a label.
    detail: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
