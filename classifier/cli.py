"""The classify command: JSON Lines of articles in, JSON Lines of verdicts out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO

from classifier.classify import classify
from classifier.rules import Rules
from records.codec import to_json


class _BadLine(ValueError):
    """One input line cannot be classified; the message says why."""


def run_classify(
    infile: TextIO, outfile: TextIO, errfile: TextIO, rules: Rules, region: Sequence[str] = ()
) -> int:
    """Classify each JSON object line of `infile` (needs `text`; `id`, `title`, `published`,
    `url` optional) and write one verdict line per good input line, in order.

    A bad line is reported on `errfile` as "line N: ..." and gets no output line; the rest are
    still classified. Blank lines are skipped. Returns 1 if any line failed, else 0.
    """
    failed = False
    for number, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        try:
            article = _parse(line)
        except _BadLine as exc:
            errfile.write(f"line {number}: {exc}\n")
            failed = True
            continue
        verdict = classify(
            article.get("title"), article["text"], article["published"], rules=rules, region=region
        )
        record: dict[str, Any] = {"id": article.get("id")}
        if article.get("url") is not None:
            record["url"] = article["url"]
        record.update(to_json(verdict))
        outfile.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def _parse(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise _BadLine(f"expected a JSON object, got {type(obj).__name__}")
    if not isinstance(obj.get("text"), str):
        raise _BadLine("missing or non-string 'text'")
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise _BadLine("'title' must be a string or null")
    obj["published"] = _published(obj.get("published"))
    return obj


def _published(value: Any) -> datetime | date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine("'published' must be an ISO date or datetime string")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _BadLine(f"bad 'published' value {value!r}: not an ISO date or datetime") from None
