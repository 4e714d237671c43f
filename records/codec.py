"""One converter between the records and their JSON form, both ways.

The store keeps verdicts and alert payloads as JSON, webhooks send it, exports write it; all
of them go through ``to_json`` / ``from_json`` (pydantic's TypeAdapter over the dataclasses),
so a field added to a record reaches every form without anyone writing dict code for it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, PlainSerializer, TypeAdapter

T = TypeVar("T")


def _parse_datetime(value: Any) -> Any:
    # The standard library's parser, not pydantic's: it gives back `datetime.UTC` itself
    # rather than an equal stand-in, so a record read back is the record that was written.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# A moment written as `datetime.isoformat` writes it ("+00:00", not pydantic's "Z"): the form
# every stored payload and webhook body has always had.
Timestamp = Annotated[
    datetime,
    BeforeValidator(_parse_datetime),
    PlainSerializer(datetime.isoformat, when_used="json"),
]


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[T]) -> TypeAdapter[T]:
    # Built once per record type: building one compiles its validator and serializer.
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def to_json(record: object) -> Any:
    """The record as JSON-ready values: dicts, lists, strings, numbers, None."""
    return _adapter(type(record)).dump_python(record, mode="json")


def from_json(cls: type[T], data: Any) -> T:
    """A record rebuilt from what ``to_json`` gave (keys it does not know are ignored)."""
    return _adapter(cls).validate_python(data)


def dumps(record: object) -> str:
    """The record as the JSON text the store keeps (keys sorted, so equal records match)."""
    return json.dumps(to_json(record), sort_keys=True)


def loads(cls: type[T], text: str | bytes) -> T:
    return from_json(cls, json.loads(text))
