"""Feed exporters for ``-O``: dates as ISO 8601 and the verdict as its JSON object."""

from __future__ import annotations

import json
from dataclasses import is_dataclass
from datetime import date, datetime
from typing import Any

from scrapy.exporters import CsvItemExporter, JsonItemExporter, JsonLinesItemExporter

from records.codec import to_json

# Fields written by ``scrapy crawl backfill -O FILE``: what a data desk needs, not the body.
EXPORT_FIELDS = ["url", "canonical_url", "title", "outlet", "published", "verdict"]


def plain(value: Any) -> Any:
    """A field value in JSON terms: ISO dates, records (the verdict) as their JSON object."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return to_json(value)
    return value


class _Plain:
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return super().serialize_field(field, name, plain(value))  # type: ignore[misc]


class JsonLinesExporter(_Plain, JsonLinesItemExporter):
    pass


class JsonExporter(_Plain, JsonItemExporter):
    pass


class CsvExporter(CsvItemExporter):
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
