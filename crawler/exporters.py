"""Feed exporters for ``-O``: dates as ISO 8601 and the verdict as its JSON object."""

from __future__ import annotations

import json
from dataclasses import dataclass, is_dataclass
from datetime import date, datetime
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import CsvItemExporter, JsonItemExporter, JsonLinesItemExporter

from records.codec import to_json

# Fields written by ``scrapy crawl backfill -O FILE``: what a data desk needs, not the body
# (``-a text=yes`` adds ``text``). A URL that gave no article is a row too, with its status.
EXPORT_FIELDS = [
    "url",
    "canonical_url",
    "title",
    "outlet",
    "published",
    "verdict",
    "status",
    "error",
]


@dataclass(frozen=True)
class UrlOutcome:
    """A URL of the crawl that gave no article, as its row in the ``-O`` file."""

    url: str
    status: str  # failed | skipped | duplicate
    error: str
    outlet: str | None = None
    http_status: int | None = None


def export_row(item: Any) -> dict[str, Any]:
    """The item as the exporter's row: an article is ``ok``, a UrlOutcome says what went
    wrong (only the exported fields are written)."""
    row = ItemAdapter(item).asdict()
    row.setdefault("status", "ok")
    return row


def plain(value: Any) -> Any:
    """A field value in JSON terms: ISO dates, records (the verdict) as their JSON object."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return to_json(value)
    return value


class _Plain:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Every row has every exported field (None where a failed URL has no title).
        kwargs.setdefault("export_empty_fields", True)
        super().__init__(*args, **kwargs)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return super().serialize_field(field, name, plain(value))  # type: ignore[misc]

    def export_item(self, item: Any) -> Any:
        return super().export_item(export_row(item))  # type: ignore[misc]


class JsonLinesExporter(_Plain, JsonLinesItemExporter):
    pass


class JsonExporter(_Plain, JsonItemExporter):
    pass


class CsvExporter(CsvItemExporter):
    def export_item(self, item: Any) -> Any:
        return super().export_item(export_row(item))

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        value = plain(value)
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return super().serialize_field(field, name, value)


EXPORTERS = {
    "jsonlines": "crawler.exporters.JsonLinesExporter",
    "jsonl": "crawler.exporters.JsonLinesExporter",
    "jl": "crawler.exporters.JsonLinesExporter",
    "json": "crawler.exporters.JsonExporter",
    "csv": "crawler.exporters.CsvExporter",
}
